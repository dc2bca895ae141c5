"""Warm-up traffic: the stack's own first question, which loads the models and must not count as a user's turn.

``api.stack`` sends one chat right after start-up so the first real user does
not wait for model loading. It carries the header ``X-Farun-Warm-Up`` with the
stack's secret token (the Rasa auth token, ``Settings.rasa_token``, known only
to the processes the stack starts). ``POST /api/chat`` answers it as usual but
leaves it out of the turn log, so the staff dashboard counts only real
messages. The sender id plays no part: a user cannot hide their turns from
staff by choosing one, and a header without the right token (compared in
constant time) is ignored.
"""

from __future__ import annotations

import secrets

from fastapi import Depends, Request

from api.settings import Settings, get_settings

HEADER = "X-Farun-Warm-Up"


def is_warm_up(request: Request, settings: Settings = Depends(get_settings)) -> bool:
    """A FastAPI dependency: True only when the request carries the stack's secret token in ``HEADER``."""
    supplied = request.headers.get(HEADER)
    if not supplied or not settings.rasa_token:
        return False
    return secrets.compare_digest(supplied.encode(), settings.rasa_token.encode())
