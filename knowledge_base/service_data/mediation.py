"""``knowledge_base/services/mediation.yml``: the district's mediation bodies, the disputes each takes, cited notes.

Address, phone, opening hours and map description of a body are empty until
staff enter them on /admin/services (``knowledge_base/store/services.py``);
``with_contacts`` lays those over the YAML. The contact rules are the
directory's (``ContactFields``: a 0519 landline, a mobile number or a national
hotline), so invented-looking contacts are refused wherever a body is built.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, model_validator

from knowledge_base.schema import Citation
from knowledge_base.service_data.base import StrictModel, load_service
from knowledge_base.service_data.directory import PHONE, URL, ContactFields

__all__ = ["NO_CONTACT", "PHONE", "URL", "Body", "Dispute", "MediationData", "mediation_data", "with_contacts"]

NO_CONTACT = "地址、电话：可拨打12348公共法律服务热线，或向所在村（社区）询问"


class Body(ContactFields):
    id: str
    name: str = Field(min_length=4)
    handles: str

    def contact(self) -> str:
        return self.contact_parts() if self.has_contact() else NO_CONTACT


class Dispute(StrictModel):
    id: str
    label: str
    button: bool = True
    keywords: list[str] = Field(min_length=1)
    bodies: list[str] = Field(min_length=1)


class Note(StrictModel):
    text: str
    citations: list[Citation] = Field(min_length=1)


class MediationData(StrictModel):
    bodies: list[Body] = Field(min_length=1)
    disputes: list[Dispute] = Field(min_length=1)
    free: Note
    confirmation: Note
    not_settled: Note

    @model_validator(mode="after")
    def _references_resolve(self) -> "MediationData":
        body_ids = [b.id for b in self.bodies]
        if len(set(body_ids)) != len(body_ids) or len({d.id for d in self.disputes}) != len(self.disputes):
            raise ValueError("body and dispute ids must be unique")
        for dispute in self.disputes:
            unknown = set(dispute.bodies) - set(body_ids)
            if unknown:
                raise ValueError(f"dispute {dispute.id} names unknown bodies {sorted(unknown)}")
        return self

    def notes(self) -> list[Note]:
        return [self.free, self.confirmation, self.not_settled]

    def dispute(self, dispute_id: str | None) -> Dispute | None:
        return next((d for d in self.disputes if d.id == dispute_id), None)

    def bodies_for(self, dispute: Dispute) -> list[Body]:
        by_id = {b.id: b for b in self.bodies}
        return [by_id[body_id] for body_id in dispute.bodies]


@lru_cache(maxsize=1)
def mediation_data() -> MediationData:
    return load_service("mediation", MediationData)


def with_contacts(data: MediationData, contacts: dict[str, dict[str, str]]) -> MediationData:
    """``data`` with the staff-entered contact (address, phone, hours) replacing the YAML's for each body in it."""
    bodies = [body.model_copy(update=contacts[body.id]) if body.id in contacts else body for body in data.bodies]
    return data.model_copy(update={"bodies": bodies})
