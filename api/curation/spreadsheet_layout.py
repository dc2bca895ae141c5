"""The spreadsheet layout of knowledge-base entries: one sheet, one row per entry, FAQ and guide items together.

Columns (header cells carry the Chinese label; the English key is accepted too):
编号 id, 栏目 collection (faq | guide), 领域 area, 期 issue and 条 item (guide
only), 标题 title, 一句话回答 summary, 提问方 side (worker | employer |
older_person | family | any), 用户问法 questions (one per line), 解答 answer
(FAQ), 风险 risk, 防范 prevention and 示例 case (guide), 法条引用 citations (one
per line as ``法规|条号|引文``, e.g. ``劳动合同法|第八十二条|应当向劳动者每月支付二倍的工资``;
a full-width ``｜`` works too), 期限提醒 deadlines (one per line as
``事项|期限|法规|条号|引文``), 下一步 next_steps (one per line), 标签 tags
(separated by 、 or commas), 待补法条 needs_citation (a rule stated without its
article), and the read-only 状态 state and 版本 version: the
version is the entry's lock version when exported and lets an import detect
that someone else changed the entry in the meantime. This module turns records
into cell texts and cell texts back into records, reporting every cell it
cannot read; whether a record is a valid entry is left to the workflow's
validator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.curation.field_labels import FIELD_LABELS
from api.curation.workflow import STATE_NAMES
from knowledge_base.schema import Area, Collection, Side
from knowledge_base.store.models import State

# Column headers are the fields' Chinese names; the narrow issue and item columns keep a one-character header.
HEADERS = {**FIELD_LABELS, "issue": "期", "item": "条", "state": "状态", "version": "版本"}


@dataclass(frozen=True)
class Column:
    key: str
    width: int  # in Excel character units
    max_chars: int
    required: bool = False

    @property
    def label(self) -> str:
        return HEADERS[self.key]


COLUMNS = (
    Column("id", 22, 100, required=True),
    Column("collection", 9, 20, required=True),
    Column("area", 18, 40, required=True),
    Column("issue", 6, 10),
    Column("item", 6, 10),
    Column("title", 28, 200, required=True),
    Column("summary", 36, 200),
    Column("side", 12, 20),
    Column("questions", 36, 4000, required=True),
    Column("answer", 60, 5000),
    Column("risk", 45, 5000),
    Column("prevention", 45, 5000),
    Column("case", 40, 5000),
    Column("citations", 50, 4000, required=True),
    Column("deadlines", 50, 4000),
    Column("next_steps", 36, 3000),
    Column("tags", 20, 500),
    Column("needs_citation", 30, 500),
    Column("state", 9, 20),
    Column("version", 7, 10),
)
BY_NAME = {name.casefold(): column for column in COLUMNS for name in (column.key, column.label)}
LINE_LISTS = ("questions", "next_steps")
TEXTS = ("title", "summary", "answer", "risk", "prevention", "case", "needs_citation")
NUMBERS = ("issue", "item", "version")
FORMULA_START = ("=", "+", "-", "@")
CITATION_SEPARATOR = re.compile(r"[|｜]")
TAG_SEPARATOR = re.compile(r"[,，、;；\n]")
LABEL = {column.key: column.label for column in COLUMNS}


@dataclass(frozen=True)
class CellError:
    column: str | None
    reason: str


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def neutralise(text: str) -> str:
    """A cell text a spreadsheet program will not run as a formula (the leading apostrophe marks it as text)."""
    return f"'{text}" if is_formula_like(text) else text


def unneutralise(text: str) -> str:
    """Undo ``neutralise``: an imported cell is always text, never a formula."""
    return text[1:] if text.startswith("'") and is_formula_like(text[1:]) else text


def header() -> list[str]:
    return [column.label for column in COLUMNS]


def record_cells(record: dict, state: str, version: int) -> list[str | int]:
    """One row for ``record`` in column order; numbers stay numbers, lists become lines."""
    values = {
        **{key: record.get(key, "") for key in TEXTS},
        **{key: "\n".join(record.get(key, [])) for key in LINE_LISTS},
        "id": record["id"],
        "collection": record["collection"],
        "area": record["area"],
        "issue": record.get("issue", ""),
        "item": record.get("item", ""),
        "side": record.get("side", ""),
        "citations": "\n".join(f"{c['law']}|{c['article']}|{c['quote']}" for c in record.get("citations", [])),
        "deadlines": "\n".join(
            f"{d['what']}|{d['period']}|{d['citation']['law']}|{d['citation']['article']}|{d['citation']['quote']}"
            for d in record.get("deadlines", [])
        ),
        "tags": "、".join(record.get("tags", [])),
        "state": STATE_NAMES[State(state)],
        "version": version,
    }
    return [values[column.key] for column in COLUMNS]


def match_header(cells: list[str]) -> tuple[list[Column | None], list[CellError]]:
    """The column of each header cell (None for a blank one) and the header's problems."""
    columns = [BY_NAME.get(cell.strip().casefold()) if cell.strip() else None for cell in cells]
    errors = [
        CellError(cell, f"未知列“{cell}”，请删除该列或改用模板中的列名")
        for cell, column in zip(cells, columns)
        if cell.strip() and column is None
    ]
    seen = [column.key for column in columns if column]
    errors += [
        CellError(LABEL[key], f"列“{LABEL[key]}”出现了不止一次") for key in dict.fromkeys(seen) if seen.count(key) > 1
    ]
    errors += [
        CellError(column.label, f"缺少必填列“{column.label}”")
        for column in COLUMNS
        if column.required and column.key not in seen
    ]
    return columns, errors


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _citations(text: str) -> tuple[list[dict], list[CellError]]:
    citations, errors = [], []
    for number, line in enumerate(_lines(text), 1):
        parts = [part.strip() for part in CITATION_SEPARATOR.split(line)]
        if len(parts) != 3 or not all(parts):
            errors.append(CellError(LABEL["citations"], f"第{number}条引用“{line}”格式不对，应为“法规|条号|引文”"))
        else:
            citations.append(dict(zip(("law", "article", "quote"), parts)))
    return citations, errors


def _deadlines(text: str) -> tuple[list[dict], list[CellError]]:
    deadlines, errors = [], []
    for number, line in enumerate(_lines(text), 1):
        parts = [part.strip() for part in CITATION_SEPARATOR.split(line)]
        if len(parts) != 5 or not all(parts):
            errors.append(
                CellError(LABEL["deadlines"], f"第{number}条期限“{line}”格式不对，应为“事项|期限|法规|条号|引文”")
            )
        else:
            what, period, law, article, quote = parts
            deadlines.append(
                {"what": what, "period": period, "citation": {"law": law, "article": article, "quote": quote}}
            )
    return deadlines, errors


def _number(key: str, text: str) -> tuple[int | None, list[CellError]]:
    if not text:
        return None, []
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not value.is_integer() or value < 1:
        return None, [CellError(LABEL[key], f"“{text}”不是正整数")]
    return int(value), []


def _choice(key: str, text: str, allowed: list[str]) -> list[CellError]:
    if text in allowed:
        return []
    what = "未填写" if not text else f"“{text}”无效"
    return [CellError(LABEL[key], f"{what}，可选：{'、'.join(allowed)}")]


def parse_cells(cells: dict[str, str]) -> tuple[dict, int | None, list[CellError]]:
    """The record a row describes (in the YAML shape), its exported version, and every cell it cannot read.

    ``cells`` maps column keys to the stripped cell texts; missing columns count as blank.
    """
    text = {column.key: unneutralise(cells.get(column.key, "")) for column in COLUMNS}
    errors = [
        CellError(column.label, f"内容过长（{len(text[column.key])} 字，最多 {column.max_chars} 字）")
        for column in COLUMNS
        if len(text[column.key]) > column.max_chars
    ]
    if not text["id"]:
        errors.append(CellError(LABEL["id"], "编号不能为空"))
    errors += _choice("collection", text["collection"], [c.value for c in Collection])
    errors += _choice("area", text["area"], [a.value for a in Area])
    record: dict = {"id": text["id"], "collection": text["collection"], "area": text["area"]}
    numbers = {}
    for key in NUMBERS:
        numbers[key], problems = _number(key, text[key])
        errors += problems
    record.update({key: numbers[key] for key in ("issue", "item") if numbers[key] is not None})
    record.update({key: text[key] for key in TEXTS if text[key]})
    record.update({key: _lines(text[key]) for key in LINE_LISTS if text[key]})
    record["citations"], problems = _citations(text["citations"])
    errors += problems
    if text["side"]:
        errors += _choice("side", text["side"], [side.value for side in Side])
        record["side"] = text["side"]
    if text["deadlines"]:
        record["deadlines"], problems = _deadlines(text["deadlines"])
        errors += problems
    tags = [tag.strip() for tag in TAG_SEPARATOR.split(text["tags"]) if tag.strip()]
    if tags:
        record["tags"] = tags
    return record, numbers["version"], errors
