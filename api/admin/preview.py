"""The editor's preview: an entry's working copy as the bot will send it, on the web and in WeChat.

The web text is ``actions.render.answer_text`` (what the action server sends for
an answer, with the disclaimer); the WeChat text is that reply through
``api.wechat.render`` (markup removed, a short 依据 line, chunks under WeChat's
size limit). Saved contacts of the services directory are left out: the preview
shows the entry's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from actions.render import answer_text, citations
from api.models import BotReply, CitationOut
from api.wechat.render import render
from knowledge_base.store.records import to_entry


@dataclass(frozen=True)
class Preview:
    web: str
    wechat: list[str]


def bot_preview(data: dict) -> Preview | None:
    """The two texts for ``data``, or None when it is not a valid entry yet (e.g. a draft without an answer)."""
    try:
        entry = to_entry(data)
    except (ValidationError, ValueError, KeyError):
        return None
    text = answer_text(entry, with_disclaimer=True)
    reply = BotReply(
        text=text, kind="answer", entry_ids=[entry.id], citations=[CitationOut(**c) for c in citations(entry)]
    )
    return Preview(web=text, wechat=render([reply]).chunks)
