"""Chinese tokenisation for keyword retrieval: jieba with the project's legal-term dictionary.

The same user dictionary feeds Rasa's JiebaTokenizer (``bot/jieba_dict``), so
NLU and BM25 cut 拖欠工资, 劳动仲裁 or 遗赠扶养协议 the same way.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import jieba

USER_DICT_DIR = Path(__file__).resolve().parents[2] / "bot" / "jieba_dict"
STOPWORDS = set(
    "的 了 吗 呢 吧 啊 呀 么 嘛 和 与 及 或 是 在 有 我 你 他 她 我们 他们 这 那 个 就 都 也 还 要 会 能 "
    "怎么 怎么办 如何 什么 请问 一下 可以 应该 没有 不 被 把 给 对 让 从 到 为 之 其 该 些".split()
)
_KEEP = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]")


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for path in sorted(USER_DICT_DIR.glob("*.txt")):
        tokenizer.load_userdict(str(path))
    return tokenizer


def tokenize(text: str) -> list[str]:
    """Content words of ``text``: jieba tokens, lower-cased, without stopwords and punctuation."""
    tokens = []
    for token in _tokenizer().lcut(text.lower()):
        token = token.strip()
        if token and token not in STOPWORDS and _KEEP.search(token):
            tokens.append(token)
    return tokens
