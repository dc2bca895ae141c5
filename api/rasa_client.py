"""HTTP client of the Rasa server on loopback: Farun's REST channel (``bot/channels.py``) and the status."""

from __future__ import annotations

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

    async def status(self) -> tuple[bool, str]:
        try:
            response = await self.client.get(f"{self.settings.rasa_url}/status", params=self._params(), timeout=5)
            response.raise_for_status()
            return True, response.json().get("model_id", "")
        except (httpx.HTTPError, ValueError) as exc:
            return False, str(exc) or type(exc).__name__
