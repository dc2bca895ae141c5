"""Paging of admin lists: page sizes, clamping and links that keep the filters."""

from __future__ import annotations

from api.admin.paging import paginate


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
