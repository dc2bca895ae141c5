"""The statute corpus: law names, merged Civil Code books, 之一 articles and the Markdown parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.numerals import ArticleNo
from knowledge_base.statutes import StatuteCorpus, normalize_name

LABOUR_CONTRACT_LAW = "中华人民共和国劳动合同法"


@pytest.mark.parametrize(
    "name", [LABOUR_CONTRACT_LAW, "劳动合同法", "《劳动合同法》", "《中华人民共和国劳动合同法》", " 劳动合同法 "]
)
def test_law_found_by_any_of_its_names(corpus, name):
    law = corpus.find(name)
    assert law is not None and law.title == LABOUR_CONTRACT_LAW
    assert law.short_name == "劳动合同法"
    assert "二倍的工资" in law.article("第八十二条")


@pytest.mark.parametrize("alias", ["劳动争议解释（一）", "劳动争议司法解释（一）", "劳动争议解释(一)"])
def test_law_found_by_alias(corpus, alias):
    law = corpus.find(alias)
    assert law is not None
    assert law.title == "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）"


@pytest.mark.parametrize(
    "alias, title",
    [
        ("劳动争议解释（二）", "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）"),
        ("民间借贷规定", "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"),
        ("延迟退休办法", "国务院关于渐进式延迟法定退休年龄的办法"),
    ],
)
def test_aliases_of_laws_added_later(corpus, alias, title):
    assert corpus.find(alias).title == title


def test_only_the_newest_version_of_a_revised_law_is_loaded(corpus):
    law = corpus.find("企业信息公示暂行条例")
    assert law.version == "2024-03-10"
    assert "企业未按照本条例规定的期限公示年度报告" in law.article("第十八条")
    assert "非法修改公示的企业信息" in law.article("第十七条")
    assert corpus.find("网络安全法").version == "2025-10-28"


def test_civil_code_books_are_one_law(corpus):
    law = corpus.find("民法典")
    assert law is corpus.find("中华人民共和国民法典")
    assert "为了保护民事主体的合法权益" in corpus.article("民法典", "第一条")
    assert "赡养费" in corpus.article("民法典", "第一千零六十七条")
    assert corpus.article("民法典", "1067") == corpus.article("民法典", "第一千零六十七条")
    assert sum(1 for other in corpus.laws if other.title == law.title) == 1


def test_criminal_law_article_276_1(corpus):
    text = corpus.article("刑法", "第二百七十六条之一")
    assert text.startswith("以转移财产、逃匿等方法逃避支付劳动者的劳动报酬")
    assert corpus.article("刑法", "276条之一") == text
    assert corpus.article("刑法", "第二百七十六条") != text
    assert "破坏生产经营" in corpus.article("刑法", "第二百七十六条")


def test_unknown_law_and_missing_article(corpus):
    assert corpus.find("不存在的法") is None
    assert corpus.article("不存在的法", "第一条") is None
    assert corpus.article("劳动合同法", "第九百条") is None
    assert corpus.article("劳动合同法", "第八十二条之一") is None


def test_names_are_longest_first(corpus):
    names = corpus.names()
    assert [len(n) for n in names] == sorted((len(n) for n in names), reverse=True)
    assert "劳动合同法" in names


def test_normalize_name():
    assert normalize_name("《中华人民共和国 劳动法》") == "劳动法"
    assert normalize_name("劳动争议解释(一)") == "劳动争议解释（一）"


TEST_LAW = """# 中华人民共和国测试法

2020年1月1日 第一次会议通过

第九条 这是信息区里的文字，不是条文。

<!-- INFO END -->

## 第一章 总则

第一条 为了测试解析，制定本法。

第二条 第一段内容。

第二段内容，仍属第二条。

第二条之一 这是之一条文。

## 第二章 附则

第十条　本法自公布之日起施行。
"""


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> StatuteCorpus:
    (tmp_path / "社会法").mkdir()
    (tmp_path / "社会法" / "测试法(2020-01-01).md").write_text(TEST_LAW, encoding="utf-8")
    (tmp_path / "README.md").write_text("# 说明\n\n第一条 不是法律。\n", encoding="utf-8")
    aliases = tmp_path / "aliases.yml"
    aliases.write_text("测试: 测试法\n", encoding="utf-8")
    return StatuteCorpus(tmp_path, aliases)


def test_tiny_corpus_law(tiny_corpus):
    assert len(tiny_corpus.laws) == 1
    law = tiny_corpus.laws[0]
    assert (law.title, law.short_name, law.version, law.category) == (
        "中华人民共和国测试法",
        "测试法",
        "2020-01-01",
        "社会法",
    )
    for name in ("测试法", "中华人民共和国测试法", "《测试法》", "测试"):
        assert tiny_corpus.find(name) is law


def test_tiny_corpus_articles(tiny_corpus):
    law = tiny_corpus.find("测试法")
    assert list(law.articles) == [ArticleNo(1), ArticleNo(2), ArticleNo(2, 1), ArticleNo(10)]
    assert law.article("第一条") == "为了测试解析，制定本法。"
    assert law.article("2") == "第一段内容。\n第二段内容，仍属第二条。"
    assert law.article("第二条之一") == "这是之一条文。"
    assert law.article("第十条") == "本法自公布之日起施行。"


def test_alias_to_unknown_law_is_an_error(tmp_path):
    (tmp_path / "社会法").mkdir()
    (tmp_path / "社会法" / "测试法(2020-01-01).md").write_text(TEST_LAW, encoding="utf-8")
    aliases = tmp_path / "aliases.yml"
    aliases.write_text("别名: 没有这部法\n", encoding="utf-8")
    with pytest.raises(ValueError, match="没有这部法"):
        StatuteCorpus(tmp_path, aliases)
