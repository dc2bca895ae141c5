"""The unanswered queue's filters: blank means any, unknown values and backward ranges are refused in Chinese."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from api.curation.queue_filters import QueueFilters


def test_blank_fields_mean_any_and_links_carry_only_what_was_chosen():
    blank = QueueFilters.model_validate({"channel": "", "area": "", "kind": "", "since": "", "until": ""})
    assert blank == QueueFilters() and blank.conditions() == [] and blank.params() == {}
    chosen = QueueFilters.model_validate({"channel": "wechat", "since": "2026-11-01", "sort": "newest"})
    assert chosen.since == date(2026, 11, 1) and len(chosen.conditions()) == 2
    assert chosen.params() == {"channel": "wechat", "since": "2026-11-01", "sort": "newest"}


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"channel": "fax"}, "没有这种渠道“fax”（可选：web、wechat、wecom）"),
        ({"kind": "angry"}, "没有这种问题类型“angry”"),
        ({"sort": "random"}, "没有这种排序“random”"),
        ({"since": "2026-11-02", "until": "2026-11-01"}, "开始日期不能晚于结束日期"),
    ],
)
def test_unknown_values_and_a_backward_range_are_refused_in_chinese(values, reason):
    with pytest.raises(ValidationError, match=reason):
        QueueFilters.model_validate(values)
