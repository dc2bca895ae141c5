"""Paging of admin lists: page sizes, clamping, numbered links and links that keep the filters."""

from __future__ import annotations

from api.admin.paging import page_numbers, paginate


def test_pages_cut_the_rows_and_link_their_neighbours_with_the_filters():
    rows = list(range(7))
    middle = paginate(rows, 2, "/admin/entries", {"q": "工资", "state": ""}, size=3)
    assert (middle.rows, middle.number, middle.pages, middle.total) == ([3, 4, 5], 2, 3, 7)
    assert middle.previous_url == "/admin/entries?q=%E5%B7%A5%E8%B5%84"
    assert middle.next_url == "/admin/entries?q=%E5%B7%A5%E8%B5%84&page=3"
    last = paginate(rows, 99, "/admin/entries", {}, size=3)
    assert (last.rows, last.number, last.next_url, last.previous_url) == ([6], 3, None, "/admin/entries?page=2")
    assert paginate(rows, -4, "/admin/entries", {}, size=3).number == 1


def test_an_empty_list_is_one_page_without_links():
    page = paginate([], 1, "/admin/review", {})
    assert (page.rows, page.pages, page.previous_url, page.next_url) == ([], 1, None, None)


def test_numbered_links_show_the_ends_and_two_either_side_with_gaps():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(3, 5) == [1, 2, 3, 4, 5]
    assert page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_numbers(1, 20) == [1, 2, 3, None, 20]
    links = paginate(list(range(45)), 2, "/admin/unanswered", {"kind": "abstain"}, size=20).links
    assert [(link.number, link.url) for link in links] == [
        (1, "/admin/unanswered?kind=abstain"),
        (2, None),  # the current page
        (3, "/admin/unanswered?kind=abstain&page=3"),
    ]
