"""The entry editor's form: HTML form fields ⇄ the YAML-shaped entry record the workflow validates.

Lists (questions, next steps, tags) are textareas with one item per line;
citations are rows of law / article / quote fields, blank rows ignored.
Nothing is checked here: the workflow's validator judges the result, and the
form keeps exactly what was typed so a failed save loses nothing.
"""

from __future__ import annotations

from starlette.datastructures import FormData

from knowledge_base.schema import Area, Collection

TEXT_FIELDS = ("id", "collection", "area", "title", "answer", "issue", "item", "risk", "prevention", "case")
LIST_FIELDS = ("questions", "next_steps", "tags")
CITATION_FIELDS = ("law", "article", "quote")

COLLECTION_NAMES = {Collection.FAQ: "居民常见问题", Collection.GUIDE: "企业法律风险指引"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def form_to_data(form: FormData) -> dict:
    """The record the form describes; empty fields are left out."""
    data: dict = {}
    for name in TEXT_FIELDS:
        value = str(form.get(name) or "").strip()
        if value:
            data[name] = value
    for name in LIST_FIELDS:
        items = _lines(str(form.get(name) or ""))
        if items:
            data[name] = items
    columns = [[str(value).strip() for value in form.getlist(f"citation_{name}")] for name in CITATION_FIELDS]
    citations = [dict(zip(CITATION_FIELDS, row)) for row in zip(*columns) if any(row)]
    if citations:
        data["citations"] = citations
    return data


def data_to_fields(data: dict) -> dict:
    """Template values for a record: text as strings, lists joined by newlines, citation rows."""
    fields = {name: str(data.get(name, "")) for name in TEXT_FIELDS}
    fields.update({name: "\n".join(data.get(name, [])) for name in LIST_FIELDS})
    fields["citations"] = [
        {name: citation.get(name, "") for name in CITATION_FIELDS} for citation in data.get("citations", [])
    ]
    return fields


def blank_fields() -> dict:
    return data_to_fields({"collection": Collection.FAQ.value, "area": Area.WAGE_ARREARS.value})
