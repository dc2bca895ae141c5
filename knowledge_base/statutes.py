"""The statute corpus: law titles, short names and article texts.

Reads the Markdown laws under ``knowledge_base/statutes`` (one file a law,
the Civil Code split into books) and answers "which law is 劳动合同法" and
"what does its Article 82 say". Law names resolve from the full title
(中华人民共和国劳动合同法), the title without 中华人民共和国, the file's short
name, or an alias in ``law_aliases.yml``; article numbers from Chinese or
Arabic numerals, including 之一 articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge_base.numerals import ArticleNo, parse_article, to_int

STATUTES_DIR = Path(__file__).parent / "statutes"
ALIASES_FILE = Path(__file__).parent / "law_aliases.yml"
_PRC = "中华人民共和国"
_ARTICLE_LINE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?[\s\u3000]+(.*)$")
_VERSION = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")


@dataclass
class Law:
    """One law: its full title, version date, source files and articles in order."""

    title: str
    short_name: str
    version: str | None
    category: str
    articles: dict[ArticleNo, str] = field(default_factory=dict)

    def article(self, ref: str | ArticleNo) -> str | None:
        key = ref if isinstance(ref, ArticleNo) else parse_article(ref)
        return self.articles.get(key)


def normalize_name(name: str) -> str:
    """Fold a law name for lookup: no 《》, spaces, 中华人民共和国 prefix; ASCII brackets."""
    name = re.sub(r"[《》\s\u3000]", "", name).replace("(", "（").replace(")", "）")
    return name.removeprefix(_PRC)


def _parse_articles(lines: list[str]) -> dict[ArticleNo, str]:
    articles: dict[ArticleNo, list[str]] = {}
    current: ArticleNo | None = None
    in_body = "<!-- INFO END -->" not in lines
    for raw in lines:
        line = raw.strip()
        if not in_body:
            in_body = line == "<!-- INFO END -->"
            continue
        if not line:
            continue
        if line.startswith("#"):
            current = None
            continue
        match = _ARTICLE_LINE.match(line)
        if match:
            current = ArticleNo(to_int(match.group(1)), to_int(match.group(2)) if match.group(2) else 0)
            articles[current] = [match.group(3).strip()]
        elif current is not None:
            articles[current].append(line)
    return {key: "\n".join(parts) for key, parts in articles.items()}


class StatuteCorpus:
    """All laws in a statutes folder, looked up by any of their names."""

    def __init__(self, root: Path = STATUTES_DIR, aliases_file: Path | None = ALIASES_FILE):
        self.root = root
        self.laws: list[Law] = []
        self._by_name: dict[str, Law] = {}
        self._load()
        if aliases_file and aliases_file.exists():
            for alias, target in (yaml.safe_load(aliases_file.read_text(encoding="utf-8")) or {}).items():
                law = self.find(target)
                if law is None:
                    raise ValueError(f"alias {alias!r} points to unknown law {target!r}")
                self._by_name[normalize_name(alias)] = law

    def _load(self) -> None:
        merged: dict[str, Law] = {}
        for path in sorted(self.root.rglob("*.md")):
            if path.name == "README.md":
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            title = next(line[2:].strip() for line in lines if line.startswith("# "))
            stem_version = _VERSION.search(path.stem)
            category = path.relative_to(self.root).parts[0]
            short = _VERSION.sub("", path.stem) if category != title.removeprefix(_PRC) else category
            if path.parent.name == "民法典":
                short = "民法典"
            law = merged.get(title)
            if law is None:
                law = Law(
                    title=title,
                    short_name=short,
                    version=stem_version.group(1) if stem_version else None,
                    category=category,
                )
                merged[title] = law
                self.laws.append(law)
            law.articles.update(_parse_articles(lines))
        for law in self.laws:
            for name in (law.title, law.short_name):
                self._by_name[normalize_name(name)] = law

    def find(self, name: str) -> Law | None:
        """The law called ``name`` (full title, short name or alias), or None."""
        return self._by_name.get(normalize_name(name))

    def names(self) -> list[str]:
        """Every name a law can be found by, longest first (for matching inside text)."""
        return sorted(self._by_name, key=len, reverse=True)

    def article(self, law_name: str, article: str | ArticleNo) -> str | None:
        law = self.find(law_name)
        return law.article(article) if law else None


@lru_cache(maxsize=1)
def default_corpus() -> StatuteCorpus:
    """The project's statute corpus, parsed once per process."""
    return StatuteCorpus()
