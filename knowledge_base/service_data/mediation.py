"""``knowledge_base/services/mediation.yml``: the district's mediation bodies, the disputes each takes, cited notes.

Address, phone and opening hours of a body are empty until staff enter them
(``knowledge_base/store/contacts.py``); ``with_contacts`` lays those over the
YAML. The phone rule (a 0519 landline, a mobile number or a national hotline)
refuses invented-looking contacts wherever a body is built.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import Field, field_validator, model_validator

from knowledge_base.schema import Citation
from knowledge_base.service_data.base import StrictModel, load_service

NO_CONTACT = "地址、电话：可拨打12348公共法律服务热线，或向所在村（社区）询问"
# A staff-entered phone: a Changzhou landline (0519 + 8 digits), a mobile number, or a national hotline.
PHONE = re.compile(r"^(0519-?[1-9]\d{7}|1[3-9]\d{9}|12348|12333|12315)$")
URL = re.compile(r"(?i)https?:|www\.|\b[a-z0-9-]+\.(com|cn|net|org|gov)\b")


class Body(StrictModel):
    id: str
    name: str = Field(min_length=4)
    handles: str
    address: str = Field("", max_length=100)
    phone: str = ""
    hours: str = Field("", max_length=50)  # opening hours, optional

    @field_validator("phone")
    @classmethod
    def _phone_is_real_looking(cls, phone: str) -> str:
        phone = phone.strip()
        if phone and not PHONE.match(phone):
            raise ValueError(f"phone {phone!r} is not a 0519 landline, a mobile number or a national hotline")
        return phone

    @field_validator("address", "hours")
    @classmethod
    def _no_links(cls, text: str) -> str:
        if URL.search(text):
            raise ValueError(f"{text!r} contains a web address")
        return text.strip()

    def contact(self) -> str:
        if not self.address and not self.phone:
            return NO_CONTACT
        parts = [
            f"地址：{self.address}" if self.address else "",
            f"电话：{self.phone}" if self.phone else "",
            f"开放时间：{self.hours}" if self.hours else "",
        ]
        return "，".join(part for part in parts if part)


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
