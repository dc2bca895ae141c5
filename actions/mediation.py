"""Mediation routing: from the kind of dispute to the right body in the district's mediation network.

The bodies (names from the bureau's description; address and phone filled in
by staff) and the disputes each takes are curated in
``knowledge_base/services/mediation.yml``. ``mediation_form`` has one
question, the kind of dispute, answered by button or in words (also in the
message that started it: 「物业纠纷找哪里调解」). The reply names the bodies,
says that people's mediation is free and that an agreement can be judicially
confirmed, with citations. An empty address or phone is never guessed: the
reply says to call 12348 or ask the village (community) committee instead.
Staff can fill in a body's address, phone and opening hours on the page
/admin/mediation; those are read from the curation database on every answer
(``with_contacts``), so a saved number is in the next reply without a restart.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import Field, field_validator, model_validator
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import render
from actions.choice import accept, extract_answer, option_button
from actions.forms import AskAction, form_slot_resets
from knowledge_base.schema import Citation
from api.curation.mediation_contacts import LiveContacts
from knowledge_base.service_data import StrictModel, load_service

FORM, FLOW_INTENT = "mediation_form", "mediation_routing"
DISPUTE = "mediation_dispute"
START_BUTTONS = [{"title": "帮我找合适的调解组织", "payload": f"/{FLOW_INTENT}"}]
# FAQ answers about people's mediation, which offer the routing as a next step.
FAQ_ENTRY_PREFIXES = ("legalsvc-mediation-", "elderly-family-mediation")
NO_CONTACT = "地址、电话：可拨打12348公共法律服务热线，或向所在村（社区）询问"
# A staff-entered phone: a Changzhou landline (0519 + 8 digits), a mobile number, or a national hotline.
PHONE = re.compile(r"^(0519-?[1-9]\d{7}|1[3-9]\d{9}|12348|12333|12315)$")
URL = re.compile(r"(?i)https?:|www\.|\b[a-z0-9-]+\.(com|cn|net|org|gov)\b")


class Body(StrictModel):
    id: str
    name: str = Field(min_length=4)
    handles: str
    address: str = Field("", max_length=100)
    phone: str = ""
    hours: str = Field("", max_length=50)  # opening hours, optional

    @field_validator("phone")
    @classmethod
    def _phone_is_real_looking(cls, phone: str) -> str:
        phone = phone.strip()
        if phone and not PHONE.match(phone):
            raise ValueError(f"phone {phone!r} is not a 0519 landline, a mobile number or a national hotline")
        return phone

    @field_validator("address", "hours")
    @classmethod
    def _no_links(cls, text: str) -> str:
        if URL.search(text):
            raise ValueError(f"{text!r} contains a web address")
        return text.strip()

    def contact(self) -> str:
        if not self.address and not self.phone:
            return NO_CONTACT
        parts = [f"地址：{self.address}" if self.address else "", f"电话：{self.phone}" if self.phone else "",
                 f"开放时间：{self.hours}" if self.hours else ""]
        return "，".join(part for part in parts if part)


class Dispute(StrictModel):
    id: str
    label: str
    button: bool = True
    keywords: list[str] = Field(min_length=1)
    bodies: list[str] = Field(min_length=1)


class Note(StrictModel):
    text: str
    citations: list[Citation] = Field(min_length=1)


class MediationData(StrictModel):
    bodies: list[Body] = Field(min_length=1)
    disputes: list[Dispute] = Field(min_length=1)
    free: Note
    confirmation: Note
    not_settled: Note

    @model_validator(mode="after")
    def _references_resolve(self) -> "MediationData":
        body_ids = [b.id for b in self.bodies]
        if len(set(body_ids)) != len(body_ids) or len({d.id for d in self.disputes}) != len(self.disputes):
            raise ValueError("body and dispute ids must be unique")
        for dispute in self.disputes:
            unknown = set(dispute.bodies) - set(body_ids)
            if unknown:
                raise ValueError(f"dispute {dispute.id} names unknown bodies {sorted(unknown)}")
        return self

    def notes(self) -> list[Note]:
        return [self.free, self.confirmation, self.not_settled]

    def dispute(self, dispute_id: str | None) -> Dispute | None:
        return next((d for d in self.disputes if d.id == dispute_id), None)

    def bodies_for(self, dispute: Dispute) -> list[Body]:
        by_id = {b.id: b for b in self.bodies}
        return [by_id[body_id] for body_id in dispute.bodies]


@lru_cache(maxsize=1)
def mediation_data() -> MediationData:
    return load_service("mediation", MediationData)


def with_contacts(data: MediationData, contacts: dict[str, dict[str, str]]) -> MediationData:
    """``data`` with the staff-entered contact (address, phone, hours) replacing the YAML's for each body in it."""
    bodies = [body.model_copy(update=contacts[body.id]) if body.id in contacts else body for body in data.bodies]
    return data.model_copy(update={"bodies": bodies})


_contacts = LiveContacts()


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

    def extract_mediation_dispute(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: dict[str, Any]) -> dict:
        return extract_answer(tracker, DISPUTE, mediation_data().disputes, FLOW_INTENT, first=True)

    def validate_mediation_dispute(self, value: str, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: dict[str, Any]) -> dict:
        return accept(DISPUTE, value, dispatcher, "没太明白是哪类纠纷。请点选最接近的一项：")


class ActionAskMediationDispute(AskAction):
    slot = DISPUTE

    def question(self, tracker: Tracker) -> tuple[str, list[dict]]:
        return ("钟楼区有各类人民调解组织，我帮您找合适的。您遇到的是哪类纠纷？请点选，或直接说说：",
                dispute_buttons(mediation_data()))


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
        dispatcher.utter_message(text=routing_text(data, dispute, with_disclaimer=first),
                                 json_message=render.payload("mediation_routing", "mediation_routing", [],
                                                             citations=citations,
                                                             bodies=[b.id for b in data.bodies_for(dispute)]))
        return reset + [SlotSet("disclaimer_shown", True)]
