"""Overlapping entries (``knowledge_base.retrieval.overlaps``) with the real primary embedder over a few entries."""

from __future__ import annotations

from knowledge_base.retrieval.overlaps import overlaps
from knowledge_base.retrieval.pipeline import Retriever
from knowledge_base.schema import Entry


def entry(raw: dict, entry_id: str, area: str, questions: list[str]) -> Entry:
    return Entry.model_validate(
        {**raw, "collection": "faq", "id": entry_id, "area": area, "title": questions[0], "questions": questions}
    )


def test_two_entries_asking_the_same_question_in_one_area_are_listed_and_others_are_not(faq_entries, tmp_path):
    raw = faq_entries[0]
    entries = [
        entry(raw, "wage-commute", "wage_arrears", ["上下班路上出车祸算不算工伤", "下班途中被车撞了是工伤吗"]),
        entry(raw, "work-commute", "wage_arrears", ["骑电动车上下班路上出了事 算不算工伤", "通勤路上受伤能认定工伤吗"]),
        entry(raw, "wage-unpaid", "wage_arrears", ["老板拖欠工资不给怎么办", "公司三个月没发工资"]),
        entry(raw, "old-commute", "elderly_services", ["上下班路上出车祸算不算工伤", "下班途中被车撞了是工伤吗"]),
    ]
    found = overlaps(Retriever(entries, second_embedder=None, index_dir=tmp_path), threshold=0.85)
    assert [(o.area, {o.first, o.second}) for o in found] == [("wage_arrears", {"wage-commute", "work-commute"})]
    assert 0.85 <= found[0].score <= 1.0 and "工伤" in found[0].first_text and "工伤" in found[0].second_text
    assert overlaps(Retriever(entries, second_embedder=None, index_dir=tmp_path), threshold=0.999) == []
