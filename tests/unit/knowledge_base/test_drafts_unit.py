"""The draft parser: Markdown and .docx drafts split into chapters and articles, 之一 articles included."""

from __future__ import annotations

import io

import docx
import pytest

from knowledge_base.drafts import DraftError, parse_docx, parse_markdown
from knowledge_base.numerals import ArticleNo

MARKDOWN_DRAFT = """# 某市游泳场所卫生管理办法（征求意见稿）

为了加强游泳场所卫生管理，制定本办法。

## 第一章 总则

第一条 为了保障游泳者健康，制定本办法。

第二条　本办法适用于本市行政区域内的游泳场所。
经营者应当遵守本办法。

## 第二章 卫生要求

第三条 游泳场所应当每日检测水质。

第三条之一 检测结果应当在入口处公示。

第四条 本办法自公布之日起施行。
"""


def test_a_markdown_draft_splits_into_chapters_and_articles():
    draft = parse_markdown(MARKDOWN_DRAFT)
    assert draft.title == "某市游泳场所卫生管理办法（征求意见稿）"
    assert draft.preamble == "为了加强游泳场所卫生管理，制定本办法。"
    assert [a.label for a in draft.articles] == ["第一条", "第二条", "第三条", "第三条之一", "第四条"]
    assert draft.articles[3].number == ArticleNo(3, 1)
    assert draft.articles[1].text == "本办法适用于本市行政区域内的游泳场所。\n经营者应当遵守本办法。"
    assert draft.chapters == ["第一章 总则", "第二章 卫生要求"]
    assert draft.articles[3].chapter == "第二章 卫生要求"


def test_chapter_lines_without_a_markdown_heading_count_too():
    draft = parse_markdown("第一章 总则\n第一条 甲。\n第二章 附则\n第二条 乙。")
    assert [(a.chapter, a.label, a.text) for a in draft.articles] == [
        ("第一章 总则", "第一条", "甲。"),
        ("第二章 附则", "第二条", "乙。"),
    ]


def test_a_draft_without_articles_or_with_a_repeated_number_is_refused():
    with pytest.raises(DraftError, match="没有找到条文"):
        parse_markdown("# 标题\n只有一段说明。")
    with pytest.raises(DraftError, match="条号重复"):
        parse_markdown("第一条 甲。\n第一条 乙。")


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("某市游泳场所卫生管理办法（征求意见稿）", style="Title")
    document.add_paragraph("第一章 总则")
    document.add_paragraph("第一条 为了保障游泳者健康，制定本办法。")
    document.add_paragraph("第二章 卫生要求")
    document.add_paragraph("第二条 游泳场所应当每日检测水质。")
    document.add_paragraph("检测记录保存一年。")
    document.add_paragraph("第二条之一 检测结果应当公示。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_draft_is_read_paragraph_by_paragraph():
    draft = parse_docx(_docx_bytes())
    assert draft.title == "某市游泳场所卫生管理办法（征求意见稿）"
    assert [(a.chapter, a.label) for a in draft.articles] == [
        ("第一章 总则", "第一条"),
        ("第二章 卫生要求", "第二条"),
        ("第二章 卫生要求", "第二条之一"),
    ]
    assert draft.articles[1].text == "游泳场所应当每日检测水质。\n检测记录保存一年。"


def test_a_file_that_is_not_a_docx_is_refused_in_chinese():
    with pytest.raises(DraftError, match="docx"):
        parse_docx(b"not a word file")
