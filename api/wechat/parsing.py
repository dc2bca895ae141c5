"""Callback XML to a wechatpy message, refusing a body Farun cannot answer before anything acts on it.

wechatpy's parsers read the XML, but convert a field only when it is first
read (``int`` for MsgId, a datetime for CreateTime), and hand back a repeated
element as a list and an element with children as a dict. So an empty body,
``<xml></xml>``, a text message without ``Content``, a non-numeric ``MsgId``
or ``CreateTime``, or ``Content`` given twice or holding an element would fail
in the middle of answering. ``parse_callback`` parses with the given wechatpy
parser, checks that the fields every reply needs are there, and reads every
scalar field of the message's class once, so each of these becomes a
``MalformedCallback`` (the router's 400) at the door.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.parsers.expat import ExpatError

from wechatpy.fields import DateTimeField, FloatField, IntegerField, StringField

from api.wechat.security import safe_xml

SCALAR_FIELDS = (StringField, IntegerField, DateTimeField, FloatField)
REQUIRED = ("ToUserName", "FromUserName", "CreateTime")  # a reply is addressed with these; retries keyed by them
REQUIRED_BY_TYPE = {"text": ("Content",)}


class MalformedCallback(ValueError):
    """The body is not a message Farun can answer; the router answers 400."""


def parse_callback(xml: bytes | str, parser: Callable):
    """The message ``parser`` (``wechatpy.parse_message`` or its WeCom twin) makes of ``xml``, checked."""
    try:
        message = parser(safe_xml(xml))
    except (ExpatError, KeyError, TypeError, AttributeError) as exc:  # no <xml> root, no MsgType, no text
        raise MalformedCallback(f"the XML is not a message ({type(exc).__name__})") from exc
    if message is None:
        raise MalformedCallback("the body is empty")
    return checked(message)


def checked(message):
    """``message`` if it has the fields a reply needs and wechatpy can read each of its fields, else an error."""
    raw = message._data  # wechatpy keeps the parsed elements here and offers no public view of them
    needed = (*REQUIRED, *REQUIRED_BY_TYPE.get(message.type, ()))
    missing = [name for name in needed if raw.get(name) in (None, "")]
    if missing:
        raise MalformedCallback(f"missing {', '.join(missing)}")
    for name, field in type(message)._fields.items():
        if not isinstance(field, SCALAR_FIELDS):
            continue  # structured fields (e.g. ScanCodeInfo) hold elements by design
        if isinstance(raw.get(field.name), (dict, list)):
            raise MalformedCallback(f"{field.name} is repeated or holds an element")
        try:
            getattr(message, name)  # wechatpy's own conversion of the field
        except (ValueError, TypeError, OverflowError, OSError) as exc:
            raise MalformedCallback(f"{field.name} is not a valid value ({type(exc).__name__})") from exc
    return message
