"""Personal data of complainants and reporters (个人信息): masked for all but the handling officer.

Masking rules: a name keeps its first character (张*, 欧阳** keeps 欧); a phone keeps its first three
and last four digits (138****1234); an ID number its first and last four characters; an address its
first six characters. The handling officer (``case.handler``) sees a case's data in full only by
asking (``unmask``), and each time is written to the audit chain. A firm never sees a reporter: a
report is out of its scope entirely (``models.jurisdiction_scope``), and the complainant of a
complaint is shown to it masked like to everyone else. Public pages and the API carry no personal
data at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from zhijian.core import audit

from .models import Case


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * len(digits)


def mask_id_number(number: str) -> str:
    number = number.strip()
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_address(address: str) -> str:
    address = address.strip()
    return address[:6] + ("****" if len(address) > 6 else "")


@dataclass(frozen=True)
class Person:
    """The complainant or reporter as one viewer may see them."""

    name: str
    phone: str
    id_number: str
    address: str
    masked: bool
    anonymous: bool


def may_unmask(user, case: Case) -> bool:
    """Only the handling officer may see the data in full."""
    return bool(getattr(user, "is_authenticated", False) and case.handler_id and case.handler_id == user.pk)


def person_of(case: Case, user=None, *, unmasked: bool = False) -> Person:
    """The person as ``user`` sees them; ``unmasked`` only after :func:`unmask` recorded it."""
    if case.anonymous:
        return Person("匿名", "", "", "", True, True)
    if unmasked and may_unmask(user, case):
        return Person(
            case.person_name, case.person_phone, case.person_id_number, case.person_address, False, False
        )
    return Person(
        mask_name(case.person_name),
        mask_phone(case.person_phone),
        mask_id_number(case.person_id_number),
        mask_address(case.person_address),
        True,
        False,
    )


class UnmaskRefused(PermissionError):
    pass


def unmask(*, actor, case: Case, reason: str = "") -> Person:
    """Show the handling officer the data in full, audited (个人信息查看留痕)."""
    if not may_unmask(actor, case):
        raise UnmaskRefused("只有承办人可以查看完整个人信息")
    with transaction.atomic():
        audit.record(
            actor,
            audit.Change(
                "complaints.case.unmask",
                "complaints.Case",
                str(case.pk),
                None,
                {
                    "code": case.code,
                    "fields": ["name", "phone", "id_number", "address"],
                    "reason": reason[:200],
                },
            ),
        )
    return person_of(case, actor, unmasked=True)
