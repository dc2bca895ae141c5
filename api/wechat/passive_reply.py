"""The passive text reply's XML (wechatpy's ``TextReply``) with every CDATA value escaped.

wechatpy writes each string field as ``<![CDATA[value]]>`` as it is, so a
``]]>`` in a value (staff can write one into an answer; a plaintext callback
can carry one in its user names) ends the section early and breaks the reply.
Each ``]]>`` is split across two sections instead: ``]]`` closes the first,
``>`` opens the next, and an XML parser joins them back into the same text.
"""

from __future__ import annotations

from wechatpy.replies import TextReply

CDATA_END = "]]>"
SPLIT_CDATA_END = "]]]]><![CDATA[>"


def cdata(text: str) -> str:
    """``text`` ready to stand inside ``<![CDATA[...]]>``."""
    return text.replace(CDATA_END, SPLIT_CDATA_END)


def text_reply(message, text: str) -> str:
    """The XML answering ``message`` (a parsed wechatpy message) with ``text``."""
    return TextReply(source=cdata(message.target), target=cdata(message.source), content=cdata(text)).render()
