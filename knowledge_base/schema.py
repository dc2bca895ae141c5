"""Pydantic models for knowledge-base entries: the contract every entry file meets.

An entry is either a resident FAQ answer (collection ``faq``) or one item of
the enterprise legal-risk guide (collection ``guide``, with its issue and item
number, the risk, how to prevent it and an optional illustrative case). Every
entry carries the questions users ask, its statute citations and next steps.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator


class Collection(str, Enum):
    FAQ = "faq"
    GUIDE = "guide"


class Area(str, Enum):
    WAGE_ARREARS = "wage_arrears"
    ELDERLY_SERVICES = "elderly_services"
    LEGAL_SERVICES = "legal_services"
    OTHER_TOPICS = "other_topics"
    ENTERPRISE_RISK = "enterprise_risk"


# Enterprise questions beyond the guide's 169 items are FAQ entries of area enterprise_risk.
FAQ_AREAS = {Area.WAGE_ARREARS, Area.ELDERLY_SERVICES, Area.LEGAL_SERVICES, Area.OTHER_TOPICS, Area.ENTERPRISE_RISK}
SUMMARY_MAX_CHARS = 60


class Side(str, Enum):
    """Whose question an entry answers: routing prefers entries on the asker's side."""

    WORKER = "worker"
    EMPLOYER = "employer"
    OLDER_PERSON = "older_person"
    FAMILY = "family"
    ANY = "any"


class Citation(BaseModel):
    """A statute an answer rests on, with a short verbatim quote of the article."""

    model_config = ConfigDict(extra="forbid")

    law: str = Field(min_length=2, description="law title or short name, e.g. 劳动合同法")
    article: str = Field(min_length=1, description="article number, e.g. 第八十二条 or 82")
    quote: str = Field(min_length=4, max_length=60, description="verbatim substring of the article")


class Deadline(BaseModel):
    """A time limit that can cost a right, with the statute that sets it."""

    model_config = ConfigDict(extra="forbid")

    what: str = Field(min_length=2, description="what must be done, e.g. 申请劳动仲裁")
    period: str = Field(min_length=1, description="the limit in words, e.g. 自知道权利被侵害之日起一年内")
    citation: Citation


class Entry(BaseModel):
    """One answer in the knowledge base."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    collection: Collection
    area: Area
    title: str = Field(min_length=2)
    summary: str | None = Field(
        default=None,
        min_length=4,
        max_length=SUMMARY_MAX_CHARS,
        description="one sentence that answers directly, shown first",
    )
    side: Side = Field(default=Side.ANY, description="whose question the entry answers")
    questions: list[str] = Field(min_length=1)
    answer_text: str | None = Field(default=None, alias="answer", description="FAQ answer")
    issue: int | None = Field(default=None, ge=1, le=68, description="guide issue number (第N期)")
    item: int | None = Field(default=None, ge=1, description="guide item number within the issue")
    risk: str | None = None
    prevention: str | None = None
    case: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    needs_citation: str | None = Field(
        default=None,
        min_length=4,
        description="a rule the answer states without an article because its text is not in the corpus yet, "
        "e.g. 烟草专卖法未收录：无证经营烟草的处罚; shown to staff for review",
    )

    @field_validator("questions")
    @classmethod
    def _questions_not_blank(cls, questions: list[str]) -> list[str]:
        cleaned = [q.strip() for q in questions]
        if any(not q for q in cleaned):
            raise ValueError("「用户问法」中有空白的一条")
        return cleaned

    @model_validator(mode="after")
    def _shape_matches_collection(self) -> "Entry":
        if self.collection is Collection.GUIDE:
            if self.area is not Area.ENTERPRISE_RISK:
                raise ValueError(f"企业法律风险指引条目的「领域」必须是 {Area.ENTERPRISE_RISK.value}")
            missing = [
                label
                for label, value in (
                    ("期号", self.issue),
                    ("条目序号", self.item),
                    ("风险", self.risk),
                    ("防范", self.prevention),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"企业法律风险指引条目必须填写{'、'.join(f'「{label}」' for label in missing)}")
        else:
            if self.area not in FAQ_AREAS:
                areas = "、".join(sorted(a.value for a in FAQ_AREAS))
                raise ValueError(f"居民常见问题的「领域」只能是 {areas} 之一")
            if not self.answer_text:
                raise ValueError("居民常见问题必须填写「解答」")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def answer(self) -> str:
        """The text shown to the user: the FAQ answer, or the guide item's risk and prevention."""
        if self.collection is Collection.FAQ:
            return self.answer_text or ""
        parts = [f"【风险】{self.risk}", f"【防范】{self.prevention}"]
        if self.case:
            parts.append(f"【示例（虚构案例）】{self.case}")
        return "\n".join(parts)

    def to_record(self) -> dict:
        """A flat dict of the schema fields, as exported and served by the API."""
        return self.model_dump(mode="json", exclude={"answer_text"})


class GuideIssue(BaseModel):
    """One issue (期) of the enterprise guide: its number and theme."""

    model_config = ConfigDict(extra="forbid")

    issue: int = Field(ge=1, le=68)
    theme: str = Field(min_length=2)
    topic: str = Field(min_length=2, description="broad topic for browsing, e.g. 劳动用工")
