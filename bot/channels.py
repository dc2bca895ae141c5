"""Farun's REST channel: Rasa's REST webhook plus the turn's NLU result, so the API needs no second call.

``POST /webhooks/farun/webhook`` takes ``{"sender", "message"}`` like Rasa's
``rest`` channel and returns the bot's messages, followed by one custom
message ``{"custom": {"farun_nlu": {"intent", "confidence"}}}`` read from the
conversation's tracker (the key is ``actions.payload.NLU_KEY``; this module
runs in Rasa's own environment and imports nothing of the project's). A
failed turn is logged without the user's text, which may hold personal
numbers.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)
NLU_KEY = "farun_nlu"


def nlu_message(latest_message: Optional[Dict[Text, Any]]) -> Dict[Text, Any]:
    """The custom message carrying the intent and confidence of the user's latest message."""
    intent = (latest_message or {}).get("intent") or {}
    return {"custom": {NLU_KEY: {"intent": intent.get("name"), "confidence": intent.get("confidence")}}}


class FarunRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "farun"

    async def _nlu(self, request: Request, sender_id: Text) -> Optional[Dict[Text, Any]]:
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        tracker = await agent.tracker_store.retrieve(sender_id)
        return nlu_message(tracker.latest_message.parse_data) if tracker else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("farun_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        self._extract_message(request),
                        collector,
                        sender_id,
                        input_channel=self._extract_input_channel(request),
                        metadata=self.get_metadata(request),
                    )
                )
            except CancelledError:
                log.error("farun channel: the turn timed out")
            except Exception as exc:  # the API turns an empty reply into a polite message
                log.error("farun channel: the turn failed (%s)", type(exc).__name__)
            messages = list(collector.messages)
            nlu = await self._nlu(request, sender_id)
            return response.json(messages + [nlu] if nlu else messages)

        return webhook
