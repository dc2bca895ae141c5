"""A database made by the previous schema revision keeps working: it upgrades in place and keeps its rows; ids the
staff pages post back are never reused."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from knowledge_base.store.db import alembic_config, make_engine, open_database


def test_a_revision_0003_database_upgrades_to_head_and_keeps_its_turns(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO turns (at, channel, sender, text, kind, entry_ids, scores)"
                " VALUES ('2026-11-30 08:00:00', 'web', 'abcdef0123456789', '老板欠薪', 'answer', '[]', '[]')"
            )
        )
    engine.dispose()

    database = open_database(url)
    with database.engine.connect() as connection:
        head = ScriptDirectory.from_config(alembic_config(database.engine)).get_current_head()
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head
        row = connection.execute(text("SELECT sender, text, kind, detail FROM turns")).one()
    database.close()
    assert tuple(row) == ("abcdef0123456789", "老板欠薪", "answer", None)


def test_a_deleted_unanswered_group_id_is_never_given_to_a_new_group(tmp_path):
    """Bulk dismiss posts group ids from the page the staff member saw; a new group must not inherit one."""
    database = open_database(f"sqlite:///{tmp_path / 'farun.db'}")
    insert = text(
        "INSERT INTO unanswered_groups (embedding_model, centroid, size, total, newest) VALUES ('m', x'00', 1, 1, '2026-12-01')"
    )
    with database.engine.begin() as connection:
        connection.execute(insert)
        last = connection.scalar(text("SELECT max(id) FROM unanswered_groups"))
        connection.execute(text("DELETE FROM unanswered_groups WHERE id = :id"), {"id": last})
        connection.execute(insert)
        assert connection.scalar(text("SELECT max(id) FROM unanswered_groups")) == last + 1
    database.close()
