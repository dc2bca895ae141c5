"""End to end: no raw phone, ID-card or bank number anywhere after they went through every channel.

Numbers are sent, each kind through each channel, to the running stack: the
web chat (``/api/chat``), the page's feedback (``/api/feedback``), a handoff
with a call-back number, WeChat in safe mode and WeCom (signed and encrypted
with wechatpy's crypto, as the platforms send them). Then every file under the
stack's data folder — the curation database and its WAL, Rasa's tracker store,
the logs of the three processes — and every text column of every table are
searched for the raw digits. The one number allowed to stay raw is the
call-back phone, in its own column of its own request, until the request is
purged.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import JSON, String, Text, select

from api.curation import handoffs
from api.curation.masking import mask
from knowledge_base.settings import data_dir
from knowledge_base.store.db import open_database
from knowledge_base.store.handoffs import HandoffRequest
from knowledge_base.store.models import Base, utcnow
from tests.integration.wechat_callbacks import Channel, text_xml

# One number of each kind per channel, so a leak names its channel. Valid-looking, none real.
NUMBERS = {
    "web": ("13812345601", "320402198001011231", "6222021234567890101"),
    "feedback": ("13812345602", "320402198001011242", "6222021234567890102"),
    "wechat-aes": ("13812345603", "320402198001011253", "6222021234567890103"),
    "wecom": ("13812345604", "320402198001011264", "6222021234567890104"),
}
CALLBACK_PHONE = "13912345605"  # left for a call-back: raw only in handoff_requests.callback_phone


def message(numbers: tuple[str, str, str]) -> str:
    phone, id_card, bank = numbers
    return f"老板欠我工资不给，我电话{phone}，身份证{id_card}，工资卡{bank}，怎么办"


def files_holding(needle: str) -> list[str]:
    found = []
    for path in sorted(data_dir().rglob("*")):
        if path.is_file() and "index" not in path.relative_to(data_dir()).parts[:1]:
            if needle.encode() in path.read_bytes():
                found.append(str(path.relative_to(data_dir())))
    return found


def columns_holding(database, needle: str) -> list[str]:
    found = []
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | JSON):
                    rows = connection.execute(select(column).where(column.cast(Text).contains(needle))).all()
                    if rows:
                        found.append(f"{table.name}.{column.name}")
    return found


@pytest.fixture(scope="module")
def swept(stack):
    """Send every number through every channel once."""
    client = httpx.Client(base_url=stack.api_url, timeout=60)

    def chat(sender: str, text: str) -> dict:
        response = client.post("/api/chat", json={"sender": sender, "message": text})
        assert response.status_code == 200, response.text
        return response.json()

    web_sender = f"e2e-privacy-{uuid.uuid4().hex[:8]}"
    assert chat(web_sender, message(NUMBERS["web"]))["replies"]
    feedback = client.post(
        "/api/feedback",
        json={"sender": web_sender, "value": "not_useful", "question": message(NUMBERS["feedback"])},
    )
    assert feedback.status_code == 200, feedback.text
    for kind in ("wechat-aes", "wecom"):
        user = f"o-privacy-{uuid.uuid4().hex[:12]}"  # its own conversation: other tests share the default openid
        xml = text_xml(message(NUMBERS[kind]), msg_id=int(uuid.uuid4().int % 10**15), source=user)
        response = Channel(kind, client).post(xml)
        assert response.status_code == 200, response.text
    handoff_sender = f"e2e-privacy-handoff-{uuid.uuid4().hex[:8]}"
    assert any(reply["kind"] == handoffs.HANDOFF_KIND for reply in chat(handoff_sender, "转人工")["replies"])
    taken = chat(handoff_sender, CALLBACK_PHONE)
    assert taken["replies"][0]["kind"] == handoffs.CALLBACK_KIND
    client.close()


@pytest.mark.parametrize("channel", sorted(NUMBERS))
def test_no_raw_number_in_any_file_or_table(swept, channel):
    database = open_database()
    try:
        masked = mask(NUMBERS[channel][0])  # the scan reads where the turn was stored: its masked phone is there
        assert files_holding(masked) and columns_holding(database, masked), f"{channel}: the message was not stored"
        for number in NUMBERS[channel]:
            assert files_holding(number) == [], f"{channel}: {number[:3]}… stored raw"
            assert columns_holding(database, number) == [], f"{channel}: {number[:3]}… in a table"
    finally:
        database.close()


def test_the_callback_phone_is_raw_only_in_its_request_until_purged(swept):
    database = open_database()
    try:
        assert columns_holding(database, CALLBACK_PHONE) == ["handoff_requests.callback_phone"]
        assert [name for name in files_holding(CALLBACK_PHONE) if not name.startswith("farun.db")] == []
        with database.session() as session:
            assert handoffs.purge_phones(session, now=utcnow() + timedelta(days=31)) >= 1
            phones = session.scalars(select(HandoffRequest.callback_phone)).all()
        assert CALLBACK_PHONE not in phones
        assert columns_holding(database, CALLBACK_PHONE) == []
    finally:
        database.close()
