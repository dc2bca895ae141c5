"""Chinese article numerals: both directions, full article references and bad input."""

from __future__ import annotations

import pytest

from knowledge_base.numerals import ArticleNo, parse_article, to_chinese, to_int

PAIRS = [
    ("十", 10),
    ("十二", 12),
    ("二十", 20),
    ("一百零五", 105),
    ("一百一十", 110),
    ("一千零六十七", 1067),
    ("一千二百六十", 1260),
    ("一", 1),
    ("二百七十六", 276),
]


@pytest.mark.parametrize(("chinese", "number"), PAIRS)
def test_chinese_to_int(chinese, number):
    assert to_int(chinese) == number


@pytest.mark.parametrize(("chinese", "number"), PAIRS)
def test_int_to_chinese(chinese, number):
    assert to_chinese(number) == chinese


def test_round_trip_over_every_article_number():
    for number in range(1, 2000):
        assert to_int(to_chinese(number)) == number


def test_arabic_digits_and_two():
    assert to_int("1067") == 1067
    assert to_int("两百") == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第八十二条", ArticleNo(82, 0)),
        ("82条", ArticleNo(82, 0)),
        ("第276条之一", ArticleNo(276, 1)),
        ("276条之一", ArticleNo(276, 1)),
        ("第二百七十六条之一", ArticleNo(276, 1)),
        ("1067", ArticleNo(1067, 0)),
        (" 第 82 条 ", ArticleNo(82, 0)),
    ],
)
def test_parse_article(text, expected):
    assert parse_article(text) == expected


def test_label_writes_the_statute_form():
    assert ArticleNo(276, 1).label() == "第二百七十六条之一"
    assert parse_article("1067").label() == "第一千零六十七条"


@pytest.mark.parametrize("text", ["第abc条", "", "条", "八十二条abc", "第八十二款", "hello"])
def test_parse_article_rejects_non_articles(text):
    with pytest.raises(ValueError):
        parse_article(text)


@pytest.mark.parametrize("text", ["", "abc", "十a", "第十"])
def test_to_int_rejects_non_numbers(text):
    with pytest.raises(ValueError):
        to_int(text)


@pytest.mark.parametrize("number", [0, -1, 100000])
def test_to_chinese_out_of_range(number):
    with pytest.raises(ValueError):
        to_chinese(number)
