"""Mediation routing: from the kind of dispute to the right body in the district's mediation network.

The bodies (names from the bureau's description; address and phone filled in
by staff) and the disputes each takes are curated in
``knowledge_base/services/mediation.yml``. ``mediation_form`` has one
question, the kind of dispute, answered by button or in words (also in the
message that started it: 「物业纠纷找哪里调解」). The reply names the bodies,
says that people's mediation is free and that an agreement can be judicially
confirmed, with citations. An empty address or phone is never guessed: the
reply says to call 12348 or ask the village (community) committee instead.
Staff can fill in a body's address, phone, opening hours and map description
in the services directory (/admin/services); those are read from the curation
database on every answer (``with_contacts``), so a saved number is in the next
reply without a restart.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import payload, render, services
from actions.choice import accept, extract_answer, option_button
from actions.forms import AskAction, form_slot_resets
from knowledge_base.service_data.mediation import Dispute, MediationData, mediation_data, with_contacts

FORM, FLOW_INTENT = "mediation_form", "mediation_routing"
DISPUTE = "mediation_dispute"
START_BUTTONS = [{"title": "帮我找合适的调解组织", "payload": f"/{FLOW_INTENT}"}]
# FAQ answers about people's mediation, which offer the routing as a next step.
FAQ_ENTRY_PREFIXES = ("legalsvc-mediation-", "elderly-family-mediation")
_contacts = services.live


def routing_text(data: MediationData, dispute: Dispute, with_disclaimer: bool) -> str:
    """The bodies for ``dispute`` with their contact, then why mediation is worth it, cited (one utterance)."""
    lines = [f"“{dispute.label}”可以找这些调解组织："]
    for number, body in enumerate(data.bodies_for(dispute), 1):
        lines += [f"{number}. {body.name}：{body.handles}", f"   {body.contact()}"]
    for note in data.notes():
        lines.append(note.text)
        lines += render.cited_lines(note.citations, prefix="   依据：")
    if with_disclaimer:
        lines.append(render.DISCLAIMER)
    return "\n".join(lines)


def dispute_buttons(data: MediationData) -> list[dict]:
    return [option_button(FLOW_INTENT, DISPUTE, d.id, d.label) for d in data.disputes if d.button]


class ValidateMediationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_mediation_form"

    def extract_mediation_dispute(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict:
        return extract_answer(tracker, DISPUTE, mediation_data().disputes, FLOW_INTENT, first=True)

    def validate_mediation_dispute(
        self, value: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict:
        return accept(DISPUTE, value, dispatcher, "没太明白是哪类纠纷。请点选最接近的一项：")


class ActionAskMediationDispute(AskAction):
    slot = DISPUTE

    def question(self, tracker: Tracker) -> tuple[str, list[dict]]:
        return (
            "钟楼区有各类人民调解组织，我帮您找合适的。您遇到的是哪类纠纷？请点选，或直接说说：",
            dispute_buttons(mediation_data()),
        )


class ActionMediationRouting(Action):
    """Name the bodies for the dispute once the form has it, then clear the slot."""

    def name(self) -> str:
        return "action_mediation_routing"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        data = with_contacts(mediation_data(), _contacts.current())
        dispute = data.dispute(tracker.get_slot(DISPUTE))
        reset = form_slot_resets(FORM, domain)
        if dispute is None:
            return reset
        first = not tracker.get_slot("disclaimer_shown")
        citations = render.citation_records([c for note in data.notes() for c in note.citations])
        dispatcher.utter_message(
            text=routing_text(data, dispute, with_disclaimer=first),
            json_message=payload.build(
                "mediation_routing",
                "mediation_routing",
                [],
                citations=citations,
                bodies=[b.id for b in data.bodies_for(dispute)],
            ),
        )
        return reset + [SlotSet("disclaimer_shown", True)]
