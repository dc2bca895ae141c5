"""The local services directory: every body the bot sends people to, and the checks on its contact.

The mediation network is curated in ``knowledge_base/services/mediation.yml``
(``knowledge_base.service_data.mediation``); the other bodies residents are
sent to are listed here by name only. Their address, phone, opening hours and
map description are never written in the repository: staff enter them on
/admin/services (``knowledge_base/store/services.py``) and the bot shows them
as soon as they are saved. While a body has none, the bot keeps the hotline
text (``fallback``). ``ContactFields`` is the one rule set for a contact
wherever it is built: a 0519 landline, a mobile number or a national hotline;
address, hours and map description short and without web links.
"""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field, field_validator

from knowledge_base.service_data.base import StrictModel

# A staff-entered phone: a Changzhou landline (0519 + 8 digits), a mobile number, or a national hotline.
PHONE = re.compile(r"^(0519-?[1-9]\d{7}|1[3-9]\d{9}|12348|12333|12315)$")
# The district bodies may also give the government service hotline 12345 (never a mediation committee's number).
DIRECTORY_PHONE = re.compile(r"^(0519-?[1-9]\d{7}|1[3-9]\d{9}|12348|12333|12315|12345)$")
URL = re.compile(r"(?i)https?:|www\.|\b[a-z0-9-]+\.(com|cn|net|org|gov)\b")
CONTACT_FIELDS = ("address", "phone", "hours", "map_note")


class ContactFields(StrictModel):
    """Address, phone, opening hours and map description of a body, each optional, each checked."""

    phone_rule: ClassVar[re.Pattern[str]] = PHONE

    address: str = Field("", max_length=100)
    phone: str = ""
    hours: str = Field("", max_length=50)  # opening hours
    map_note: str = Field("", max_length=100)  # how to find it: stop, landmark, floor

    @field_validator("phone")
    @classmethod
    def _phone_is_real_looking(cls, phone: str) -> str:
        phone = phone.strip()
        if phone and not cls.phone_rule.match(phone):
            raise ValueError(f"phone {phone!r} is not a 0519 landline, a mobile number or a national hotline")
        return phone

    @field_validator("address", "hours", "map_note")
    @classmethod
    def _no_links(cls, text: str) -> str:
        if URL.search(text):
            raise ValueError(f"{text!r} contains a web address")
        return text.strip()

    def has_contact(self) -> bool:
        return bool(self.address or self.phone)

    def contact_parts(self) -> str:
        """「地址：…，电话：…，开放时间：…，位置：…」 of what is filled in ("" when nothing is)."""
        parts = [
            f"地址：{self.address}" if self.address else "",
            f"电话：{self.phone}" if self.phone else "",
            f"开放时间：{self.hours}" if self.hours else "",
            f"位置：{self.map_note}" if self.map_note else "",
        ]
        return "，".join(part for part in parts if part)


class Service(ContactFields):
    """A body outside the mediation network: names only in the repository, contact from staff."""

    phone_rule: ClassVar[re.Pattern[str]] = DIRECTORY_PHONE

    id: str
    name: str
    handles: str
    mentions: tuple[str, ...] = Field(min_length=1, description="words in a next step that send people here")
    fallback: str = Field(description="what the bot says about reaching it while no contact is saved")

    def contact(self) -> str:
        return self.contact_parts() if self.has_contact() else self.fallback

    def contact_line(self) -> str:
        """「区法律援助中心：地址：…，电话：…」, for a next step that names this body."""
        return f"{self.name}：{self.contact()}"


SERVICES: tuple[Service, ...] = (
    Service(
        id="legal_aid_centre",
        name="区法律援助中心",
        handles="申请免费法律援助（法律咨询、代写文书、指派律师）",
        mentions=("法律援助中心", "申请法律援助"),
        fallback="可拨打12348公共法律服务热线咨询",
    ),
    Service(
        id="public_legal_service_centre",
        name="区公共法律服务中心",
        handles="当面法律咨询、人民调解、法律援助等公共法律服务",
        mentions=("公共法律服务中心",),
        fallback="可拨打12348公共法律服务热线咨询",
    ),
    Service(
        id="labour_arbitration_commission",
        name="区劳动人事争议仲裁委员会",
        handles="欠薪、辞退、加班费、社保等劳动人事争议的仲裁申请",
        mentions=("劳动人事争议仲裁委员会", "劳动争议仲裁委员会", "仲裁委", "申请劳动仲裁"),
        fallback="可拨打12333人社服务热线咨询",
    ),
    Service(
        id="labour_inspection",
        name="区劳动保障监察大队",
        handles="拖欠工资、不签劳动合同、不缴社保等违法行为的投诉举报",
        mentions=("劳动保障监察", "劳动监察"),
        fallback="可拨打12333人社服务热线投诉",
    ),
    Service(
        id="court_service_centre",
        name="区人民法院诉讼服务中心",
        handles="立案、诉讼咨询、诉前调解",
        mentions=("诉讼服务中心", "向法院起诉", "到法院起诉", "法院立案"),
        fallback="可拨打12348公共法律服务热线咨询怎么起诉",
    ),
    Service(
        id="government_hotline",
        name="12345政务服务便民热线",
        handles="向政府部门咨询、反映问题、投诉建议",
        mentions=("12345",),
        fallback="拨打12345",
    ),
)


def services() -> tuple[Service, ...]:
    return SERVICES


def service(service_id: str) -> Service | None:
    return next((s for s in SERVICES if s.id == service_id), None)


def with_service_contacts(contacts: dict[str, dict[str, str]]) -> list[Service]:
    """Every directory body with the staff-entered contact laid over it (unknown ids ignored)."""
    return [s.model_copy(update=contacts[s.id]) if s.id in contacts else s for s in SERVICES]


def mentioned(text: str, bodies: list[Service]) -> list[Service]:
    """The bodies ``text`` (e.g. a next step) sends people to, in directory order."""
    return [body for body in bodies if any(word in text for word in body.mentions)]


def contact_lines(steps: list[str], contacts: dict[str, dict[str, str]]) -> list[str]:
    """One 「name：contact」 line per body the ``steps`` name that has a saved contact; [] while none has.

    While a body's contact is empty the step's own words (「拨打12348…」) are the fallback, so nothing is added.
    """
    bodies = [body for body in with_service_contacts(contacts) if body.has_contact()]
    text = "\n".join(steps)
    return [body.contact_line() for body in mentioned(text, bodies)]
