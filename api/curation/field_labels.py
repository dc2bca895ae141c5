"""The Chinese name staff read for each field of an entry record, shared by every staff-facing text.

Entry records keep English keys (``answer``, ``citations`` …, the shape of
``knowledge_base/entries/*.yml``); staff never see those. Validation messages
(``messages``), the spreadsheet's column headers (``spreadsheet_layout``) and
the version diff page (``api/admin``) name a field by ``FIELD_LABELS``; the
staff pages and the dashboard name an area by ``AREA_NAMES``, the staff pages
whose question an entry answers by ``SIDE_NAMES``. This
module imports nothing, so any curation module can use it without an import
cycle.
"""

from __future__ import annotations

FIELD_LABELS = {
    "id": "编号",
    "collection": "栏目",
    "area": "领域",
    "title": "标题",
    "summary": "一句话回答",
    "side": "提问方",
    "questions": "用户问法",
    "answer": "解答",
    "issue": "期号",
    "item": "条目序号",
    "risk": "风险",
    "prevention": "防范",
    "case": "示例",
    "citations": "法条引用",
    "deadlines": "期限提醒",
    "what": "事项",
    "period": "期限",
    "citation": "依据",
    "next_steps": "下一步",
    "tags": "标签",
    "needs_citation": "待补法条",
    "law": "法规",
    "article": "条号",
    "quote": "引文",
}

AREA_NAMES = {
    "wage_arrears": "欠薪与劳动权益",
    "elderly_services": "老年人权益",
    "legal_services": "法律援助与调解",
    "other_topics": "其他法律问题",
    "enterprise_risk": "企业法律风险",
}

SIDE_NAMES = {
    "worker": "劳动者",
    "employer": "用人单位",
    "older_person": "老年人",
    "family": "家庭成员",
    "any": "不限",
}


def relabelled(value):
    """``value`` (a record, or part of one) with every known field key replaced by its Chinese name."""
    if isinstance(value, dict):
        return {FIELD_LABELS.get(key, key): relabelled(item) for key, item in value.items()}
    if isinstance(value, list):
        return [relabelled(item) for item in value]
    return value
