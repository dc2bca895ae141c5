"""``converse``: what reaches Rasa, with Rasa replaced by a fake on httpx's mock transport."""

from __future__ import annotations

import asyncio
import json

import httpx

from api.conversation import converse
from api.rasa_client import RasaClient
from api.settings import Settings


def test_numbers_are_masked_before_the_message_reaches_rasa():
    """Rasa's tracker store and log, and the actions, never see a raw phone, ID-card or bank number."""
    received: list[str] = []

    def rasa(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content)["message"])
        return httpx.Response(200, json=[{"recipient_id": "web-a1", "text": "好的"}])

    async def send(text: str):
        async with httpx.AsyncClient(transport=httpx.MockTransport(rasa)) as http:
            return await converse(RasaClient(Settings(rasa_url="http://rasa.test"), http), None, "web-a1", text)

    response = asyncio.run(send("我电话13812345678，身份证110101199003071234，工资卡6222 0212 3456 7890 123"))
    assert [reply.text for reply in response.replies] == ["好的"]
    (sent,) = received
    assert "13812345678" not in sent and "110101199003071234" not in sent and "6222 0212" not in sent
    assert "138****5678" in sent and "[身份证号]" in sent and "[银行卡号]" in sent
    assert sent.startswith("我电话") and "工资卡" in sent
