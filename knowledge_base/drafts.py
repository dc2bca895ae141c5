"""Split a draft regulation (Markdown text or a .docx file) into chapters and articles for a consultation.

A draft is read line by line (a .docx paragraph by paragraph, with python-docx).
A line such as ``第一章 总则`` (optionally a Markdown heading ``## 第一章 总则``)
starts a chapter; a line starting with an article number (``第五条``,
``第十二条之一`` — the statute corpus's pattern, ``knowledge_base.numerals``)
starts an article, which runs over the following lines until the next article
or chapter. Lines before the first article (the title, a preamble) are kept as
``preamble``. The first ``# `` heading, or a .docx paragraph in the Title style,
is the draft's title.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from knowledge_base.numerals import ARTICLE_PATTERN, NUMBER_PATTERN, ArticleNo, parse_article

# an article line: its number at the start of the line, then the text (after a space or directly)
_ARTICLE_LINE = re.compile(rf"^(?=第)({ARTICLE_PATTERN})[\s\u3000]*(.*)$")
_CHAPTER_LINE = re.compile(rf"^第{NUMBER_PATTERN}[章节编][\s\u3000]*.*$")
_HEADING = re.compile(r"^#{1,6}\s*")
MAX_DRAFT_CHARS = 200_000


class DraftError(ValueError):
    """The draft cannot be read or has no numbered articles; the message is Chinese, for staff."""


@dataclass
class DraftArticle:
    number: ArticleNo
    text: str
    chapter: str = ""

    @property
    def label(self) -> str:
        return self.number.label()


@dataclass
class Draft:
    title: str = ""
    preamble: str = ""
    articles: list[DraftArticle] = field(default_factory=list)

    @property
    def chapters(self) -> list[str]:
        return list(dict.fromkeys(article.chapter for article in self.articles if article.chapter))


def parse_lines(lines: list[str]) -> Draft:
    """The draft in ``lines`` (Markdown or plain text); a ``DraftError`` when it has no numbered article."""
    draft = Draft()
    chapter = ""
    preamble: list[str] = []
    body: list[str] | None = None
    bodies: list[list[str]] = []
    seen: set[ArticleNo] = set()
    for raw in lines:
        line = raw.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        if not draft.title and line.startswith("# ") and not draft.articles:
            draft.title = line[2:].strip()
            continue
        text = _HEADING.sub("", line)
        if _CHAPTER_LINE.match(text) and not _ARTICLE_LINE.match(text):
            chapter, body = text, None
            continue
        match = _ARTICLE_LINE.match(text)
        if match:
            number = parse_article(match.group(1))
            if number in seen:
                raise DraftError(f"条号重复：{number.label()}，请检查草案")
            seen.add(number)
            body = [match.group(4).strip()] if match.group(4).strip() else []
            bodies.append(body)
            draft.articles.append(DraftArticle(number, "", chapter))
            continue
        if body is not None:
            body.append(text)
        elif line.startswith("#"):
            continue
        elif not draft.articles:
            preamble.append(text)
    for article, lines_of in zip(draft.articles, bodies):
        article.text = "\n".join(lines_of)
    if not draft.articles:
        raise DraftError("没有找到条文：每一条应以“第一条”“第二条之一”这样的条号开头")
    draft.preamble = "\n".join(preamble)
    return draft


def parse_markdown(text: str) -> Draft:
    if len(text) > MAX_DRAFT_CHARS:
        raise DraftError(f"草案太长（超过{MAX_DRAFT_CHARS}字）")
    return parse_lines(text.splitlines())


def parse_docx(data: bytes) -> Draft:
    """The draft in a Word (.docx) file's paragraphs; a paragraph in the Title style gives the title."""
    import docx  # python-docx; imported here so the statute code does not need it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise DraftError("无法读取这个 Word 文件，请上传 .docx 格式（不是 .doc）") from exc
    lines: list[str] = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        text = paragraph.text.strip()
        if style == "Title" and text and not lines:
            lines.append(f"# {text}")
        else:
            lines.append(text)
    return parse_lines(lines)
