"""``GET /api/statutes/{law}/{article}``: the text of one article."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.models import ArticleOut
from knowledge_base.numerals import parse_article
from knowledge_base.statutes import default_corpus

router = APIRouter(prefix="/api/statutes", tags=["statutes"])


@router.get("/{law}/{article}", response_model=ArticleOut)
def article(law: str, article: str) -> ArticleOut:
    found = default_corpus().find(law)
    if found is None:
        raise HTTPException(status_code=404, detail=f"未找到法律“{law}”")
    try:
        number = parse_article(article)
        label = number.label()  # refuses 0 and numbers no statute reaches (a 20-digit one, say)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=f"“{article}”不是有效的条文序号") from exc
    text = found.article(number)
    if text is None:
        raise HTTPException(status_code=404, detail=f"《{found.title}》没有{label}")
    return ArticleOut(law=found.title, short_name=found.short_name, version=found.version, article=label, text=text)
