"""Route a legal question by the evidence together: retrieval over every collection, the NLU's areas, the asker's side.

The NLU decides the flow; every legal question (the topical intents,
out-of-scope, and a fallback with legal content) comes here. Retrieval ranks
the entries of all collections with one reciprocal-rank fusion of its lists
(``global_fusion``); the NLU's intent probabilities give each area a prior
(``area_prior``); the asker's side (``asker_side``: worker, employer, older
person …, from the words used and the NLU) favours entries written for that
side and disfavours the opposite side's. By default a learned ranker weighs
this evidence per candidate (``candidate_features``, ``learned_rank``; fitted by
``farun fit-ranker``) and its probability decides answer, did-you-mean or
abstain; ``FARUN_RANKER=weights`` uses the hand weights of ``rerank`` and the
cosine threshold instead (the ablation baseline). ``ROUTES`` keeps the old
intent → collection gate, used when ``FARUN_ROUTING=intent`` (the ablation
baseline) and to name a turn's area when no entry was served. Pure: no Rasa
SDK; weights and model were chosen on the project's own labelled sentences.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from knowledge_base.retrieval.fusion import reciprocal_rank_fusion
from knowledge_base.retrieval.ranker import LearnedRanker, default_ranker, learned_mode, sigmoid
from knowledge_base.schema import Area, Collection, Entry, Side


@dataclass(frozen=True)
class Route:
    collection: Collection
    areas: frozenset[str]


ROUTES: dict[str, Route] = {
    "wage_arrears": Route(Collection.FAQ, frozenset({"wage_arrears", "legal_services"})),
    "elderly_services": Route(Collection.FAQ, frozenset({"elderly_services", "legal_services"})),
    "legal_services": Route(Collection.FAQ, frozenset({"legal_services", "wage_arrears", "elderly_services"})),
    "enterprise_risk": Route(Collection.GUIDE, frozenset({"enterprise_risk"})),
    "out_of_scope": Route(Collection.FAQ, frozenset({"other_topics"})),
    # A short form-style answer outside any form (「工伤」「包工头」) is taken as a keyword question.
    "inform": Route(Collection.FAQ, frozenset({"wage_arrears", "elderly_services", "legal_services"})),
}

# The area each topical intent speaks for, when its probability is read as a prior over areas.
INTENT_AREAS: dict[str, Area] = {
    "wage_arrears": Area.WAGE_ARREARS,
    "elderly_services": Area.ELDERLY_SERVICES,
    "legal_services": Area.LEGAL_SERVICES,
    "enterprise_risk": Area.ENTERPRISE_RISK,
    "out_of_scope": Area.OTHER_TOPICS,
    "legal_aid_check": Area.LEGAL_SERVICES,
    "mediation_routing": Area.LEGAL_SERVICES,
    "wage_plan": Area.WAGE_ARREARS,
}
INTENT_SIDES: dict[str, Side] = {
    "wage_arrears": Side.WORKER,
    "enterprise_risk": Side.EMPLOYER,
    "elderly_services": Side.OLDER_PERSON,
}
OPPOSITE = {Side.WORKER: Side.EMPLOYER, Side.EMPLOYER: Side.WORKER}

# score = fused rank score (relative to the best) + cosine to the closest phrasing + the NLU's prior for the
# entry's area + the side term (+ for the asker's side, − for the opposite side; with the side unknown,
# employer-side entries give way to residents' ones) + a bonus when the question is an entry's own phrasing.
DENSE_WEIGHT = 1.0
AREA_WEIGHT = 0.4
SIDE_WEIGHT = 0.2
EXACT_COSINE = 0.98
EXACT_BONUS = 0.5

# The words that tell who is asking about a job: the worker who is owed, or the employer who owes.
_I = "(?:我|俺|本人|咱)"
_FAMILY = "(?:我|俺)(?:爸|妈|父亲|母亲|老公|老婆|丈夫|妻子|媳妇|儿子|女儿|闺女|哥|姐|弟|妹|舅|叔|姨)"
_JOB_MONEY = "(?:工资|工钱|薪|加班费|社保|五险|补偿|提成|押金|奖金|年终奖|工伤|血汗钱)"
WORKER_CUES = [
    re.compile(p)
    for p in (
        rf"(?:欠|拖欠|克扣|扣|不发|不给|没发|没给|押)(?:了)?{_I}(?=.{{0,8}}{_JOB_MONEY})",
        rf"{_I}(?:们)?的(?:工资|工钱|加班费|社保|补偿|提成|押金|身份证)",
        rf"(?:把|将){_I}(?:们)?(?:辞退|开除|解雇|辞了|炒了|开了|裁)",
        rf"{_I}(?:们)?(?:被|让)(?:公司|单位|老板|厂里|领导)?(?:辞退|开除|解雇|辞了|炒|裁|调岗|降薪)",
        rf"{_I}(?:们)?(?:在|给).{{0,12}}(?:上班|打工|干活|做工|工作|干了|做了)",
        rf"{_I}(?:想|要)?(?:辞职|离职|不干了)",
        rf"{_FAMILY}.{{0,12}}(?:工资|工钱|上班|打工|工地|干活|受伤|工伤)",
        r"包工头|工头|班长|老板娘|黑心老板|讨薪|要工钱|农民工",
        r"(?:告|起诉|仲裁|投诉|举报)(?:我们)?(?:公司|单位|老板|厂里|用人单位)",
        rf"(?:老板|公司|单位|厂里|领导|主管)(?:让|叫|要|逼|要求){_I}",
        rf"{_I}是(?!老板|hr|HR|人事|法人|股东)[^，。！？,.!?\s]{{0,12}}?(?:员工|工人|职工|技术员|保安|司机|店员|服务员|操作工|学徒|实习生|保洁|厨师)",
        r"维护(?:自己|我|我们)(?:的)?(?:权益|利益)",
        # colleagues and workmates are a worker's words; an employer says 员工
        rf"(?:{_I}|我们)(?:和|跟)?(?:几个|一些|其他)?(?:同事|工友)",
        # the company (not "we") refuses to pay, orders overtime or announces dismissals
        r"(?:公司|单位|老板|厂里|厂)(?:一直|依然|仍然|还是|就是|迟迟)?(?:不|没|拒绝)(?:补发|发放|发|给|支付|结)(?:工资|工钱|加班费|补偿)",
        r"(?:强行|强迫|逼着?|硬)(?:让|叫|要)?(?:我们|我|员工|工人)?加班|不加班就(?:罚|扣|开除)",
        r"(?:公司|单位|老板|厂里)(?:表示|说|通知|宣布|准备|打算)(?:要)?(?:辞退|开除|解雇|裁员|裁掉)",
        # years served in a job
        r"(?:做|干|当)了.{0,3}年(?:多)?(?:的)?(?:保安|司机|保洁|厨师|服务员|工人|电工|焊工|店员|销售|会计|文员)",
    )
]
EMPLOYER_CUES = [
    re.compile(p)
    for p in (
        rf"{_I}(?:们)?(?:的)?(?:公司|单位|企业|工厂|厂|店|门店|司)(?:的)?(?:员工|职工|工人|店员|服务员)",
        rf"{_I}(?:是|作为)(?:老板|法人|法定代表人|股东|hr|HR|人事|雇主|负责人|个体户)",
        r"(?:辞退|开除|解雇|裁掉|炒掉|裁)(?:这个|那个|一个|一名|几个)?(?:员工|职工|工人|店员|他|她)",
        r"(?:员工|职工|工人|店员)(?:旷工|离职|辞职|不来|不干|受伤|请假|怀孕|偷|泄露|违纪|要求|索要|闹)",
        r"招(?:聘|人|工)|用工风险|新员工|给员工|跟员工|和员工|与员工|员工的",
        rf"{_I}(?:们)?(?:开|办)(?:了)?(?:个|一个|家|一家)?(?:公司|厂|店|网店|作坊)",
        r"(?:我们|我)(?:公司|企业)(?:要|想|该|能|被)",
    )
]


def routing_mode() -> str:
    """``retrieval`` (default: every collection, evidence together) or ``intent`` (the old intent gate)."""
    return os.environ.get("FARUN_ROUTING", "retrieval").strip().lower()


def side_aware() -> bool:
    return os.environ.get("FARUN_SIDE_AWARE", "1").strip().lower() not in {"0", "off", "false", "no"}


def area_prior(ranking: list[dict]) -> dict[Area, float]:
    """The NLU's intent ranking read as a probability per area (intents without an area are left out)."""
    prior: dict[Area, float] = {}
    for item in ranking:
        area = INTENT_AREAS.get(item.get("name") or "")
        if area is not None:
            prior[area] = prior.get(area, 0.0) + float(item.get("confidence") or 0.0)
    return prior


SIDE_AREAS = {Side.WORKER: Area.WAGE_ARREARS, Side.EMPLOYER: Area.ENTERPRISE_RISK}


def sided_prior(prior: dict[Area, float], asker: Side | None) -> dict[Area, float]:
    """The prior without the opposite side's labour area: the asker's own words outweigh the NLU's guess."""
    opposite = SIDE_AREAS.get(OPPOSITE.get(asker))  # type: ignore[arg-type]
    return {area: p for area, p in prior.items() if area is not opposite}


def _cue_count(cues: list[re.Pattern], text: str) -> int:
    return sum(1 for cue in cues if cue.search(text))


def asker_side(text: str, ranking: list[dict]) -> Side | None:
    """Who is asking: the side the words say, else the side of the top topical intent; None when unclear."""
    worker, employer = _cue_count(WORKER_CUES, text), _cue_count(EMPLOYER_CUES, text)
    if worker != employer:
        return Side.WORKER if worker > employer else Side.EMPLOYER
    topical = [item for item in ranking if (item.get("name") or "") in INTENT_AREAS]
    if topical:
        return INTENT_SIDES.get(topical[0]["name"])
    return None


@dataclass
class Candidate:
    """A retrieved entry with its evidence: the fused rank score and the score after priors."""

    hit: object  # knowledge_base.retrieval.pipeline.Hit
    fused: float
    score: float = 0.0
    confidence: float = 0.0  # how sure the router is of this entry: the learned probability, or the cosine
    reasons: list[str] = field(default_factory=list)

    @property
    def entry(self) -> Entry:
        return self.hit.entry


FUSION_LISTS = ("dense", "second_dense", "answer_dense", "keyword")


def global_fusion(hits: list) -> list[Candidate]:
    """One reciprocal-rank fusion over the hits of every collection (each list re-ranked across collections)."""
    rankings = []
    for name in FUSION_LISTS:
        scored = [hit for hit in hits if getattr(hit, name, 0.0) > 0.0]
        scored.sort(key=lambda hit: getattr(hit, name), reverse=True)
        rankings.append([id(hit) for hit in scored])
    fused = dict(reciprocal_rank_fusion(rankings))
    return sorted((Candidate(hit, fused.get(id(hit), 0.0)) for hit in hits), key=lambda c: c.fused, reverse=True)


def side_term(entry_side: Side, asker: Side | None) -> float:
    if entry_side is Side.ANY:
        return 0.0
    if asker is None:
        return -SIDE_WEIGHT / 2 if entry_side is Side.EMPLOYER else 0.0
    if entry_side is asker:
        return SIDE_WEIGHT
    if OPPOSITE.get(asker) is entry_side:
        return -SIDE_WEIGHT
    return 0.0


def rerank(candidates: list[Candidate], prior: dict[Area, float], asker: Side | None) -> list[Candidate]:
    """Candidates ordered by the evidence together (see ``DENSE_WEIGHT`` …)."""
    best = max((c.fused for c in candidates), default=0.0) or 1.0
    for candidate in candidates:
        dense = float(getattr(candidate.hit, "dense", 0.0))
        candidate.confidence = dense
        candidate.score = (
            candidate.fused / best
            + DENSE_WEIGHT * dense
            + AREA_WEIGHT * prior.get(candidate.entry.area, 0.0)
            + side_term(candidate.entry.side, asker)
            + (EXACT_BONUS if dense >= EXACT_COSINE else 0.0)
        )
    return sorted(candidates, key=lambda c: c.score, reverse=True)


SEARCH_DEPTH = 200  # entries retrieved across collections (the union of every list) before the evidence is weighed
LEARNED_POOL = 40  # candidates (by fused rank) the learned ranker scores
LISTS = (("dense", "dense"), ("second", "second_dense"), ("answer", "answer_dense"), ("keyword", "keyword"))
FEATURES = (
    *(name for name, _ in LISTS),
    *(f"{name}_gap" for name, _ in LISTS),
    "fused",
    *(f"{name}_rank" for name, _ in LISTS),
    "area_prior",
    "same_side",
    "opposite_side",
    "employer_side_unknown",
    "guide",
    "other_topics",
    "legal_services",
    "long_dense",
    "long_second",
    "long_answer",
)


def _list_score(hit, attribute: str) -> float:
    value = float(getattr(hit, attribute, 0.0) or 0.0)
    return math.log1p(value) if attribute == "keyword" else value


def candidate_features(candidates: list[Candidate], prior: dict[Area, float], asker: Side | None, text: str):
    """The evidence for each candidate (``FEATURES``, one dict per candidate): its score in each list and its
    gap to the list's best, its fused score relative to the best, 1/rank in each list across collections, the
    NLU's prior for its area, whether it is written for the asker's side or the opposite one, its kind, and
    the question's length times each cosine (long stories lean on the answer text)."""
    best = {name: max((_list_score(c.hit, attribute) for c in candidates), default=0.0) for name, attribute in LISTS}
    ranks: dict[str, dict[int, int]] = {}
    for name, attribute in LISTS:
        scored = sorted(
            (c for c in candidates if _list_score(c.hit, attribute) > 0), key=lambda c: -_list_score(c.hit, attribute)
        )
        ranks[name] = {id(c): rank for rank, c in enumerate(scored, 1)}
    best_fused = max((c.fused for c in candidates), default=0.0) or 1.0
    length = math.log1p(len(text))
    rows = []
    for candidate in candidates:
        entry, hit = candidate.entry, candidate.hit
        values = {name: _list_score(hit, attribute) for name, attribute in LISTS}
        values.update({f"{name}_gap": values[name] - best[name] for name, _ in LISTS})
        values["fused"] = candidate.fused / best_fused
        values.update(
            {
                f"{name}_rank": 1.0 / ranks[name][id(candidate)] if id(candidate) in ranks[name] else 0.0
                for name, _ in LISTS
            }
        )
        side = side_term(entry.side, asker) if asker is not None else 0.0
        values.update(
            area_prior=prior.get(entry.area, 0.0),
            same_side=float(side > 0),
            opposite_side=float(side < 0),
            employer_side_unknown=float(asker is None and entry.side is Side.EMPLOYER),
            guide=float(entry.collection is Collection.GUIDE),
            other_topics=float(entry.area is Area.OTHER_TOPICS),
            legal_services=float(entry.area is Area.LEGAL_SERVICES),
            long_dense=length * values["dense"],
            long_second=length * values["second"],
            long_answer=length * values["answer"],
        )
        rows.append(values)
    return rows


def probability(score: float) -> float:
    """The learned ranker's probability for a candidate's ``score`` (its logit)."""
    return sigmoid(score)


def learned_rank(
    candidates: list[Candidate], prior: dict[Area, float], asker: Side | None, text: str, ranker: LearnedRanker
) -> list[Candidate]:
    """The first ``LEARNED_POOL`` candidates by fused rank, ordered by the learned ranker's ``rank_score``
    (``score``: its logit, whose probability decides answer, offer or abstain).

    A question that is one of an entry's own phrasings (``exact``) puts that entry first: staff wrote it for
    exactly this question, whatever the model would weigh (the project's own questions never repeat a phrasing,
    so the model cannot learn this). With the asker's side known, the opposite side's entries come last: a
    worker is answered from worker entries, an employer from the guide (the own questions rarely cross sides, so
    the model gives the opposite side almost no weight of its own)."""
    pool = candidates[:LEARNED_POOL]
    order: dict[int, float] = {}
    for candidate, values in zip(pool, candidate_features(pool, prior, asker, text)):
        candidate.score = ranker.logit(values)
        candidate.confidence = probability(candidate.score)
        order[id(candidate)] = ranker.rank_score(values)
    opposite = OPPOSITE.get(asker)  # type: ignore[arg-type]
    return sorted(pool, key=lambda c: (exact(c), c.entry.side is not opposite, order[id(c)]), reverse=True)


def exact(candidate: Candidate) -> bool:
    """The question is (nearly word for word) one of the entry's phrasings."""
    return float(getattr(candidate.hit, "dense", 0.0)) >= EXACT_COSINE


def related(candidates: list[Candidate], chosen: Entry, count: int = 2) -> list[Entry]:
    """The next entries of the chosen entry's area, in ranked order: the 「相关问题」 under an answer."""
    return [c.entry for c in candidates if c.entry.id != chosen.id and c.entry.area is chosen.area][:count]


OUT_OF_SCOPE_EXTRA = 0.10  # hand weights: an out-of-scope question gets a topical answer this far above the threshold
REFERRAL_AREAS = {Area.OTHER_TOPICS}
SIDE_SWAP_WINDOW = 5


@dataclass
class Decision:
    """What the answer step does with a legal question, and the entries it rests on."""

    kind: str  # answer | did_you_mean | abstain | referral
    entries: list[Entry] = field(default_factory=list)  # answered (first) or offered
    scores: list[float] = field(default_factory=list)
    related: list[Entry] = field(default_factory=list)  # 「相关问题」 or the other side's entry
    candidates: list[Candidate] = field(default_factory=list)
    side: Side | None = None


@dataclass
class Judge:
    """How sure the router is: ``answer`` (sure enough to answer; ``strict`` for a question the NLU took for another
    topic, which gets a topical answer only when retrieval is clearly right), ``offer`` (good enough to
    offer or to orient), ``offered`` (what a did-you-mean shows) and ``unsure`` (whether to offer, not answer)."""

    answer: Callable[[Candidate, float], bool]
    offer: Callable[[Candidate], bool]
    offered: Callable[[list[Candidate]], list[Candidate]]
    unsure: Callable[[list[Candidate]], bool]
    swap_sides: bool


def threshold_judge(policy) -> Judge:
    """The hand-set cosine threshold and did-you-mean margin of ``policy`` (``FARUN_RANKER=weights``)."""

    def sure(candidate: Candidate, strict: bool = False) -> bool:
        return policy.confident([candidate.hit.dense - (OUT_OF_SCOPE_EXTRA if strict else 0.0)])

    return Judge(
        answer=sure,
        offer=sure,
        offered=lambda candidates: [c for c in candidates[:3] if sure(c)],
        unsure=lambda offered: (
            len(offered) >= 2
            and policy.ambiguous([c.hit.dense for c in offered[:2]], [c.hit.keyword for c in offered[:2]])
        ),
        swap_sides=True,
    )


def learned_judge(ranker: LearnedRanker) -> Judge:
    """The learned ranker's probability against its fitted ``answer_at`` and ``offer_at``."""
    return Judge(
        answer=lambda candidate, strict=False: (
            exact(candidate) or probability(candidate.score) >= (ranker.out_of_scope_at if strict else ranker.answer_at)
        ),
        offer=lambda candidate: exact(candidate) or probability(candidate.score) >= ranker.offer_at,
        offered=lambda candidates: candidates[:3],
        unsure=lambda offered: not exact(offered[0]) and probability(offered[0].score) < ranker.answer_at,
        swap_sides=False,
    )


def _side_swapped(candidates: list[Candidate], judge: Judge, asker: Side | None) -> list[Candidate]:
    """With the side unclear, a resident's (worker's) entry that fits goes before an employer's: answer the resident."""
    top = candidates[0]
    if asker is not None or top.entry.side is not Side.EMPLOYER:
        return candidates
    for candidate in candidates[1:SIDE_SWAP_WINDOW]:
        if candidate.entry.side is Side.WORKER and judge.offer(candidate):
            return [candidate, top] + [c for c in candidates[1:] if c is not candidate]
    return candidates


def ranked(text: str, ranking: list[dict], hits: list, policy) -> tuple[list[Candidate], Judge, Side | None]:
    """The candidates in the order the router weighs them, the judge of how sure it is, and the asker's side."""
    asker = asker_side(text, ranking) if side_aware() else None
    prior = sided_prior(area_prior(ranking), asker)
    ranker = default_ranker() if learned_mode() else None
    if ranker is not None:
        return learned_rank(global_fusion(hits), prior, asker, text, ranker), learned_judge(ranker), asker
    return rerank(global_fusion(hits), prior, asker), threshold_judge(policy), asker


def _did_you_mean(offered: list[Candidate], candidates: list[Candidate], asker: Side | None) -> Decision:
    """Offer ``offered`` to choose from (did-you-mean)."""
    return Decision(
        "did_you_mean",
        [c.entry for c in offered],
        [c.hit.dense for c in offered],
        candidates=candidates[:3],
        side=asker,
    )


def decide(text: str, ranking: list[dict], hits: list, policy, origin: str = "topical") -> Decision:
    """The answer to a legal question from every collection's ``hits`` (``origin``: topical, out_of_scope, fallback).

    The learned ranker's probability (or, with ``FARUN_RANKER=weights``, the raw cosine threshold and the
    did-you-mean margin of ``policy``) decides: answer, offer the best three, refer, or abstain. A question the
    NLU took for another legal topic (``out_of_scope``) or could not place (``fallback``) gets a topical answer
    only when retrieval clears the stricter out-of-scope bar; below it, the first is referred (with an orientation
    entry when one fits) and the second is offered the best entries to choose from.
    """
    candidates, judge, asker = ranked(text, ranking, hits, policy)
    if not candidates or not judge.offer(candidates[0]):
        # The NLU took it for another legal topic and nothing here fits: say so and where to go, not 「没有把握」.
        kind = "referral" if origin == "out_of_scope" else "abstain"
        return Decision(kind, candidates=candidates[:3], side=asker)
    if judge.swap_sides:
        candidates = _side_swapped(candidates, judge, asker)
    top = candidates[0]
    if origin == "fallback" and top.entry.area not in REFERRAL_AREAS and not judge.answer(top, True):
        # The NLU could not tell the topic: answer only when retrieval is clearly right, else let the user choose.
        offered = judge.offered(candidates)
        if len(offered) >= 2:
            return _did_you_mean(offered, candidates, asker)
        return Decision("abstain", candidates=candidates[:3], side=asker)
    if origin == "out_of_scope" and top.entry.area not in REFERRAL_AREAS | {Area.LEGAL_SERVICES}:
        if not judge.answer(top, True):
            orientation = next((c for c in candidates if c.entry.area in REFERRAL_AREAS and judge.offer(c)), None)
            entries = [orientation.entry] if orientation else []
            scores = [orientation.hit.dense] if orientation else []
            return Decision("referral", entries, scores, candidates=candidates[:3], side=asker)
    if top.entry.area in REFERRAL_AREAS:
        return Decision("referral", [top.entry], [top.hit.dense], candidates=candidates[:3], side=asker)
    offered = judge.offered([c for c in candidates if OPPOSITE.get(asker) is not c.entry.side])  # type: ignore[arg-type]
    if len(offered) >= 2 and judge.unsure(offered):
        return _did_you_mean(offered, candidates, asker)
    return Decision(
        "answer",
        [top.entry],
        [top.hit.dense],
        related=related(candidates, top.entry),
        candidates=candidates[:3],
        side=asker,
    )
