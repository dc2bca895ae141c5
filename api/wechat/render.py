"""Format the bot's replies for WeChat: plain text, compact citations, numbered choices, chunks under 2048 bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.models import BotReply, Button

MAX_BYTES = 2000  # WeChat's text limit is 2048 bytes; keep a margin
CHOICE_PROMPT = "请回复数字选择："
MARKUP = re.compile(r"\*\*|__|`|^#+\s*", re.MULTILINE)


@dataclass
class Rendered:
    chunks: list[str]
    choices: list[Button] = field(default_factory=list)


def plain(text: str) -> str:
    return MARKUP.sub("", text).strip()


def citation_line(reply: BotReply) -> str:
    cited = "；".join(f"《{c.short_name or c.law}》{c.article}" for c in reply.citations)
    return f"依据：{cited}" if cited else ""


def choices_block(buttons: list[Button]) -> str:
    lines = [f"{number}. {button.title}" for number, button in enumerate(buttons, start=1)]
    return "\n".join([CHOICE_PROMPT, *lines])


def split(text: str, limit: int = MAX_BYTES) -> list[str]:
    """Split at line breaks where possible, else inside a line, so every chunk fits ``limit`` UTF-8 bytes."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = ""
        while len(line.encode()) > limit:
            cut = len(line.encode()[:limit].decode("utf-8", errors="ignore"))
            chunks.append(line[:cut])
            line = line[cut:]
        current = line
    if current:
        chunks.append(current)
    return chunks


def render(replies: list[BotReply]) -> Rendered:
    parts: list[str] = []
    buttons: list[Button] = []
    for reply in replies:
        block = "\n".join(part for part in (plain(reply.text), citation_line(reply)) if part)
        if block:
            parts.append(block)
        buttons.extend(reply.buttons)
    if buttons:
        parts.append(choices_block(buttons))
    return Rendered(chunks=split("\n\n".join(parts)) if parts else [], choices=buttons)
