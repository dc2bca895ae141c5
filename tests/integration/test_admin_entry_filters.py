"""The entry list's search and filters, driven like ``test_admin_pages``: search through questions and answers, the
提问方 filter, only entries with 待补法条, and page links that keep every filter.

Expectations come from the YAML knowledge base the test database was seeded
from (``tests.helpers.searched_words`` is what the search box promises to look through).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from knowledge_base.loader import load_knowledge_base
from tests.helpers import form_values, listed_everywhere, next_link, searched_words


def only_in_answers(entries, collection: str) -> tuple[str, str]:
    """An entry of ``collection`` and eight characters of its answer (risk, for a guide item) found in no title,
    summary or question of any entry."""
    headings = " ".join(f"{e.id} {e.title} {e.summary or ''} {' '.join(e.questions)}" for e in entries).lower()
    for entry in entries:
        text = entry.answer_text if collection == "faq" else entry.risk
        if entry.collection.value != collection or not text:
            continue
        for start in range(0, len(text) - 8):
            words = text[start : start + 8]
            if not any(character.isspace() for character in words) and words.lower() not in headings:
                return entry.id, words
    raise AssertionError(f"no {collection} entry has words of its own in its answer")


def searched_for(staff, entries, q: str) -> tuple[list[str], list[str]]:
    """The ids listed for the search ``q`` (every page), and the ids of the entries holding every word of it."""
    listed = listed_everywhere(staff, "/admin/entries?" + urlencode({"q": q}))
    expected = [e.id for e in entries if all(word.lower() in searched_words(e) for word in q.split())]
    return sorted(listed), sorted(expected)


def test_the_search_box_looks_through_questions_and_answers(staff):
    entries = load_knowledge_base().entries
    by_id = {entry.id: entry for entry in entries}
    editor = staff("editor")
    for collection in ("faq", "guide"):
        entry_id, words = only_in_answers(entries, collection)
        listed, expected = searched_for(editor, entries, words)
        assert entry_id in listed and listed == expected

        both = f"{words} {by_id[entry_id].questions[0][:3]}"  # words of its answer and of a question: all must appear
        listed, expected = searched_for(editor, entries, both)
        assert entry_id in listed and listed == expected
        stranger = next(e for e in entries if e.questions[0].lower() not in searched_words(by_id[entry_id]))
        listed, expected = searched_for(editor, entries, f"{words} {stranger.questions[0]}")
        assert entry_id not in listed and listed == expected  # a word it lacks leaves it out


def test_the_side_filter_lists_exactly_the_entries_written_for_that_side(staff):
    entries = load_knowledge_base().entries
    editor = staff("editor")
    for side in ("older_person", "family", "any"):
        expected = sorted(e.id for e in entries if e.side.value == side)
        assert 0 < len(expected) < len(entries)
        assert sorted(listed_everywhere(editor, f"/admin/entries?side={side}")) == expected
    employer = editor.get("/admin/entries?side=employer&q=合同&area=enterprise_risk")
    assert next_link(employer.text) == (
        "/admin/entries?q=%E5%90%88%E5%90%8C&area=enterprise_risk&side=employer&page=2"
    )  # the page links keep every filter


def test_only_entries_waiting_for_an_article_are_listed_with_their_note(staff):
    entries = load_knowledge_base().entries
    editor = staff("editor")
    slug = next(e.id for e in entries if not e.needs_citation and e.collection.value == "faq")
    action = f"/admin/entries/{slug}"
    note = "某某条例未收录：这条规则的出处"
    editor.post(action, {**form_values(editor.get(action).text, action), "needs_citation": note})

    page = editor.get("/admin/entries?needs_citation=1")
    expected = sorted([slug, *(e.id for e in entries if e.needs_citation)])
    assert sorted(listed_everywhere(editor, "/admin/entries?needs_citation=1")) == expected
    assert (
        f"待补法条：{note}" in page.text
        and 'id="needs_citation" name="needs_citation" type="checkbox" value="1" checked' in page.text
    )
    assert f"共 {len(expected)} 条" in page.text


def test_every_control_of_the_list_filters_has_a_label(staff):
    page = staff("editor").get("/admin/entries").text
    start = page.index('<form class="filters')
    form = page[start : page.index("</form>", start)]
    controls = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', form)
    assert set(controls) == {"q", "state", "area", "side", "needs_citation"}
    assert all(f'<label for="{control}">' in form for control in controls)
