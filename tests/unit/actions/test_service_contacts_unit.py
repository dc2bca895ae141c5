"""A contact saved in the services directory is in the action's next answer; while empty the hotline text stands.

Runs the actions against the live store on a temporary SQLite file (as
tests/unit/actions/test_mediation_contacts_unit.py does): an answer whose
next steps send people to the legal-aid centre, the abstain referral, and the
legal-aid check's result.
"""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import render, services
from actions.answer import answer_entry
from actions.legal_aid import ActionLegalAidResult
from api.curation import auth
from knowledge_base.service_data.directory import contact_lines, mentioned
from knowledge_base.service_data.directory import services as directory
from knowledge_base.store.db import open_database
from knowledge_base.store.models import Role
from knowledge_base.store.services import LiveServices, save_contact
from tests.unit.actions.form_trackers import tracker

CENTRE = {"address": "钟楼区某路2号", "phone": "0519-86005678", "hours": "工作日 8:30-17:00", "map_note": "一楼大厅"}
PUBLIC = {"phone": "12348"}
ENTRY = "elderly-support-refuse"  # next steps: 区公共法律服务中心 and 区法律援助中心


@pytest.fixture
def saved_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'farun.db'}"
    database = open_database(url)
    with database.session() as session:
        reviewer = auth.create_user(session, "reviewer", "correct-horse-42", Role.REVIEWER)
        session.flush()
        save_contact(session, reviewer, "legal_aid_centre", CENTRE)
        save_contact(session, reviewer, "public_legal_service_centre", PUBLIC)
        session.commit()
    database.close()
    return url


@pytest.fixture(scope="module")
def sent_entry(kb):
    return next(e for e in kb.entries if e.id == ENTRY)


def test_next_steps_name_the_bodies_they_send_people_to(sent_entry):
    steps = sent_entry.next_steps
    assert [body.id for body in mentioned("\n".join(steps), list(directory()))] == [
        "legal_aid_centre",
        "public_legal_service_centre",
        "court_service_centre",
    ]
    assert contact_lines(steps, {}) == []  # nothing saved: the steps' own 12348 text is all
    lines = contact_lines(steps, {"legal_aid_centre": CENTRE, "court_service_centre": {"hours": "工作日"}})
    assert lines == [
        "区法律援助中心：地址：钟楼区某路2号，电话：0519-86005678，开放时间：工作日 8:30-17:00，位置：一楼大厅"
    ]


def test_the_next_answer_shows_the_saved_contact(saved_url, sent_entry, monkeypatch):
    monkeypatch.setattr(services, "live", LiveServices(saved_url))
    dispatcher = CollectingDispatcher()
    answer_entry(dispatcher, tracker(), sent_entry, 0.9, "q")
    text = dispatcher.messages[0]["text"]
    assert "联系方式：\n·区法律援助中心：地址：钟楼区某路2号，电话：0519-86005678" in text
    assert "·区公共法律服务中心：电话：12348" in text
    assert text.index("下一步建议：") < text.index("联系方式：")


def test_without_saved_contacts_the_answer_keeps_the_hotline(tmp_path, sent_entry, monkeypatch):
    monkeypatch.setattr(services, "live", LiveServices(f"sqlite:///{tmp_path / 'none.db'}"))
    dispatcher = CollectingDispatcher()
    answer_entry(dispatcher, tracker(), sent_entry, 0.9, "q")
    text = dispatcher.messages[0]["text"]
    assert "联系方式：" not in text and "12348" in text and "0519" not in text
    assert render.abstain_text(services.current()) == render.abstain_text()


def test_the_referral_and_the_legal_aid_result_show_the_centre(saved_url, monkeypatch):
    monkeypatch.setattr(services, "live", LiveServices(saved_url))
    assert "·区法律援助中心：地址：钟楼区某路2号" in render.abstain_text(services.current())
    dispatcher = CollectingDispatcher()
    slots = {"legal_aid_matter": "domestic_violence"}
    ActionLegalAidResult().run(dispatcher, tracker(slots=slots), {})
    text = dispatcher.messages[0]["text"]
    where = text.index("去哪里申请：")
    assert text.index("区法律援助中心：地址：钟楼区某路2号，电话：0519-86005678") > where
    assert "12348" in text  # the hotline text of where to apply stays
