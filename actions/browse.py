"""Browsing menus: the elderly-services menu (银龄港湾) and the enterprise guide by issue or topic.

Both end in buttons whose payload is ``/choose_entry{"entry_id": ...}``, so a
click is answered by ``action_answer_entry`` like a did-you-mean choice.
Menu levels pass their choice as an entity (``elderly_topic``,
``guide_issue``), which the next level reads from its slot.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import legal_aid, payload
from actions.knowledge import knowledge_base
from knowledge_base.numerals import NUMBER_PATTERN, to_int
from knowledge_base.schema import Entry, GuideIssue

# Menu label -> entry id prefixes in the resident FAQ.
ELDERLY_MENU: dict[str, tuple[str, ...]] = {
    "子女赡养": ("elderly-support-", "elderly-visits-", "elderly-pension-taken"),
    "遗嘱继承": ("elderly-will-", "elderly-inheritance-", "elderly-legacy-"),
    "防范诈骗": ("elderly-fraud-",),
    "意定监护": ("elderly-guardianship-",),
    "法律援助": ("elderly-legal-aid", "legalsvc-aid-"),
}
_ISSUE = re.compile(rf"第\s*({NUMBER_PATTERN})\s*期")


def button_payload(intent: str, **entities: str) -> str:
    return f"/{intent}" + json.dumps(entities, ensure_ascii=False)


def entry_buttons(entries: list[Entry]) -> list[dict]:
    return [{"title": entry.title, "payload": button_payload("choose_entry", entry_id=entry.id)} for entry in entries]


def elderly_topic(slot_value: str | None, text: str) -> str | None:
    """The menu item chosen by button, else one named in the text."""
    if slot_value in ELDERLY_MENU:
        return slot_value
    return next((label for label in ELDERLY_MENU if label in text), None)


def elderly_entries(topic: str, entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.id.startswith(ELDERLY_MENU[topic])]


def guide_issue(slot_value: str | None, text: str) -> int | None:
    """The guide issue chosen by button, else 「第12期」 in the text."""
    if slot_value and slot_value.isdigit():
        return int(slot_value)
    match = _ISSUE.search(text)
    return to_int(match.group(1)) if match else None


def guide_topic(text: str, issues: list[GuideIssue]) -> str | None:
    return next((issue.topic for issue in issues if issue.topic in text), None)


class ActionElderlyMenu(Action):
    def name(self) -> str:
        return "action_elderly_menu"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        topic = elderly_topic(tracker.get_slot("elderly_topic"), tracker.latest_message.get("text") or "")
        if topic is None:
            dispatcher.utter_message(
                text="“银龄港湾”为老年人提供法律服务。您想了解哪方面？请点选：",
                buttons=[
                    {"title": label, "payload": button_payload("elderly_menu", elderly_topic=label)}
                    for label in ELDERLY_MENU
                ],
                json_message=payload.build("menu", "elderly_menu", []),
            )
        else:
            dispatcher.utter_message(
                text=f"关于“{topic}”，常见问题有这些，请点选：",
                buttons=entry_buttons(elderly_entries(topic, knowledge_base().entries))
                + (legal_aid.START_BUTTONS if topic == "法律援助" else []),
                json_message=payload.build("menu", "elderly_menu", []),
            )
        return [SlotSet("elderly_topic", None)]


class ActionBrowseGuide(Action):
    def name(self) -> str:
        return "action_browse_guide"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kb = knowledge_base()
        text = tracker.latest_message.get("text") or ""
        number = guide_issue(tracker.get_slot("guide_issue"), text)
        issue = next((issue for issue in kb.issues if issue.issue == number), None)
        topic = guide_topic(text, kb.issues)
        if issue is not None:
            items = sorted((e for e in kb.entries if e.issue == issue.issue), key=lambda e: e.item or 0)
            dispatcher.utter_message(
                text=f"《企业法律风险防范指引》第{issue.issue}期“{issue.theme}”有这些内容，请点选：",
                buttons=entry_buttons(items),
                json_message=payload.build("menu", "guide_browse", []),
            )
        elif topic is not None and number is None:
            dispatcher.utter_message(
                text=f"“{topic}”方面的指引有这几期，请点选：",
                buttons=[
                    {
                        "title": f"第{i.issue}期 {i.theme}",
                        "payload": button_payload("guide_browse", guide_issue=str(i.issue)),
                    }
                    for i in kb.issues
                    if i.topic == topic
                ],
                json_message=payload.build("menu", "guide_browse", []),
            )
        else:
            last = kb.issues[-1].issue if kb.issues else 0
            topics = "、".join(dict.fromkeys(i.topic for i in kb.issues))
            dispatcher.utter_message(
                text=f"指引共{last}期，请说“第几期”（1—{last}），或说一个方面：{topics}。",
                json_message=payload.build("menu", "guide_browse", []),
            )
        return [SlotSet("guide_issue", None)]
