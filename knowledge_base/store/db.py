"""Database connection: the engine (SQLite in WAL mode by default, ``DATABASE_URL`` overrides), migrations, sessions.

``open_database`` upgrades the schema to the newest Alembic revision (the
Alembic environment lives in ``migrations/`` and is configured in code, no
alembic.ini) and returns a ``Database`` with a session factory. The default
file is ``$FARUN_DATA_DIR/farun.db`` (``var/farun.db`` in the repository).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge_base.settings import database_url
from knowledge_base.store.models import KbRevision

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Deleted rows are overwritten, not left in free pages: a closed handoff's call-back number is really gone.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    def session(self) -> Session:
        return self.sessions()

    def revision(self) -> int:
        """The served-content revision counter (0 when nothing was ever seeded)."""
        with self.session() as session:
            return session.scalar(select(KbRevision.counter).where(KbRevision.id == 1)) or 0

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None) -> Database:
    """Connect, migrate to the newest schema and return the database."""
    engine = make_engine(url or database_url())
    upgrade(engine)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


def existing_engine(url: str) -> Engine | None:
    """An engine for ``url``, or None while it is a SQLite file that does not exist yet (nothing seeded)."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    return make_engine(url)
