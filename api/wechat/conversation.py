"""What the bot says to a WeChat or WeCom message: text goes to Rasa, events and media get fixed replies.

「菜单」 or 「帮助」 shows the welcome (topics, examples, privacy note, hotlines)
again. A voice message that WeChat's speech recognition turned into text (its
``Recognition`` field) is answered as that text; without it, and for images
and other media, the user is asked to type or to call 12348.

Text goes through the one message path of every channel (``api.conversation``).
Buttons become numbered choices; a user who replies with a number sends that
button's payload. Rasa sees only a hashed sender id, never the openid. Each
text turn is recorded in the channel's turn log like a web turn. A form left
idle too long is closed first, with a note before the answer
(``api.wechat.idle_forms``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from api.conversation import converse
from api.curation.turns import TurnLog
from api.models import BotReply, Button
from api.rasa_client import RasaClient
from api.wechat.idle_forms import IdleCheck, close_idle_form
from api.wechat.render import render, split
from api.wechat.security import user_hash

WELCOME = (
    "您好，欢迎关注钟楼区司法局“法润”法律咨询助手！\n"
    "我可以帮您了解：讨薪 · 劳动权益 · 银龄港湾（老年人权益）· 法律援助 · 找调解 · 企业法律风险 · 查法条；"
    "需要人工帮助时回复“转人工”。\n"
    "直接用文字提问就行，例如：\n"
    "· 老板拖欠工资三个月了怎么办\n· 子女不给赡养费怎么办\n· 我能不能申请法律援助\n"
    "隐私提示：对话内容会被记录，用于改进解答；记录前会自动隐去手机号、身份证号和银行卡号，请不要发送其他敏感信息。\n"
    "热线：12348 公共法律服务 · 12333 劳动保障 · 12345 政务服务。随时回复“菜单”可再看本说明。\n"
    "提示：本助手的解答仅供参考，不构成正式法律意见。"
)
MENU_WORDS = {"菜单", "帮助", "menu", "help"}
PLEASE_TYPE = (
    "抱歉，我暂时只能看懂文字消息。请输入文字描述您的问题，例如“老板拖欠工资怎么办”；"
    "不方便打字的，可以拨打12348公共法律服务热线咨询。"
)
VOICE_NOT_RECOGNISED = (
    "抱歉，这条语音我没能听清。请用文字描述您的问题，例如“老板拖欠工资怎么办”；"
    "不方便打字的，可以拨打12348公共法律服务热线咨询。"
)
MENU_TOPICS = {
    "TOPIC_LABOR": "拖欠工资怎么办",
    "TOPIC_FAMILY": "离婚财产怎么分割",
    "TOPIC_LEGAL_AID": "怎么申请法律援助",
    "TOPIC_MEDIATION": "邻里纠纷怎么调解",
    "TOPIC_LEGISLATION": "立法意见征集",
}
CHOICE_TTL = 30 * 60


@dataclass
class PendingChoices:
    """The numbered buttons last shown to each (hashed) user, kept in memory for ``CHOICE_TTL`` seconds."""

    ttl: float = CHOICE_TTL
    by_user: dict[str, tuple[float, list[Button]]] = field(default_factory=dict)

    def remember(self, user: str, buttons: list[Button]) -> None:
        if buttons:
            self.by_user[user] = (time.monotonic() + self.ttl, buttons)
        else:
            self.by_user.pop(user, None)

    def resolve(self, user: str, text: str) -> str | None:
        """The payload of the button the user picked by number, if the text is such a number."""
        expires, buttons = self.by_user.get(user, (0.0, []))
        if time.monotonic() > expires or not text.isdigit() or not 1 <= int(text) <= len(buttons):
            return None
        return buttons[int(text) - 1].payload


def message_key(message) -> str:
    """Retries of one callback share this key: the MsgId, or sender + CreateTime (+ event and key) for events."""
    msg_id = getattr(message, "id", None)
    if msg_id:
        return f"id:{msg_id}"
    return f"event:{message.source}:{message.create_time}:{getattr(message, 'event', '')}:{getattr(message, 'key', '')}"


async def ask_bot(
    rasa: RasaClient,
    choices: PendingChoices,
    openid: str,
    text: str,
    turns: TurnLog | None = None,
    idle: IdleCheck | None = None,
) -> list[str]:
    user = user_hash(openid)
    sender = f"wechat-{user}"
    note = await close_idle_form(rasa, turns, sender, idle) if idle else None
    if note:
        choices.remember(user, [])  # the closed form's numbered buttons mean nothing now
    text = text.strip()
    message = choices.resolve(user, text) or text
    response = await converse(rasa, turns, sender, message)
    rendered = render([BotReply(text=note), *response.replies] if note else response.replies)
    choices.remember(user, rendered.choices)
    return rendered.chunks


async def respond(
    message, rasa: RasaClient, choices: PendingChoices, turns: TurnLog | None = None, idle: IdleCheck | None = None
) -> list[str]:
    """The reply chunks to one parsed wechatpy message or event (empty: nothing to say)."""
    if message.type == "text":
        if message.content.strip().lower() in MENU_WORDS:
            return split(WELCOME)
        return await ask_bot(rasa, choices, message.source, message.content, turns, idle)
    if message.type == "voice":
        recognised = (getattr(message, "recognition", None) or "").strip()
        return (
            await ask_bot(rasa, choices, message.source, recognised, turns, idle)
            if recognised
            else [VOICE_NOT_RECOGNISED]
        )
    if message.type == "event":
        event = message.event
        if event in ("subscribe", "subscribe_scan"):
            return split(WELCOME)
        if event == "click":
            topic = MENU_TOPICS.get(message.key)
            return await ask_bot(rasa, choices, message.source, topic, turns, idle) if topic else split(WELCOME)
        return []
    return [PLEASE_TYPE]
