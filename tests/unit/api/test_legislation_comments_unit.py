"""Unit tests for reading the bot's opinion prompt from Rasa's tracker events (``legislation_comments.prompt_in``)."""

from __future__ import annotations

from actions import payload
from api.curation.legislation_comments import prompt_in

BUTTON = {"title": "继续阅读", "payload": '/legislation{"legislation_step": "open"}'}


def bot(kind: str, **extra) -> dict:
    custom = payload.build(kind, "legislation", [], consultation=3, **extra)
    return {"event": "bot", "text": "…", "data": {"buttons": [BUTTON], "custom": custom}}


def test_the_last_reply_asking_for_an_opinion_names_the_consultation_article_and_buttons():
    events = [{"event": "user", "text": "第一条"}, bot("legislation"), {"event": "user", "text": "/legislation"}]
    found = prompt_in({"events": [*events, {"event": "action", "name": "x"}, bot(payload.COMMENT_PROMPT, article=9)]})
    assert (found["consultation"], found["article"], found["buttons"]) == (3, 9, [BUTTON])


def test_text_and_payload_in_separate_bot_events_are_joined():
    text = {"event": "bot", "text": "请发送意见", "data": {"buttons": [BUTTON]}}
    custom = {"event": "bot", "data": {"custom": payload.build(payload.COMMENT_PROMPT, None, [], consultation=3)}}
    assert prompt_in({"events": [{"event": "user"}, text, custom]})["buttons"] == [BUTTON]


def test_any_other_last_reply_or_a_later_user_message_is_no_prompt():
    assert prompt_in({"events": [{"event": "user"}, bot("legislation")]}) is None
    assert prompt_in({"events": [bot(payload.COMMENT_PROMPT, article=None), {"event": "user", "text": "嗯"}]}) is None
    assert prompt_in({"events": []}) is None and prompt_in({}) is None
