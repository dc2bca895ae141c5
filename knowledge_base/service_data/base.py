"""Load the curated service data under ``knowledge_base/services/`` and check its citations.

Each file there (wage-arrears plan, legal-aid eligibility, mediation bodies,
…) is a YAML document validated against a Pydantic model (a ``StrictModel``:
unknown keys are errors) defined beside it in ``knowledge_base/service_data/``;
every statute citation inside such a model is a ``knowledge_base.schema.Citation``,
so ``citation_problems`` can check all of them against the statute corpus with
the same rule as the knowledge-base validator (law, article, verbatim quote).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict

from knowledge_base.schema import Citation
from knowledge_base.statutes import StatuteCorpus
from knowledge_base.validator import Problem, check_citation

SERVICES_DIR = Path(__file__).resolve().parents[1] / "services"
Model = TypeVar("Model", bound=BaseModel)


class StrictModel(BaseModel):
    """A part of a service file: a key the model does not name is a mistake, not ignored."""

    model_config = ConfigDict(extra="forbid")


def load_service(name: str, model: type[Model], directory: Path = SERVICES_DIR) -> Model:
    """Parse ``<directory>/<name>.yml`` into ``model`` (raises on any schema violation)."""
    data = yaml.safe_load((directory / f"{name}.yml").read_text(encoding="utf-8"))
    return model.model_validate(data)


def _citations(value: object, where: str) -> Iterator[tuple[str, Citation]]:
    if isinstance(value, Citation):
        yield where, value
    elif isinstance(value, BaseModel):
        for field in type(value).model_fields:
            yield from _citations(getattr(value, field), f"{where}.{field}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _citations(item, f"{where}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _citations(item, f"{where}.{key}")


def citations(data: BaseModel, name: str) -> list[tuple[str, Citation]]:
    """Every citation in ``data`` with where it sits, e.g. ``legal_aid.matters[0].citations[0]``."""
    return list(_citations(data, name))


def citation_problems(data: BaseModel, name: str, corpus: StatuteCorpus) -> list[Problem]:
    """Citations in ``data`` whose law, article or quote does not check out."""
    problems = []
    for where, citation in citations(data, name):
        reason = check_citation(citation, corpus)
        if reason:
            problems.append(Problem(where, reason))
    return problems
