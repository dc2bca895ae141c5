"""HTTP client of the Rasa server on loopback: Farun's REST channel (``bot/channels.py``), a conversation's
tracker and the status."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from api.settings import Settings


class RasaUnavailable(RuntimeError):
    """Rasa did not answer (not started, still loading, or crashed)."""


class RasaClient:
    def __init__(self, settings: Settings, client: httpx.AsyncClient):
        self.settings = settings
        self.client = client

    def _params(self) -> dict:
        return {"token": self.settings.rasa_token} if self.settings.rasa_token else {}

    async def send(self, sender: str, message: str) -> list[dict]:
        try:
            response = await self.client.post(
                f"{self.settings.rasa_url}/webhooks/farun/webhook",
                json={"sender": sender, "message": message},
                timeout=self.settings.rasa_timeout,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        return response.json()

    async def tracker(self, sender: str, include_events: str = "NONE") -> dict:
        """The conversation's current state (slots, active form) from Rasa's HTTP API, without its events unless
        ``include_events`` names some (Rasa's ``ALL``, ``APPLIED``, ``AFTER_RESTART``)."""
        try:
            response = await self.client.get(
                f"{self.settings.rasa_url}/conversations/{quote(sender, safe='')}/tracker",
                params={**self._params(), "include_events": include_events},
                timeout=self.settings.rasa_timeout,
            )
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc

    async def status(self) -> tuple[bool, str]:
        try:
            response = await self.client.get(f"{self.settings.rasa_url}/status", params=self._params(), timeout=5)
            response.raise_for_status()
            return True, response.json().get("model_id", "")
        except (httpx.HTTPError, ValueError) as exc:
            return False, str(exc) or type(exc).__name__
