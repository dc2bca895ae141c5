"""The topic map (``knowledge_base/topic_map.yml``): every situation of every area, with the entries answering it."""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge_base.loader import load_knowledge_base
from knowledge_base.schema import Area

TOPIC_MAP = Path(__file__).resolve().parents[3] / "knowledge_base" / "topic_map.yml"


def test_the_topic_map_names_real_entries_of_the_right_area_under_every_area():
    topics = yaml.safe_load(TOPIC_MAP.read_text(encoding="utf-8"))
    assert set(topics) == {area.value for area in Area}
    entries = load_knowledge_base().by_id()
    for area, situations in topics.items():
        assert situations, f"{area} lists no situations"
        for situation, ids in situations.items():
            assert isinstance(ids, list), f"{area} / {situation}: a list of entry ids ([] for a gap)"
            unknown = [i for i in ids if i not in entries]
            assert not unknown, f"{area} / {situation}: unknown entries {unknown}"
            other_area = [i for i in ids if entries[i].area.value != area]
            assert not other_area, f"{area} / {situation}: entries of another area {other_area}"


def test_most_entries_are_placed_on_the_map():
    topics = yaml.safe_load(TOPIC_MAP.read_text(encoding="utf-8"))
    mapped = {i for situations in topics.values() for ids in situations.values() for i in ids}
    entries = load_knowledge_base().entries
    assert len(mapped) >= 0.9 * len(entries)
