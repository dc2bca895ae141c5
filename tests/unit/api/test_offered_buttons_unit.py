"""A ``/…`` message reaches Rasa as a payload only when the bot just offered that button (``api.offered_buttons``).

Rasa is a fake on httpx's mock transport: it records what it receives and
answers with the buttons a test gives it; its tracker lists the bot's last
messages as Rasa's ``GET /conversations/{sender}/tracker`` does.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from api import offered_buttons
from api.conversation import converse, reset
from api.models import BotReply, Button
from api.offered_buttons import NOT_UNDERSTOOD_KIND, OFFERED, OfferedButtons, as_text, last_offers
from api.rasa_client import RasaClient
from api.settings import Settings

FEEDBACK = '/feedback{"feedback_value": "not_useful"}'
CHOICE = '/legal_aid_check{"legal_aid_matter": "labour_pay"}'


class FakeRasa:
    def __init__(self) -> None:
        self.received: list[str] = []
        self.buttons: list[dict] = []
        self.tracker_events: list[dict] = []
        self.tracker_calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tracker"):
            self.tracker_calls += 1
            assert request.url.params["include_events"] == "AFTER_RESTART"
            return httpx.Response(200, json={"events": self.tracker_events, "active_loop": {}})
        self.received.append(json.loads(request.content)["message"])
        return httpx.Response(200, json=[{"recipient_id": "web-1", "text": "好的", "buttons": self.buttons}])

    def say(self, sender: str, text: str):
        async def send():
            async with httpx.AsyncClient(transport=httpx.MockTransport(self)) as http:
                return await converse(RasaClient(Settings(rasa_url="http://rasa.test"), http), None, sender, text)

        return asyncio.run(send())


@pytest.fixture
def rasa():
    OFFERED.clear()
    yield FakeRasa()
    OFFERED.clear()


def test_an_offered_button_is_sent_as_its_payload(rasa):
    rasa.buttons = [{"title": "没用", "payload": FEEDBACK}]
    rasa.say("web-1", "老板拖欠工资怎么办")
    rasa.buttons = []
    rasa.say("web-1", FEEDBACK)
    assert rasa.received == ["老板拖欠工资怎么办", FEEDBACK]
    assert rasa.tracker_calls == 0  # remembered: Rasa is not asked


@pytest.mark.parametrize("payload", ["/restart", FEEDBACK, CHOICE, "/choose_entry", "/", "///", "/ restart "])
def test_an_unoffered_payload_gets_a_polite_reply_and_never_reaches_rasa(rasa, payload):
    response = rasa.say("web-1", payload)
    assert rasa.received == []
    assert [r.kind for r in response.replies] == [NOT_UNDERSTOOD_KIND]
    assert "没看懂" in response.replies[0].text


def test_a_button_of_an_earlier_reply_is_no_longer_offered(rasa):
    rasa.buttons = [{"title": "没用", "payload": FEEDBACK}]
    rasa.say("web-1", "老板拖欠工资怎么办")
    rasa.buttons = [{"title": "讨要工资", "payload": CHOICE}]
    rasa.say("web-1", "帮我看看能不能申请法律援助")
    assert rasa.say("web-1", FEEDBACK).replies[0].kind == NOT_UNDERSTOOD_KIND
    rasa.say("web-1", CHOICE)
    assert rasa.received[-1] == CHOICE


def test_an_offer_belongs_to_its_sender(rasa):
    rasa.buttons = [{"title": "没用", "payload": FEEDBACK}]
    rasa.say("web-1", "老板拖欠工资怎么办")
    assert rasa.say("web-2", FEEDBACK).replies[0].kind == NOT_UNDERSTOOD_KIND
    assert rasa.received == ["老板拖欠工资怎么办"]


def test_words_after_a_stray_slash_are_read_as_text(rasa):
    rasa.say("web-1", "/老板拖欠工资怎么办")
    rasa.say("web-1", "//restart 是什么意思")
    assert rasa.received == ["老板拖欠工资怎么办", "restart 是什么意思"]


def test_the_web_pages_entry_points_are_always_accepted(rasa):
    for payload in sorted(offered_buttons.ENTRY_POINTS):
        rasa.say("web-1", payload)
    assert rasa.received == sorted(offered_buttons.ENTRY_POINTS)


def test_an_offer_made_through_another_worker_is_read_from_rasas_tracker(rasa):
    """The API restarted (or another worker answered): the bot's events after the user's last message count."""
    rasa.tracker_events = [
        {"event": "user", "text": "老板拖欠工资怎么办"},
        {"event": "bot", "text": "答", "data": {"buttons": [{"title": "没用", "payload": FEEDBACK}]}},
        {"event": "action", "name": "action_listen"},
    ]
    rasa.say("web-1", FEEDBACK)
    assert rasa.received == [FEEDBACK] and rasa.tracker_calls == 1


def test_reset_forgets_the_offers_and_still_restarts_the_bot(rasa):
    rasa.buttons = [{"title": "没用", "payload": FEEDBACK}]
    rasa.say("web-1", "老板拖欠工资怎么办")

    async def restart():
        async with httpx.AsyncClient(transport=httpx.MockTransport(rasa)) as http:
            await reset(RasaClient(Settings(rasa_url="http://rasa.test"), http), "web-1")

    asyncio.run(restart())
    assert rasa.received[-1] == "/restart"
    assert rasa.say("web-1", FEEDBACK).replies[0].kind == NOT_UNDERSTOOD_KIND


def test_a_failed_turn_keeps_the_offer_for_a_retry(rasa):
    rasa.buttons = [{"title": "没用", "payload": FEEDBACK}]
    rasa.say("web-1", "老板拖欠工资怎么办")

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    async def send():
        async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as http:
            return await converse(RasaClient(Settings(rasa_url="http://rasa.test"), http), None, "web-1", FEEDBACK)

    assert asyncio.run(send()).replies[0].kind == "unavailable"
    rasa.say("web-1", FEEDBACK)
    assert rasa.received[-1] == FEEDBACK


def test_the_memory_is_bounded_least_recently_seen_first():
    offers = OfferedButtons(max_senders=2)
    for sender in ("a", "b", "c"):
        offers.remember(sender, [BotReply(buttons=[Button(title="x", payload="/x")])])
    assert not offers.offered("a", "/x") and offers.offered("b", "/x") and offers.offered("c", "/x")


def test_last_offers_stop_at_the_users_last_message():
    events = [
        {"event": "bot", "data": {"buttons": [{"title": "旧", "payload": "/old"}]}},
        {"event": "user", "text": "问"},
        {"event": "bot", "data": {"buttons": [{"title": "新", "payload": "/new"}]}},
        {"event": "bot", "data": {}},
    ]
    assert last_offers(events) == {"/new"}


def test_payload_syntax_is_not_taken_for_words():
    assert as_text("/restart") is None and as_text('/feedback{"a": "b"}') is None
    assert as_text("/工资") == "工资" and as_text("/wage 工资") == "wage 工资"
