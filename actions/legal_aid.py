"""Legal-aid eligibility check: the ``legal_aid_form``'s slot logic and the cited result.

The form asks what the matter is, whether the person belongs to a group
exempt from the financial check (法律援助法第四十二条) and, if not, whether they
are in financial hardship. Matters, groups, answers, materials and the cited
articles are curated in ``knowledge_base/services/legal_aid.yml``. Matters
without a financial condition (第三十二条) and criminal defence (第二十四、二十五条)
skip the later questions. The result is one of 很可能符合 / 需要中心审查 /
可能不符合, never a promise: the centre checks hardship against the province's
standard, which the bot does not state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import payload, render, services
from actions.choice import UNCLEAR, accept, best_option, extract_answer, option_button
from actions.forms import AskAction, form_slot_resets
from knowledge_base.schema import Citation
from knowledge_base.service_data.directory import service
from knowledge_base.service_data.legal_aid import NO_GROUP, Group, LegalAidData, legal_aid_data

FORM, FLOW_INTENT = "legal_aid_form", "legal_aid_check"
MATTER, GROUP, HARDSHIP = "legal_aid_matter", "legal_aid_group", "legal_aid_hardship"
Outcome = Literal["likely", "check", "unlikely"]
START_BUTTONS = [{"title": "帮我看看能不能申请法律援助", "payload": f"/{FLOW_INTENT}"}]
CENTRE = "legal_aid_centre"  # the services directory's district legal-aid centre
# FAQ answers about legal aid, which offer the check as a next step.
FAQ_ENTRY_PREFIXES = ("legalsvc-aid-", "elderly-legal-aid")
QUESTIONS = {
    MATTER: "我来帮您初步看看能不能申请法律援助（随时可以说“算了”退出）。"
    "第1步：您想请法律援助帮您办什么事？请点选，或直接说说：",
    GROUP: "第2步：您是否属于下面的人员？有材料证明的，可以免予核查经济困难状况：",
    HARDSHIP: "第3步：您（和共同生活的家人）的经济状况怎么样？经济困难的标准由江苏省规定，中心会核查，这里说个大概就行：",
}
OUTCOME_TEXT = {
    "likely": "很可能符合法律援助条件",
    "check": "需要区法律援助中心进一步审查",
    "unlikely": "按您说的情况，可能不符合法律援助条件",
}


def required_slots(data: LegalAidData, matter_id: str | None, group_id: str | None) -> list[str]:
    """The questions this person still has to be asked, given the answers so far."""
    matter = data.matter(matter_id)
    if matter is None:
        return [MATTER]
    if matter.basis in ("not_means_tested", "criminal_defence"):
        return [MATTER]
    return [MATTER, GROUP, HARDSHIP] if group_id == NO_GROUP else [MATTER, GROUP]


def group_applies(data: LegalAidData, group_id: str, matter_id: str | None) -> bool:
    """Whether the exempt group counts for this matter (进城务工人员 only for wages and work injury)."""
    group = data.group(group_id)
    return group is not None and (group.applies_to is None or matter_id in group.applies_to)


@dataclass(frozen=True)
class _ButtonOnly:
    """A group that the typed words do not select (its ``requires_any`` words are missing); its button still does."""

    id: str
    keywords: tuple[str, ...] = ()


def group_options(data: LegalAidData, text: str) -> list[Group | _ButtonOnly]:
    """The groups as answer options for ``text``.

    A group with ``requires_any`` (无固定生活来源的老年人…, 第四十二条第一项) matches typed words only when one
    of those words is also there: 「我是老人」 alone is no exemption, 「我是老人，没有收入」 is.
    """
    return [g if g.requirement_met(text) else _ButtonOnly(g.id) for g in data.groups]


def group_from_text(data: LegalAidData, text: str) -> str | None:
    """The group the typed ``text`` picks (longest keyword, ``requires_any`` respected), or None."""
    return best_option(text, group_options(data, text))


def group_needing_more(data: LegalAidData, text: str) -> Group | None:
    """The group ``text`` names by keyword although its ``requires_any`` words are missing (e.g. 「我是老人」)."""
    held = [g for g in data.groups if not g.requirement_met(text)]
    return data.group(best_option(text, held)) if held else None


@dataclass
class Assessment:
    outcome: Outcome
    reasons: list[str]
    citations: list[Citation]
    materials: list[str] = field(default_factory=list)


def assess(data: LegalAidData, matter_id: str, group_id: str | None, hardship: str | None) -> Assessment:
    """The likely result of an application, why (with citations) and what to bring."""
    matter = data.matter(matter_id)
    if matter is None:
        raise ValueError(f"unknown matter {matter_id!r}")
    materials = [*data.materials, *matter.evidence]
    citations = list(matter.citations)
    if matter.basis == "criminal_defence":
        return Assessment("check", list(matter.notes), citations, materials)
    if matter.basis == "not_means_tested":
        return Assessment("likely", [f"“{matter.label}”申请法律援助，不受经济困难条件的限制。"], citations, materials)
    group = data.group(group_id)
    listed = matter.basis == "means_tested"
    scope = (
        f"“{matter.label}”属于法律援助的事项范围。"
        if listed
        else f"“{matter.label}”不在法律援助法列明的事项里，要看法律、法规、规章有没有其他规定，由法律援助中心判断。"
    )
    if group is not None and group.id != NO_GROUP and group_applies(data, group.id, matter.id):
        return Assessment(
            "likely" if listed else "check",
            [scope, f"您属于“{group.label}”，有材料证明的，免予核查经济困难状况。"],
            citations + group.citations,
            materials + group.proof,
        )
    citations += data.hardship.citations
    materials += data.hardship.proof
    standard = "经济困难的标准由省政府规定，法律援助中心会按江苏省的标准核查。"
    if hardship == "yes":
        return Assessment("likely" if listed else "check", [scope, f"您说经济困难：{standard}"], citations, materials)
    if hardship == "no":
        return Assessment(
            "unlikely",
            [
                scope,
                "这类事项要求经济困难；您说经济不困难，一般不符合条件。情况有变化或拿不准的，可以拨打12348问一问。",
            ],
            citations,
            materials,
        )
    return Assessment("check", [scope, f"是否经济困难说不准：{standard}"], citations, materials)


def result_text(
    data: LegalAidData,
    assessment: Assessment,
    with_disclaimer: bool,
    contacts: dict[str, dict[str, str]] | None = None,
) -> str:
    """The reply: result, reasons, cited articles, materials, where to apply (one utterance, no blank lines).

    The legal-aid centre's address, phone and hours follow 「去哪里申请」 once staff saved them in the services
    directory (``contacts``); until then the 12348 text of ``data.apply.where`` is all there is."""
    lines = [
        f"【初步判断】{OUTCOME_TEXT[assessment.outcome]}",
        *[f"· {reason}" for reason in assessment.reasons],
        "法律依据：",
    ]
    lines += render.cited_lines(assessment.citations)
    lines += ["申请时请带上：", *[f"{i}. {item}" for i, item in enumerate(assessment.materials, 1)]]
    centre = service(CENTRE)
    saved = centre.model_copy(update=(contacts or {})[CENTRE]) if CENTRE in (contacts or {}) else centre
    lines += ["去哪里申请：", data.apply.where]
    if saved.has_contact():
        lines.append(saved.contact_line())
    lines.append(data.apply.decision)
    lines += render.cited_lines(data.apply.citations)
    if with_disclaimer:
        lines.append(render.DISCLAIMER)
    return "\n".join(lines)


def matter_buttons(data: LegalAidData) -> list[dict]:
    return [option_button(FLOW_INTENT, MATTER, m.id, m.label) for m in data.matters if m.button]


def group_buttons(data: LegalAidData, matter_id: str | None) -> list[dict]:
    return [
        option_button(FLOW_INTENT, GROUP, g.id, g.label)
        for g in data.groups
        if g.id == NO_GROUP or group_applies(data, g.id, matter_id)
    ]


def hardship_buttons(data: LegalAidData) -> list[dict]:
    return [option_button(FLOW_INTENT, HARDSHIP, a.id, a.label) for a in data.hardship.answers]


class ValidateLegalAidForm(FormValidationAction):
    def name(self) -> str:
        return "validate_legal_aid_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[str]:
        return required_slots(legal_aid_data(), tracker.get_slot(MATTER), tracker.get_slot(GROUP))

    def extract_legal_aid_matter(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict:
        return extract_answer(
            tracker, MATTER, legal_aid_data().matters, FLOW_INTENT, first=True, form_slots=(GROUP, HARDSHIP)
        )

    def extract_legal_aid_group(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict:
        text = tracker.latest_message.get("text") or ""
        return extract_answer(tracker, GROUP, group_options(legal_aid_data(), text), FLOW_INTENT)

    def extract_legal_aid_hardship(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict:
        return extract_answer(tracker, HARDSHIP, legal_aid_data().hardship.answers, FLOW_INTENT)

    def validate_legal_aid_matter(
        self, value: str | None, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict:
        return accept(MATTER, value, dispatcher, "没太明白是哪类事情。请点选最接近的一项，都不像就选“其他事项”：")

    def validate_legal_aid_group(
        self, value: str | None, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict:
        if value == UNCLEAR:
            held = group_needing_more(legal_aid_data(), tracker.latest_message.get("text") or "")
            if held is not None:
                return accept(
                    GROUP,
                    value,
                    dispatcher,
                    f"只有“{held.label}”才免予核查经济困难状况。没有退休金、工资、租金等固定收入的，请点这一项；"
                    "有固定收入的，请点“都不是”：",
                )
        if value is None or value == UNCLEAR:
            return accept(GROUP, value, dispatcher, "没太明白。请点选您属于哪一类，都不是就选“都不是”：")
        if not group_applies(legal_aid_data(), value, tracker.get_slot(MATTER)):
            dispatcher.utter_message(
                text="进城务工人员免予核查经济状况，只适用于讨要工资或工伤赔偿；您这件事还要看经济状况。"
            )
            return {GROUP: NO_GROUP}
        return {GROUP: value}

    def validate_legal_aid_hardship(
        self, value: str | None, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict:
        return accept(HARDSHIP, value, dispatcher, "没太明白。请点选您家的经济状况：")


class LegalAidAskAction(AskAction):
    """Sends the question for ``slot`` from ``QUESTIONS`` with the buttons the data gives for it."""

    def question(self, tracker: Tracker) -> tuple[str, list[dict]]:
        data = legal_aid_data()
        buttons = {
            MATTER: matter_buttons,
            GROUP: lambda d: group_buttons(d, tracker.get_slot(MATTER)),
            HARDSHIP: hardship_buttons,
        }[self.slot](data)
        return QUESTIONS[self.slot], buttons


class ActionAskLegalAidMatter(LegalAidAskAction):
    slot = MATTER


class ActionAskLegalAidGroup(LegalAidAskAction):
    slot = GROUP


class ActionAskLegalAidHardship(LegalAidAskAction):
    slot = HARDSHIP


class ActionLegalAidResult(Action):
    """Reply with the assessment once the form is complete, then clear the form's slots."""

    def name(self) -> str:
        return "action_legal_aid_result"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        data = legal_aid_data()
        reset = form_slot_resets(FORM, domain)
        matter = tracker.get_slot(MATTER)
        if data.matter(matter) is None:
            return reset
        assessment = assess(data, matter, tracker.get_slot(GROUP), tracker.get_slot(HARDSHIP))
        first = not tracker.get_slot("disclaimer_shown")
        citations = render.citation_records(assessment.citations + data.apply.citations)
        dispatcher.utter_message(
            text=result_text(data, assessment, with_disclaimer=first, contacts=services.current()),
            json_message=payload.build(
                "legal_aid_result", "legal_aid_check", [], citations=citations, outcome=assessment.outcome
            ),
        )
        return reset + [SlotSet("disclaimer_shown", True)]
