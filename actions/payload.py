"""The reply contract between the action server and the API: the ``farun`` custom payload of a bot reply.

Every reply an action sends carries, besides its text and buttons, one JSON
object under ``custom.farun``:

- ``kind``: what the bot did — ``answer``, ``did_you_mean``, ``abstain``,
  ``referral``, ``rephrase``, ``handoff``, ``feedback``, ``article``, ``menu``,
  ``browse``, ``form_question``, ``wage_plan``, ``legal_aid_result``,
  ``mediation_routing``, ``stopped`` …;
- ``intent`` and ``confidence``: the NLU result the action acted on;
- ``area``: the area of the first entry served (``None`` when no entry);
- ``entry_ids`` and ``scores``: the entries served or offered, best first;
- ``citations``: each cited article with its verbatim quote and link;
- kind-specific extras (``candidates`` of an abstention, ``value``,
  ``entry_id`` and ``question`` of feedback, ``reason`` and ``last_question``
  of a handoff, ``consultation`` and ``article`` of a ``COMMENT_PROMPT`` …).

A ``COMMENT_PROMPT`` reply asks for an opinion on a consultation (``article``:
the article's id, None for the whole draft); the API stores the resident's
next message as that comment itself (``api.curation.legislation_comments``).

Rasa's own channel adds one more custom message per turn, ``farun_nlu``
(``bot/channels.py``), with the intent and confidence of the user's message,
so the API learns them without a second call. Pure: no Rasa SDK, no web
framework; the API imports this module to read replies.
"""

from __future__ import annotations

from actions.render import citations
from knowledge_base.schema import Entry

KEY = "farun"
NLU_KEY = "farun_nlu"
USEFUL, NOT_USEFUL = "useful", "not_useful"
COMMENT_PROMPT = "legislation_comment_prompt"


def build(
    kind: str,
    intent: str | None,
    entries: list[Entry],
    scores: list[float] | None = None,
    *,
    confidence: float | None = None,
    **extra: object,
) -> dict:
    """The custom message of one reply (``extra``: kind-specific fields)."""
    return {
        KEY: {
            "kind": kind,
            "intent": intent,
            "confidence": round(confidence, 4) if confidence is not None else None,
            "area": entries[0].area.value if entries else None,
            "entry_ids": [e.id for e in entries],
            "scores": [round(s, 4) for s in scores or []],
            "citations": [c for e in entries for c in citations(e)],
            **extra,
        }
    }


def farun_payloads(messages: list[dict]) -> list[dict]:
    """The ``farun`` payloads among Rasa's reply messages, in order."""
    return [farun for message in messages if (farun := (message.get("custom") or {}).get(KEY))]


def nlu_result(messages: list[dict]) -> dict:
    """The intent and confidence Rasa's channel attached to the turn (empty when absent)."""
    for message in messages:
        nlu = (message.get("custom") or {}).get(NLU_KEY)
        if nlu:
            return nlu
    return {}


def is_nlu_message(message: dict) -> bool:
    return bool((message.get("custom") or {}).get(NLU_KEY))
