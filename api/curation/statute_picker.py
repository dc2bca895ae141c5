"""The statute picker behind the entry editor and the spreadsheet import's error report.

Staff choose a law by any of its names (full title, short name or an alias of
``knowledge_base/law_aliases.yml``), then an article by number (Arabic or
Chinese numerals), and quote from the article text they are shown — so a quote
is verbatim by construction. When a typed quote is refused, ``misquoted``
finds the article texts to show beside the reason. Whether a quote is in its
article is decided by ``knowledge_base.validator.check_citation`` alone.
"""

from __future__ import annotations

from pydantic import BaseModel

from api.curation.errors import CurationError
from knowledge_base.numerals import parse_article
from knowledge_base.schema import Citation
from knowledge_base.statutes import Law, StatuteCorpus, default_corpus, normalize_name
from knowledge_base.validator import check_citation

MAX_LAWS = 20


class LawOut(BaseModel):
    title: str
    short_name: str
    version: str | None
    articles: int


class ArticleText(BaseModel):
    """One article as the picker shows it; ``quote`` is the refused quote when shown beside an error."""

    law: str
    short_name: str
    article: str
    text: str
    quote: str = ""


def _names(corpus: StatuteCorpus) -> dict[int, list[str]]:
    """Every folded name (titles, short names, aliases) of each law, by the law's identity."""
    names: dict[int, list[str]] = {}
    for name in corpus.names():
        law = corpus.find(name)
        if law is not None:
            names.setdefault(id(law), []).append(name)
    return names


def find_laws(query: str, corpus: StatuteCorpus | None = None, limit: int = MAX_LAWS) -> list[LawOut]:
    """Laws any of whose names contains ``query`` (exact names first); every law for an empty query."""
    corpus = corpus or default_corpus()
    wanted = normalize_name(query)
    names = _names(corpus)
    ranked: list[tuple[int, int, Law]] = []
    for position, law in enumerate(corpus.laws):
        own = names.get(id(law), [])
        if wanted and not any(wanted in name for name in own):
            continue
        exact = 0 if wanted in own else 1
        ranked.append((exact, position if not wanted else len(law.short_name), law))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [
        LawOut(title=law.title, short_name=law.short_name, version=law.version, articles=len(law.articles))
        for _, _, law in ranked[: limit if wanted else None]
    ]


def article_text(law_name: str, article: str, corpus: StatuteCorpus | None = None) -> ArticleText:
    """The text of one article, or a ``CurationError`` (404/422) saying in Chinese what could not be found."""
    corpus = corpus or default_corpus()
    law = corpus.find(law_name)
    if law is None:
        raise CurationError(404, f"法规“{law_name}”不在法条库中，请从列表中选择")
    try:
        number = parse_article(article)
        label = number.label()
    except ValueError:
        raise CurationError(422, f"“{article}”不是有效的条号，请填写如“第三十条”或“30”") from None
    text = law.article(number)
    if text is None:
        raise CurationError(404, f"《{law.short_name}》没有{label}")
    return ArticleText(law=law.title, short_name=law.short_name, article=label, text=text)


def _citations(data: dict) -> list[dict]:
    cited = [c for c in data.get("citations") or [] if isinstance(c, dict)]
    cited += [d.get("citation") or {} for d in data.get("deadlines") or [] if isinstance(d, dict)]
    return [c for c in cited if isinstance(c, dict)]


def misquoted(data: dict, corpus: StatuteCorpus | None = None) -> list[ArticleText]:
    """The articles whose quote in ``data`` (citations and deadlines) the validator refuses, with their text.

    Only citations whose law and article exist are listed: there is an article text to show and quote from.
    """
    corpus = corpus or default_corpus()
    shown: list[ArticleText] = []
    for cited in _citations(data):
        law, article, quote = (str(cited.get(key) or "") for key in ("law", "article", "quote"))
        if not (law and article):
            continue
        try:
            found = article_text(law, article, corpus)
        except CurationError:
            continue
        citation = Citation.model_construct(law=law, article=article, quote=quote)
        if check_citation(citation, corpus) is not None:
            shown.append(found.model_copy(update={"quote": quote}))
    return shown
