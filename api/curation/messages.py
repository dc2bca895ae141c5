"""Chinese wording for entry validation errors, so staff read which field is wrong and why in plain language.

Pydantic reports each error as a type (``missing``, ``too_short`` …), a
location (``("citations", 0, "quote")``) and context (``min_length`` …).
``problem_texts`` turns each one into a sentence such as 「解答」不能为空 or
「用户问法」至少需要 3 条, naming the field by its Chinese name
(``field_labels``, also the spreadsheet's column headers). Errors raised by the
schema's own validators are already written in Chinese at their source and are
passed through.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from api.curation.field_labels import FIELD_LABELS

ID_RULE = "只能用小写字母、数字、连字符（-）和下划线，并以小写字母或数字开头"

# error type → sentence after the field name; {…} are filled from the error's context
TEMPLATES = {
    "missing": "不能为空",
    "string_too_short": "至少需要 {min_length} 个字",
    "string_too_long": "最多 {max_length} 个字",
    "too_short": "至少需要 {min_length} 条",
    "too_long": "最多 {max_length} 条",
    "string_pattern_mismatch": "格式不正确",
    "enum": "不是可选的值（可选：{expected}）",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "string_type": "必须是文字",
    "list_type": "必须是列表（每行一条）",
    "extra_forbidden": "不是条目的字段，请删除",
}


def field_name(loc: tuple) -> str:
    """「法条引用」第 1 条「引文」 for ``("citations", 0, "quote")``; 「条目」 for the whole entry."""
    parts = [f"第 {part + 1} 条" if isinstance(part, int) else f"「{FIELD_LABELS.get(part, part)}」" for part in loc]
    return "".join(parts) or "「条目」"


def problem_text(error: dict) -> str:
    """One Pydantic error as a Chinese sentence naming the field."""
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    field = field_name(error["loc"])
    if error["type"] == "string_pattern_mismatch" and error["loc"] == ("id",):
        return f"{field}{ID_RULE}"
    if error["type"] == "string_too_short" and error.get("ctx", {}).get("min_length") == 1:
        return f"{field}不能为空"
    context = dict(error.get("ctx", {}))
    if "expected" in context:  # "'faq' or 'guide'" → "faq、guide"
        context["expected"] = "、".join(re.findall(r"'([^']*)'", context["expected"]))
    return field + TEMPLATES.get(error["type"], "格式不正确").format(**context)


def problem_texts(exc: ValidationError) -> list[str]:
    """Every error of ``exc`` in Chinese, in the order Pydantic found them."""
    return [problem_text(error) for error in exc.errors()]
