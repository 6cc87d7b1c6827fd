"""The standards register (标准库): add and change standards, mark them replaced or withdrawn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


@dataclass(frozen=True)
class StandardRow:
    """One validated row of a standards list: the canonical number and the successor's, if any."""

    number: str
    name: str
    status: str
    issued_on: dt.date | None
    effective_on: dt.date | None
    replaced_by: str = ""


CHUNK = 5000


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def save_standards(*, actor, rows: list[StandardRow]) -> dict[str, int]:
    """Create or update many standards at once (the list import's write path); one transaction.

    The same outcome as :func:`save_standard` row by row — canonical numbers, 被代替 for a row with a
    successor, only real differences written — but set-based: existing rows are read in chunks, new
    ones inserted and changed ones updated in bulk, the audit entries and events written in bulk.
    A successor may be another row of ``rows`` or a standard already registered.
    """
    require(actor, "quality.standard.change", "只有市局可以维护标准库")
    counts = {"created": 0, "changed": 0, "unchanged": 0}
    with transaction.atomic():
        numbers = [r.number for r in rows]
        existing: dict[str, Standard] = {}
        for chunk in _chunks(numbers):
            for standard in (
                Standard.objects.select_for_update(of=("self",))
                .filter(number__in=chunk)
                .select_related("replaced_by")
            ):
                existing[standard.number] = standard
        successors = sorted({r.replaced_by for r in rows if r.replaced_by} - set(numbers))
        ids: dict[str, int] = {s.number: s.pk for s in existing.values()}
        for chunk in _chunks(successors):
            ids.update(Standard.objects.filter(number__in=chunk).values_list("number", "pk"))
        missing = [s for s in successors if s not in ids]
        if missing:
            raise QualityError("successor_unknown", f"代替标准“{missing[0]}”不在标准库中，请先录入")
        befores: dict[str, dict | None] = {}
        to_create: list[Standard] = []
        to_update: list[Standard] = []
        touched: list[tuple[Standard, str]] = []
        for row in rows:
            parsed = _parsed(row.number)
            found = existing.get(row.number)
            before = standard_state(found) if found else None
            after = {
                "number": parsed.number,
                "name": row.name,
                "status": StandardStatus.REPLACED if row.replaced_by else row.status,
                "issued_on": row.issued_on,
                "effective_on": row.effective_on,
                "withdrawn_on": found.withdrawn_on if found else None,
                "replaced_by": row.replaced_by or None,
            }
            if before == after:
                counts["unchanged"] += 1
                continue
            standard = found or Standard(number=parsed.number)
            standard.kind, standard.code, standard.year = parsed.kind, parsed.code, parsed.year
            standard.mandatory, standard.name, standard.status = parsed.mandatory, row.name, after["status"]
            standard.issued_on, standard.effective_on = row.issued_on, row.effective_on
            (to_update if before else to_create).append(standard)
            befores[parsed.number] = before
            touched.append((standard, row.replaced_by))
        Standard.objects.bulk_create(to_create, batch_size=2000)
        ids.update({s.number: s.pk for s in to_create})
        for standard, successor in touched:
            standard.replaced_by_id = ids[successor] if successor else None
        fields = [
            "kind",
            "code",
            "year",
            "mandatory",
            "name",
            "status",
            "issued_on",
            "effective_on",
            "replaced_by",
        ]
        Standard.objects.bulk_update(to_update, fields, batch_size=2000)
        Standard.objects.bulk_update(
            [s for s in to_create if s.replaced_by_id], ["replaced_by"], batch_size=2000
        )
        changes = []
        for standard, successor in touched:
            after = {
                "number": standard.number,
                "name": standard.name,
                "status": standard.status,
                "issued_on": standard.issued_on,
                "effective_on": standard.effective_on,
                "withdrawn_on": standard.withdrawn_on,
                "replaced_by": successor or None,
            }
            changes.append(
                audit.Change(
                    "quality.standard.save", "Standard", str(standard.pk), befores[standard.number], after
                )
            )
        audit.record_many(actor, changes)
        events.emit_many(
            "quality.standard_saved",
            [{"standard_id": s.pk, "number": s.number, "status": s.status} for s, _ in touched],
        )
        counts["created"], counts["changed"] = len(to_create), len(to_update)
    return counts
