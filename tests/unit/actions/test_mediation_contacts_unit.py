"""Unit tests for staff-entered mediation contacts: the merge into the YAML data, the checks, the live read.

The live read runs against real SQLite files in a temporary folder: a
migrated database with a saved contact, a missing file and a database that
was never migrated (the last two must serve the YAML as before).
"""

from __future__ import annotations

import sqlite3

import pytest
from pydantic import ValidationError
from rasa_sdk.executor import CollectingDispatcher

from actions import mediation
from actions.mediation import ActionMediationRouting, routing_text
from api.curation import auth
from knowledge_base.service_data.mediation import NO_CONTACT, Body, mediation_data, with_contacts
from knowledge_base.store.contacts import LiveContacts, save_contact
from knowledge_base.store.db import open_database
from knowledge_base.store.models import Role
from tests.unit.actions.form_trackers import tracker

CONTACT = {"address": "钟楼区某路1号", "phone": "0519-86001234", "hours": "工作日 9:00-17:00"}


def test_a_saved_contact_replaces_only_its_bodys_contact():
    data = mediation_data()
    merged = with_contacts(data, {"property": CONTACT})
    by_id = {body.id: body for body in merged.bodies}
    assert (by_id["property"].address, by_id["property"].phone, by_id["property"].hours) == tuple(CONTACT.values())
    assert by_id["property"].name == "物业纠纷调解工作室"
    assert by_id["village_community"].contact() == NO_CONTACT
    assert next(b for b in data.bodies if b.id == "property").phone == ""  # the cached YAML data is untouched
    text = routing_text(merged, merged.dispute("property"), with_disclaimer=False)
    assert "地址：钟楼区某路1号，电话：0519-86001234，开放时间：工作日 9:00-17:00" in text and NO_CONTACT in text


@pytest.mark.parametrize(
    "field,value",
    [
        ("address", "见 https://example.com"),
        ("address", "钟楼区" * 40),
        ("hours", "详见www.example.cn"),
        ("phone", "0519-1234"),
    ],
)
def test_a_contact_the_data_model_refuses(field, value):
    with pytest.raises(ValidationError):
        Body(id="x", name="物业纠纷调解工作室", handles="物业纠纷", **{field: value})


def test_live_contacts_without_a_database_serve_the_yaml(tmp_path):
    missing = tmp_path / "missing.db"
    assert LiveContacts(f"sqlite:///{missing}").current() == {}
    assert not missing.exists()
    sqlite3.connect(tmp_path / "empty.db").close()  # a file that was never migrated
    assert LiveContacts(f"sqlite:///{tmp_path / 'empty.db'}").current() == {}


def test_the_routing_action_answers_with_the_contact_saved_in_the_database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'farun.db'}"
    database = open_database(url)
    with database.session() as session:
        reviewer = auth.create_user(session, "reviewer", "correct-horse-42", Role.REVIEWER)
        session.flush()
        save_contact(session, reviewer, "property", CONTACT)
        session.commit()
    database.close()
    monkeypatch.setattr(mediation, "_contacts", LiveContacts(url))
    dispatcher = CollectingDispatcher()
    ActionMediationRouting().run(dispatcher, tracker(slots={"mediation_dispute": "property"}), {})
    assert "电话：0519-86001234" in dispatcher.messages[0]["text"]
    monkeypatch.setattr(mediation, "_contacts", LiveContacts(f"sqlite:///{tmp_path / 'none.db'}"))
    dispatcher = CollectingDispatcher()
    ActionMediationRouting().run(dispatcher, tracker(slots={"mediation_dispute": "property"}), {})
    assert "0519" not in dispatcher.messages[0]["text"] and NO_CONTACT in dispatcher.messages[0]["text"]
