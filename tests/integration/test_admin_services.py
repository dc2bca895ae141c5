"""The local services directory /admin/services through TestClient (no Rasa), and the migration that made it.

The district bodies (legal-aid centre, arbitration commission, …) start with
names only; reviewers and admins save their contact with the same checks as a
mediation body's, audited. Migration 0006 moves the mediation contacts saved
under revision 0005 into ``service_contacts`` and drops the old table.
"""

from __future__ import annotations

import html
import re

from alembic import command
from sqlalchemy import inspect, select, text

from knowledge_base.service_data.directory import SERVICES
from knowledge_base.store.db import alembic_config, make_engine, open_database
from knowledge_base.store.models import AuditEvent
from knowledge_base.store.services import ServiceContact

URL = "/admin/services"
CENTRE = {
    "address": "钟楼区某路2号",
    "phone": "0519-86005678",
    "hours": "工作日 8:30-17:00",
    "map_note": "某公交站下车向北100米，一楼大厅",
}


def input_value(page: str, field: str, body_id: str) -> str:
    return html.unescape(re.search(rf'id="{field}-{body_id}" name="{field}" value="([^"]*)"', page)[1])


def saved(app, body_id: str) -> ServiceContact | None:
    with app.state.curation_db.session() as session:
        return session.get(ServiceContact, body_id)


def test_every_body_is_listed_with_names_only_until_staff_fill_them_in(staff):
    page = staff("editor").get(URL)
    assert page.status_code == 200
    for body in SERVICES:
        assert body.name in page.text
    assert "区级服务机构" in page.text and "人民调解组织" in page.text and "物业纠纷调解工作室" in page.text
    assert "未填写时机器人说：可拨打12348公共法律服务热线咨询" in page.text
    assert page.text.count("（未填写）") >= 4 * len(SERVICES)
    assert 'name="phone"' not in page.text
    assert re.search(r"0519-?\d{8}", page.text) is None  # nothing invented


def test_a_reviewer_saves_the_legal_aid_centre_and_it_is_audited(app, staff):
    reviewer = staff("reviewer")
    reviewer.get(URL)
    response = reviewer.post(f"{URL}/legal_aid_centre", CENTRE)
    assert response.status_code == 200 and "联系方式已保存" in response.text
    assert {field: input_value(response.text, field, "legal_aid_centre") for field in CENTRE} == CENTRE
    row = saved(app, "legal_aid_centre")
    assert (row.address, row.phone, row.hours, row.map_note) == tuple(CENTRE.values())
    with app.state.curation_db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "service_contact")).one()
        assert event.target == "services/legal_aid_centre" and "位置说明：某公交站" in event.detail
    assert "修改服务机构联系方式" in staff("admin").get("/admin/audit").text


def test_the_same_phone_checks_as_the_mediation_contacts(app, staff):
    admin_user = staff("admin")
    admin_user.get(URL)
    for phone in ("010-12345678", "0519-1234", "12349", "400-123-4567"):
        response = admin_user.post(f"{URL}/labour_inspection", {**CENTRE, "phone": phone})
        assert response.status_code == 422 and "电话格式不对" in response.text
        assert input_value(response.text, "phone", "labour_inspection") == phone
    response = admin_user.post(f"{URL}/court_service_centre", {**CENTRE, "map_note": "见 www.example.cn"})
    assert response.status_code == 422 and "位置说明最多100个字，且不能包含网址" in response.text
    assert saved(app, "labour_inspection") is None and saved(app, "court_service_centre") is None
    for body_id, phone in (("government_hotline", "12345"), ("labour_inspection", "13912345678")):
        assert admin_user.post(f"{URL}/{body_id}", {"phone": phone}).status_code == 200
        assert saved(app, body_id).phone == phone
    assert admin_user.post(f"{URL}/property", {"phone": "12345"}).status_code == 422  # not a mediation number
    assert saved(app, "property") is None
    assert admin_user.post(f"{URL}/no-such-body", CENTRE).status_code == 404


def test_editors_cannot_save(app, staff):
    editor = staff("editor")
    editor.get(URL)
    assert editor.post(f"{URL}/legal_aid_centre", CENTRE).status_code == 403
    assert saved(app, "legal_aid_centre") is None


def test_migration_0006_moves_the_mediation_contacts_into_the_directory(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0005")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO mediation_contacts (body_id, address, phone, hours, updated_at)"
                " VALUES ('property', '钟楼区某路1号', '0519-86001234', '工作日', '2026-11-25 07:30:00')"
            )
        )
    engine.dispose()

    database = open_database(url)
    with database.engine.connect() as connection:
        assert "mediation_contacts" not in inspect(connection).get_table_names()
        row = connection.execute(text("SELECT body_id, address, phone, hours, map_note FROM service_contacts")).one()
    assert tuple(row) == ("property", "钟楼区某路1号", "0519-86001234", "工作日", "")

    command.downgrade(alembic_config(database.engine), "0005")
    with database.engine.connect() as connection:
        back = connection.execute(text("SELECT body_id, phone FROM mediation_contacts")).one()
    database.close()
    assert tuple(back) == ("property", "0519-86001234")
