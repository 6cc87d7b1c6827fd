"""The standards register (标准库): add and change standards, mark them replaced or withdrawn."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhijian.core import audit, events

from ..models import Standard, StandardStatus
from ..standard_numbers import StandardNumberError, parse_standard_number
from .common import QualityError, record, require


def standard_state(standard: Standard) -> dict:
    return {
        "number": standard.number,
        "name": standard.name,
        "status": standard.status,
        "issued_on": standard.issued_on,
        "effective_on": standard.effective_on,
        "withdrawn_on": standard.withdrawn_on,
        "replaced_by": standard.replaced_by.number if standard.replaced_by else None,
    }


def _parsed(number: str):
    try:
        return parse_standard_number(number)
    except StandardNumberError as exc:
        raise QualityError("bad_standard_number", str(exc), {"number": str(exc)}) from None


def _check_dates(issued_on, effective_on) -> None:
    if issued_on and effective_on and effective_on < issued_on:
        raise QualityError(
            "bad_dates", "实施日期不能早于发布日期", {"effective_on": "实施日期不能早于发布日期"}
        )


def save_standard(
    *,
    actor,
    number: str,
    name: str,
    status: str = StandardStatus.CURRENT,
    issued_on: dt.date | None = None,
    effective_on: dt.date | None = None,
    withdrawn_on: dt.date | None = None,
    replaced_by: str = "",
) -> tuple[Standard, str]:
    """Create or update the standard with ``number``; return it and 'created', 'changed' or 'unchanged'.

    The number is validated and kept in its canonical form; ``replaced_by`` names a standard already
    in the register (the replaced standard's status becomes 被代替).
    """
    require(actor, "quality.standard.change", "只有市局可以维护标准库")
    parsed = _parsed(number)
    if not name.strip():
        raise QualityError("name_missing", "请填写标准名称", {"name": "请填写标准名称"})
    if status not in StandardStatus.values:
        raise QualityError("bad_status", "标准状态无效")
    _check_dates(issued_on, effective_on)
    successor = None
    if replaced_by.strip():
        successor = Standard.objects.filter(number=_parsed(replaced_by).number).first()
        if successor is None:
            raise QualityError(
                "successor_unknown",
                f"代替标准“{replaced_by}”不在标准库中，请先录入",
                {"replaced_by": "不在标准库中"},
            )
        if successor.number == parsed.number:
            raise QualityError("successor_self", "标准不能被自身代替", {"replaced_by": "不能是本标准"})
        status = StandardStatus.REPLACED
    with transaction.atomic():
        standard = Standard.objects.select_for_update().filter(number=parsed.number).first()
        before = standard_state(standard) if standard else None
        standard = standard or Standard(number=parsed.number)
        standard.kind, standard.code, standard.year = parsed.kind, parsed.code, parsed.year
        standard.mandatory = parsed.mandatory
        standard.name, standard.status = name.strip(), status
        standard.issued_on, standard.effective_on, standard.withdrawn_on = (
            issued_on,
            effective_on,
            withdrawn_on,
        )
        standard.replaced_by = successor
        after = standard_state(standard)
        if before == after:
            return standard, "unchanged"
        standard.save()
        record(
            actor,
            audit.Change("quality.standard.save", "Standard", str(standard.pk), before, after),
        )
        events.emit(
            "quality.standard_saved",
            {"standard_id": standard.pk, "number": standard.number, "status": standard.status},
        )
    return standard, "created" if before is None else "changed"


def find_standard(number: str) -> Standard:
    """The registered standard with ``number`` (any accepted spelling), or a coded error in Chinese."""
    parsed = _parsed(number)
    standard = Standard.objects.filter(number=parsed.number).first()
    if standard is None:
        raise QualityError("standard_unknown", f"标准“{parsed.number}”不在标准库中，请先由市局录入")
    return standard
