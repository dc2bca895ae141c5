"""WeChat service-account (``/wechat/callback``) and WeCom (``/wecom/callback``) callbacks, built on wechatpy.

GET answers WeChat's URL verification; POST takes a message in plaintext or
safe (AES) mode and answers with a passive text reply, ``success`` when the
answer goes out later through the customer-service or WeCom message API, or an
empty body, held past WeChat's 5 s, when a retry may still get the answer
(``api.wechat.dispatch``). Bad signatures, stale
timestamps, a (timestamp, nonce) pair used before for another body
(``api.wechat.replay``) and a plaintext message while an EncodingAESKey is
configured (a downgrade) get 403, oversized bodies 413, XML with DOCTYPE/ENTITY,
ciphertext that does not decrypt and bodies that are not a well-formed message
(``api.wechat.parsing``) 400. Every refusal is logged as one line, without a
traceback or the openid.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from xml.parsers.expat import ExpatError

import wechatpy
import wechatpy.enterprise
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import PlainTextResponse, Response
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from api.curation.turns import TurnLog
from api.dependencies import rasa_client, turn_log_for
from api.rasa_client import RasaClient
from api.wechat.channel import Channels, arrival, capped_body, channels, idle_check
from api.wechat.config import WeChatSettings, get_wechat_settings
from api.wechat.conversation import message_key, respond
from api.wechat.dispatch import Dispatcher, Handled
from api.wechat.idle_forms import IdleCheck
from api.wechat.parsing import MalformedCallback, parse_callback
from api.wechat.passive_reply import text_reply
from api.wechat.replay import check_replay
from api.wechat.security import OpenIdRedactor, RejectedCallback, check_timestamp, safe_xml, user_hash

log = logging.getLogger(__name__)
logging.getLogger("uvicorn.access").addFilter(OpenIdRedactor())
router = APIRouter(tags=["wechat"])


def refused(status: int, detail: str, cause: Exception | None = None) -> HTTPException:
    """The HTTP error for a refused callback, logged as one line: the exception's type, and its text for the
    callback checks' own exceptions (which name fields and checks, never values)."""
    why = ""
    if cause is not None:
        text = str(cause) if isinstance(cause, (RejectedCallback, MalformedCallback)) else ""
        why = f" ({type(cause).__name__}{': ' if text else ''}{text})"
    log.warning("callback refused with %d: %s%s", status, detail, why)
    return HTTPException(status_code=status, detail=detail)


def forbidden(reason: str, cause: Exception | None = None) -> HTTPException:
    return refused(403, reason, cause)


def configured(token: str, name: str) -> None:
    if not token:
        raise HTTPException(status_code=503, detail=f"{name} 未配置（缺少 token）")


def verify_plain(settings: WeChatSettings, signature: str, timestamp: str, nonce: str) -> None:
    configured(settings.token, "微信公众号")
    try:
        check_timestamp(timestamp, settings.max_timestamp_skew)
        check_signature(settings.token, signature, timestamp, nonce)
    except (RejectedCallback, InvalidSignatureException) as exc:
        raise forbidden("签名或时间戳无效", exc) from exc


async def unreplayed(state: Channels, channel: str, timestamp: str, nonce: str, body: bytes) -> None:
    try:
        await check_replay(state.pairs, channel, timestamp, nonce, body)
    except RejectedCallback as exc:
        raise forbidden("重复的请求（时间戳和随机数已使用过）", exc) from exc


def parse(xml: bytes | str, parser):
    try:
        return parse_callback(xml, parser)
    except (RejectedCallback, MalformedCallback) as exc:
        raise refused(400, "消息格式无效", exc) from exc


def decrypt(crypto: WeChatCrypto | WeComCrypto, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> str:
    """Check the message signature and decrypt safe-mode XML (wechatpy parses the envelope)."""
    try:
        return crypto.decrypt_message(safe_xml(body), msg_signature, timestamp, nonce)
    except RejectedCallback as exc:
        raise refused(400, "消息格式无效", exc) from exc
    except InvalidSignatureException as exc:
        raise forbidden("消息签名无效", exc) from exc
    except (
        ExpatError,
        KeyError,
        TypeError,
        ValueError,
        IndexError,
        struct.error,
        InvalidAppIdException,
        InvalidCorpIdException,
    ) as exc:  # no envelope, an empty or truncated Encrypt, ciphertext of another app
        raise refused(400, "密文无效", exc) from exc


@dataclass(frozen=True)
class Callback:
    """What answering one callback needs besides the message: its arrival and the services it uses."""

    arrived: float
    rasa: RasaClient
    state: Channels
    turns: TurnLog | None
    idle: IdleCheck


async def passive_text(message, dispatcher: Dispatcher, callback: Callback) -> str | Handled:
    log.info("%s message from user %s", message.type, user_hash(message.source))
    return await dispatcher.answer(
        message_key(message),
        message.source,
        lambda: respond(message, callback.rasa, callback.state.choices, callback.turns, callback.idle),
        callback.arrived,
    )


@router.get("/wechat/callback", response_class=PlainTextResponse)
def wechat_verify(
    signature: str, timestamp: str, nonce: str, echostr: str, settings: WeChatSettings = Depends(get_wechat_settings)
) -> str:
    verify_plain(settings, signature, timestamp, nonce)
    return echostr


@router.post("/wechat/callback")
async def wechat_message(
    signature: str,
    timestamp: str,
    nonce: str,
    arrived: float = Depends(arrival),
    encrypt_type: str = "raw",
    msg_signature: str | None = None,
    body: bytes = Depends(capped_body),
    settings: WeChatSettings = Depends(get_wechat_settings),
    rasa: RasaClient = Depends(rasa_client),
    state: Channels = Depends(channels),
    turns: TurnLog | None = Depends(turn_log_for("wechat")),
    idle: IdleCheck = Depends(idle_check),
) -> Response:
    verify_plain(settings, signature, timestamp, nonce)
    await unreplayed(state, "wechat", timestamp, nonce, body)
    crypto = None
    if encrypt_type == "aes":
        if not (settings.aes_key and msg_signature):
            raise refused(400, "安全模式需要 EncodingAESKey 和 msg_signature")
        crypto = WeChatCrypto(settings.token, settings.aes_key, settings.app_id)
        xml = decrypt(crypto, body, msg_signature, timestamp, nonce)
    elif settings.aes_key:
        raise forbidden("已配置 EncodingAESKey，不接受明文消息")
    else:
        xml = body
    message = parse(xml, wechatpy.parse_message)
    text = await passive_text(message, state.wechat, Callback(arrived, rasa, state, turns, idle))
    if isinstance(text, Handled):
        return PlainTextResponse(text.value)
    reply = text_reply(message, text)
    if crypto:
        reply = crypto.encrypt_message(reply, nonce, timestamp)
    return Response(reply, media_type="application/xml")


def wecom_crypto(settings: WeChatSettings) -> WeComCrypto:
    configured(settings.wecom_token, "企业微信")
    if not (settings.wecom_aes_key and settings.wecom_corp_id):
        raise HTTPException(status_code=503, detail="企业微信未配置（缺少 EncodingAESKey 或 CorpID）")
    return WeComCrypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id)


def wecom_timestamp(settings: WeChatSettings, timestamp: str) -> None:
    try:
        check_timestamp(timestamp, settings.max_timestamp_skew)
    except RejectedCallback as exc:
        raise forbidden("时间戳无效", exc) from exc


@router.get("/wecom/callback", response_class=PlainTextResponse)
def wecom_verify(
    msg_signature: str,
    timestamp: str,
    nonce: str,
    echostr: str,
    settings: WeChatSettings = Depends(get_wechat_settings),
) -> str:
    crypto = wecom_crypto(settings)
    wecom_timestamp(settings, timestamp)
    try:
        return crypto.check_signature(msg_signature, timestamp, nonce, echostr)
    except InvalidSignatureException as exc:
        raise forbidden("签名无效", exc) from exc
    except (ValueError, InvalidCorpIdException) as exc:
        raise refused(400, "echostr 无效", exc) from exc


@router.post("/wecom/callback")
async def wecom_message(
    msg_signature: str,
    timestamp: str,
    nonce: str,
    arrived: float = Depends(arrival),
    body: bytes = Depends(capped_body),
    settings: WeChatSettings = Depends(get_wechat_settings),
    rasa: RasaClient = Depends(rasa_client),
    state: Channels = Depends(channels),
    turns: TurnLog | None = Depends(turn_log_for("wecom")),
    idle: IdleCheck = Depends(idle_check),
) -> Response:
    crypto = wecom_crypto(settings)
    wecom_timestamp(settings, timestamp)
    xml = decrypt(crypto, body, msg_signature, timestamp, nonce)
    await unreplayed(state, "wecom", timestamp, nonce, body)
    message = parse(xml, wechatpy.enterprise.parse_message)
    text = await passive_text(message, state.wecom, Callback(arrived, rasa, state, turns, idle))
    if isinstance(text, Handled):
        return PlainTextResponse(text.value)
    return Response(crypto.encrypt_message(text_reply(message, text), nonce, timestamp), media_type="application/xml")
