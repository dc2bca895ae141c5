"""Read the answers of the wage-arrears triage from what people type or click.

Each function takes the user's text and returns a normalised value, or None
when the text does not answer the question: who owes the money
(``employer`` / ``subcontractor`` / ``no_contract``), how long (months) and how
much (yuan) in colloquial Chinese (「三个月」「半年多」「两万多」「三千五」
「8000块」「1.5万」), which evidence the person has (several at once, or
none), and whether they are a migrant worker.
"""

from __future__ import annotations

import re

from knowledge_base.numerals import NUMBER_PATTERN, to_int

DEBTORS = ("employer", "subcontractor", "no_contract")
EVIDENCE = {  # code -> (label shown to the user, words that name it)
    "contract": ("劳动合同", ("合同", "协议")),
    "payslip": ("工资条/银行流水", ("工资条", "工资单", "流水", "转账", "银行", "发薪记录")),
    "attendance": ("考勤记录", ("考勤", "打卡", "签到", "记工")),
    "chat": ("聊天记录", ("聊天", "微信", "短信", "录音", "通话")),
    "iou": ("欠条", ("欠条", "欠据", "白条", "结算单", "对账单", "承诺书")),
}
NO_EVIDENCE = "none"
UNKNOWN_WORDS = (
    "不清楚",
    "不太清楚",
    "不知道",
    "记不清",
    "记不太清",
    "记不得",
    "不记得",
    "说不准",
    "不好说",
    "不确定",
    "忘了",
)

_TIME_WORDS = ("年", "月", "天", "周", "星期", "号", "开始", "以来", "至今", "一直", "过年", "春节")
_MONEY_WORDS = ("钱", "元", "块", "万", "千", "百", "工资", "工钱", "提成", "加班费")
_ALL_SAID_WORDS = ("只有", "就这", "就那", "没别的", "没有别的", "别的没", "其他没", "没了", "没有了", "够了", "就一样")
_SUBCONTRACTOR_WORDS = ("包工头", "工头", "工地", "工程", "建筑", "分包", "施工", "项目", "装修")
_NO_CONTRACT_WORDS = ("没签", "没有签", "未签", "没合同", "没有合同", "无合同", "口头", "不签合同")
_EMPLOYER_WORDS = ("公司", "老板", "单位", "厂", "店", "企业", "雇主", "用人单位", "饭店", "超市", "直接")
_NEGATIONS = ("没", "无", "不")
_NO_WORDS = ("不是", "不算", "否", "没有", "本地", "不", "no")
_YES_WORDS = ("是", "对", "嗯", "农民工", "外地", "进城", "打工", "务工", "yes")
_SEPARATORS = r"(?:[，,、。；;/+\s]|以及|还有|也有|另外|和|跟|与|及)+"

_NUMBER = rf"(\d+(?:\.\d+)?|{NUMBER_PATTERN}|半)"
_DURATION = re.compile(rf"{_NUMBER}\s*(个)?\s*(半)?\s*(多)?\s*(个)?\s*(年|月|周|星期|礼拜|天)(半)?")
_MONTHS_PER_UNIT = {"年": 12.0, "月": 1.0, "周": 0.25, "星期": 0.25, "礼拜": 0.25, "天": 1 / 30}
_AMOUNT = re.compile(
    rf"{_NUMBER}\s*(多|来|余)?\s*([万千百wWkK])?\s*([一二三四五六七八九两\d])?\s*(多|来|余)?\s*(元|块|圆)?"
)
_MULTIPLIERS = {"万": 10000, "w": 10000, "W": 10000, "千": 1000, "k": 1000, "K": 1000, "百": 100}


def mentions_time(text: str) -> bool:
    """「从去年过完年」: a duration in words the parser cannot count."""
    return any(word in text for word in _TIME_WORDS)


def mentions_money(text: str) -> bool:
    """「一个月工资」: an amount in words the parser cannot count."""
    return any(word in text for word in _MONEY_WORDS)


def is_unknown(text: str) -> bool:
    """「不清楚」「记不清了」: the person does not know."""
    return any(word in text for word in UNKNOWN_WORDS)


def debtor_type(text: str) -> str | None:
    """Who owes the money; construction work wins over a missing contract, which wins over employer."""
    for code, words in (
        ("subcontractor", _SUBCONTRACTOR_WORDS),
        ("no_contract", _NO_CONTRACT_WORDS),
        ("employer", _EMPLOYER_WORDS),
    ):
        if any(word in text for word in words):
            return code
    return None


def colloquial_int(numeral: str) -> float:
    """A number as people say it: 「三千五」 is 3500 and 「两万五」 25000, but 「一千零五」 stays 1005."""
    if numeral == "半":
        return 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", numeral):
        return float(numeral)
    value = to_int(numeral)
    trailing = re.search(r"([百千万])([一二三四五六七八九两])$", numeral)
    if trailing:
        value += to_int(trailing.group(2)) * (_MULTIPLIERS[trailing.group(1)] // 10 - 1)
    return float(value)


def duration_months(text: str) -> float | None:
    """How long the pay is owed, in months: 「三个月」 3, 「半年多」 6, 「一年半」 18, 「两周」 0.5."""
    match = _DURATION.search(text)
    if match is None:
        return None
    number, _, half, _, _, unit, half_after = match.groups()
    try:
        value = colloquial_int(number)
    except ValueError:
        return None
    if half or half_after:
        value += 0.5
    return round(value * _MONTHS_PER_UNIT[unit], 2)


def amount_yuan(text: str) -> float | None:
    """Roughly how much is owed, in yuan: 「两万多」 20000, 「8000块」 8000, 「1.5万」 15000, 「三千五」 3500."""
    for match in _AMOUNT.finditer(text):
        number, _, unit, tail, _, currency = match.groups()
        if not unit and not currency and match.end() < len(text) and text[match.end() :].lstrip()[:1] in "个年月天周":
            continue  # 「三个月」 is a duration, not money
        try:
            value = colloquial_int(number)
        except ValueError:
            continue
        if unit:
            value *= _MULTIPLIERS[unit]
            if tail:
                value += colloquial_int(tail) * _MULTIPLIERS[unit] / 10
        if value > 0:
            return value
    return None


def evidence(text: str) -> list[str] | None:
    """Evidence codes named in the text (in a fixed order); ``["none"]`` for 「都没有」; None if no answer."""
    found: set[str] = set()
    said_none = False
    for chunk in filter(None, re.split(_SEPARATORS, text)):
        named = {code for code, (_, words) in EVIDENCE.items() if any(word in chunk for word in words)}
        if any(neg in chunk for neg in _NEGATIONS):
            said_none = True
            continue
        found |= named
    if found:
        return [code for code in EVIDENCE if code in found]
    return [NO_EVIDENCE] if said_none else None


def says_that_is_all(text: str) -> bool:
    """「就这些」「只有聊天记录」「没有别的了」: no more evidence to add."""
    return any(word in text for word in _ALL_SAID_WORDS)


def evidence_labels(codes: list[str]) -> str:
    """「工资条/银行流水、聊天记录」, or 「暂无证据」."""
    labels = [EVIDENCE[code][0] for code in codes if code in EVIDENCE]
    return "、".join(labels) if labels else "暂无证据"


def yes_no(text: str) -> bool | None:
    """Whether the answer to 「您是进城务工人员吗」 is yes (「是的」「农民工」) or no (「不是」「本地人」)."""
    lowered = text.strip().lower()
    if is_unknown(lowered):
        return None
    if any(word in lowered for word in _NO_WORDS):
        return False
    if any(word in lowered for word in _YES_WORDS):
        return True
    return None
