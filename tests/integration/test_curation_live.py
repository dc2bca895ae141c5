"""Live re-index: a published or archived entry changes what the retriever serves, without a restart."""

from __future__ import annotations

import pytest

from api.curation import auth, workflow
from knowledge_base.store.db import open_database
from knowledge_base.store.live import LiveKnowledge
from knowledge_base.store.models import Role
from knowledge_base.store.seed import seed_if_empty

QUESTION = "外卖骑手在送餐途中摔伤了算不算工伤"
ENTRY = {
    "id": "rider-injury-test",
    "collection": "faq",
    "area": "other_topics",
    "title": "外卖骑手送餐途中受伤",
    "questions": [QUESTION, "骑手跑单摔伤能认定工伤吗", "送外卖路上出了车祸谁来赔"],
    "answer": "骑手与平台或配送站之间的用工关系决定能否认定工伤，建议保留接单记录并咨询劳动保障部门。",
    "citations": [{"law": "劳动合同法", "article": "第三十条", "quote": "向劳动者及时足额支付劳动报酬"}],
}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'farun.db'}"
    database = open_database(url)
    with database.session() as session:
        seed_if_empty(session)
        editor = auth.create_user(session, "editor", "password-123", Role.EDITOR)
        reviewer = auth.create_user(session, "reviewer", "password-123", Role.REVIEWER)
        session.commit()
    yield database, LiveKnowledge(url), editor, reviewer
    database.close()


def best_id(live_knowledge: LiveKnowledge) -> str | None:
    best = live_knowledge.current().retriever.search(QUESTION, k=1).best
    return best.entry.id if best else None


def test_without_a_database_the_yaml_entries_are_served(tmp_path, kb):
    served = LiveKnowledge(f"sqlite:///{tmp_path / 'absent.db'}").current()
    assert served.revision is None and [e.id for e in served.kb.entries] == [e.id for e in kb.entries]
    assert not (tmp_path / "absent.db").exists()


def test_publish_and_archive_change_what_is_served(live):
    database, live_knowledge, editor, reviewer = live
    before = live_knowledge.current()
    assert before.revision == database.revision() and best_id(live_knowledge) != ENTRY["id"]
    with database.session() as session:
        row = workflow.create_entry(session, editor, ENTRY)
        row = workflow.submit(session, editor, row.slug, row.lock_version)
        assert best_id(live_knowledge) != ENTRY["id"]  # drafts and entries in review are not served
        row = workflow.approve(session, reviewer, row.slug, row.lock_version)
    served = live_knowledge.current()
    assert served.revision == before.revision + 1 and served.retriever is not before.retriever
    assert best_id(live_knowledge) == ENTRY["id"]
    assert served.kb.by_id()[ENTRY["id"]].title == ENTRY["title"]
    with database.session() as session:
        workflow.archive(session, reviewer, row.slug, row.lock_version)
    assert best_id(live_knowledge) != ENTRY["id"]
    assert ENTRY["id"] not in live_knowledge.current().kb.by_id()


def test_an_unchanged_revision_reuses_the_retriever(live):
    _, live_knowledge, _, _ = live
    assert live_knowledge.current().retriever is live_knowledge.current().retriever
