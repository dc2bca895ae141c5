"""Fixtures for the unit tests: hand-written knowledge-base entries and a writer of tiny entry folders.

The entries cite real articles with verbatim quotes, so a tiny knowledge base
built from them validates cleanly until a test breaks one part on purpose.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

WAGE_ENTRY = {
    "id": "wage-unpaid",
    "area": "wage_arrears",
    "title": "老板拖欠工资怎么办",
    "questions": ["老板拖欠工资怎么办", "公司一直不发工资 我该怎么维权", "工资被拖欠了三个月找谁要"],
    "answer": "先保存考勤、工资条等证据，可以向劳动保障监察投诉，或者申请劳动仲裁。",
    "citations": [{"law": "劳动合同法", "article": "第三十条", "quote": "向劳动者及时足额支付劳动报酬"}],
    "next_steps": ["拨打12348咨询", "向劳动人事争议仲裁委员会申请仲裁"],
    "tags": ["欠薪"],
}
ELDERLY_ENTRY = {
    "id": "elderly-support",
    "area": "elderly_services",
    "title": "子女不赡养老人怎么办",
    "questions": ["子女不赡养老人怎么办", "儿子不给我养老钱 我能告他吗", "老了孩子都不管我 法律上有办法吗"],
    "answer": "赡养父母是成年子女的法定义务，可以先找居委会调解，调解不成可以起诉要求支付赡养费。",
    "citations": [
        {
            "law": "老年人权益保障法",
            "article": "第十四条",
            "quote": "赡养人应当履行对老年人经济上供养、生活上照料和精神上慰藉的义务",
        }
    ],
    "next_steps": ["找社区人民调解委员会调解"],
    "tags": ["赡养"],
}
LEGAL_AID_ENTRY = {
    "id": "legal-aid-apply",
    "area": "legal_services",
    "title": "怎么申请法律援助",
    "questions": ["怎么申请法律援助", "请不起律师 能申请免费的法律援助吗", "法律援助多久能批下来"],
    "answer": "经济困难的可以向法律援助中心申请，法律援助机构收到申请后七日内审查并作出决定。",
    "citations": [
        {"law": "法律援助法", "article": "43", "quote": "法律援助机构应当自收到法律援助申请之日起七日内进行审查"}
    ],
    "next_steps": ["到区法律援助中心提交申请"],
}
GUIDE_ITEM = {
    "id": "guide-01-1",
    "title": "不签书面劳动合同的二倍工资风险",
    "questions": ["员工入职不签劳动合同有什么风险", "超过一个月没签合同要赔双倍工资吗", "试用期不签合同行不行"],
    "risk": "用工超过一个月仍未订立书面劳动合同的，企业要按月向劳动者支付二倍工资。",
    "prevention": "入职一个月内签订书面劳动合同，员工拒签的书面通知并终止用工。",
    "case": "某公司用工半年未签合同，被裁决支付五个月的二倍工资差额。",
    "citations": [{"law": "劳动合同法", "article": "第八十二条", "quote": "应当向劳动者每月支付二倍的工资"}],
    "next_steps": ["请法律顾问审核劳动合同文本"],
    "tags": ["劳动合同"],
}


@pytest.fixture
def faq_entries() -> list[dict]:
    """Three valid FAQ entry dicts (fresh copies a test may change)."""
    return copy.deepcopy([WAGE_ENTRY, ELDERLY_ENTRY, LEGAL_AID_ENTRY])


@pytest.fixture
def guide_item() -> dict:
    return copy.deepcopy(GUIDE_ITEM)


def _guide_issue(number: int, items: int) -> dict:
    return {
        "issue": number,
        "theme": f"第{number}期主题",
        "topic": "劳动用工",
        "items": [
            {
                **copy.deepcopy(GUIDE_ITEM),
                "id": f"guide-{number:02d}-{item}",
                "title": f"第{number}期第{item}条风险",
                "questions": [f"第{number}期第{item}条的问题{variant}" for variant in "一二三"],
            }
            for item in range(1, items + 1)
        ],
    }


@pytest.fixture
def write_kb(tmp_path: Path):
    """Write an entries folder under tmp_path and return its path.

    ``faq`` maps a file name to its entries ;
    ``guide`` lists the item count of each issue, numbered from 1.
    """

    def write(faq: dict[str, list[dict]] | None = None, guide: list[int] | None = None) -> Path:
        root = tmp_path / "entries"
        (root / "faq").mkdir(parents=True, exist_ok=True)
        (root / "guide").mkdir(parents=True, exist_ok=True)
        for name, entries in (faq or {}).items():
            data = {"collection": "faq", "area": "wage_arrears", "entries": entries}
            (root / "faq" / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        if guide:
            data = {"issues": [_guide_issue(number, items) for number, items in enumerate(guide, start=1)]}
            (root / "guide" / "guide.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return root

    return write
