"""The entry editor's form: HTML form fields ⇄ the YAML-shaped entry record the workflow validates.

Every field of ``knowledge_base.schema.Entry`` has a control, so saving an
entry unchanged stores it unchanged. Lists (questions, next steps, tags) are
textareas with one item per line; citations are rows of law / article / quote
fields and deadlines rows of what / period / law / article / quote, blank rows
ignored. Nothing is checked here: the workflow's validator judges the result,
and the form keeps exactly what was typed so a failed save loses nothing.
"""

from __future__ import annotations

from starlette.datastructures import FormData

from knowledge_base.schema import Area, Collection, Side

TEXT_FIELDS = (
    "id",
    "collection",
    "area",
    "side",
    "title",
    "summary",
    "answer",
    "issue",
    "item",
    "risk",
    "prevention",
    "case",
    "needs_citation",
)
LIST_FIELDS = ("questions", "next_steps", "tags")
CITATION_FIELDS = ("law", "article", "quote")
DEADLINE_FIELDS = ("what", "period")

COLLECTION_NAMES = {Collection.FAQ: "居民常见问题", Collection.GUIDE: "企业法律风险指引"}


def _text(value: object) -> str:
    """A submitted value stripped, with the browser's CRLF line breaks back to the stored LF."""
    return str(value or "").replace("\r\n", "\n").strip()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _rows(form: FormData, prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """The repeated ``{prefix}_{name}`` fields as one dict per row, rows left wholly blank dropped."""
    columns = [[_text(value) for value in form.getlist(f"{prefix}_{name}")] for name in names]
    return [dict(zip(names, row)) for row in zip(*columns) if any(row)]


def _citation(row: dict[str, str]) -> dict[str, str]:
    return {name: row[name] for name in CITATION_FIELDS}


def form_to_data(form: FormData) -> dict:
    """The record the form describes; empty fields are left out."""
    data: dict = {}
    for name in TEXT_FIELDS:
        value = _text(form.get(name))
        if value:
            data[name] = value
    for name in LIST_FIELDS:
        items = _lines(_text(form.get(name)))
        if items:
            data[name] = items
    citations = [_citation(row) for row in _rows(form, "citation", CITATION_FIELDS)]
    if citations:
        data["citations"] = citations
    deadlines = [
        {"what": row["what"], "period": row["period"], "citation": _citation(row)}
        for row in _rows(form, "deadline", DEADLINE_FIELDS + CITATION_FIELDS)
    ]
    if deadlines:
        data["deadlines"] = deadlines
    return data


def data_to_fields(data: dict) -> dict:
    """Template values for a record: text as strings, lists joined by newlines, citation and deadline rows."""
    fields = {name: str(data.get(name, "")) for name in TEXT_FIELDS}
    fields["side"] = str(data.get("side") or Side.ANY.value)
    fields.update({name: "\n".join(data.get(name, [])) for name in LIST_FIELDS})
    fields["citations"] = [
        {name: citation.get(name, "") for name in CITATION_FIELDS} for citation in data.get("citations", [])
    ]
    fields["deadlines"] = [
        {
            **{name: deadline.get(name, "") for name in DEADLINE_FIELDS},
            **{name: (deadline.get("citation") or {}).get(name, "") for name in CITATION_FIELDS},
        }
        for deadline in data.get("deadlines", [])
    ]
    return fields


def blank_fields() -> dict:
    return data_to_fields({"collection": Collection.FAQ.value, "area": Area.WAGE_ARREARS.value})
