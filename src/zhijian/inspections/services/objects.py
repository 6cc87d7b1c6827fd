"""Kinds of inspection objects (抽查对象) other than market entities, reached through providers.

A task draws market entities by credit class unless it says otherwise. Another app may offer a list
of objects through ``core.hooks`` (never by import): the equipment app declares
``"inspections.eligible.special_equipment"`` — special-equipment user units (特种设备使用单位),
each ``(uscc, name, district_id, stratum, ratio)`` with the stratum ``equipment_key`` or
``equipment_normal`` and the ratio from its own rule data — and
``"inspections.strata.special_equipment"`` — those strata with their ratios, why a unit is in them
and the legal source. The draw takes the provider's list, strata and ratios as they are; this module
only maps the provider's stratum names onto the draw's one-letter strata (K, N; see
``algorithm.OBJECT_STRATA``) and keeps the list inside the task's territory and the register.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from zhijian.core.hooks import provider
from zhijian.core.rules import MissingRule
from zhijian.registry.models import Entity, EntityStatus

from .. import algorithm
from ..models import ObjectKind, Task
from ._common import InspectionError

ELIGIBLE_PROVIDER = "inspections.eligible.special_equipment"
STRATA_PROVIDER = "inspections.strata.special_equipment"
# The provider's stratum names → the draw's strata (docs/inspections-draw.md §1a).
PROVIDER_STRATA = {"equipment_key": "K", "equipment_normal": "N"}
CHUNK = 2000


def available_kinds() -> list[tuple[str, str]]:
    """The kinds of object a new task may draw: market entities always; special-equipment user units
    only where the equipment app offers them."""
    kinds = [(ObjectKind.ENTITIES.value, str(ObjectKind.ENTITIES.label))]
    if provider(ELIGIBLE_PROVIDER) is not None:
        kinds.append((ObjectKind.SPECIAL_EQUIPMENT.value, str(ObjectKind.SPECIAL_EQUIPMENT.label)))
    return kinds


def _required(name: str) -> Callable[..., Any]:
    found = provider(name)
    if found is None:
        raise InspectionError(
            "objects_unavailable", "特种设备使用单位名录不可用：特种设备应用未提供抽查对象接口"
        )
    return found


def _letter(stratum: str) -> str:
    try:
        return PROVIDER_STRATA[stratum]
    except KeyError:
        raise InspectionError("objects_invalid", f"特种设备使用单位名录中的类别“{stratum}”无效") from None


def equipment_ratios(on: dt.date) -> tuple[dict[str, str], str, str]:
    """The ratios per stratum in force on ``on`` (the equipment app's rule data), their legal sources
    and a note saying, per stratum, which ratio applies to which units and why."""
    _required(ELIGIBLE_PROVIDER)
    ratios: dict[str, str] = {}
    sources: list[str] = []
    basis: list[str] = []
    try:
        rows = _required(STRATA_PROVIDER)(on=on)
    except MissingRule as exc:
        raise InspectionError("objects_ratio_missing", str(exc)) from None
    for row in rows:
        letter = _letter(row.stratum)
        ratios[letter] = algorithm.canonical_ratio(row.ratio)
        if row.legal_source not in sources:
            sources.append(row.legal_source)
        basis.append(f"{row.label} {ratios[letter]}：{row.reason}（规则 {row.rule_key}；{row.legal_source}）")
    try:
        ratios = algorithm.canonical_ratios(ratios, algorithm.strata_of(ObjectKind.SPECIAL_EQUIPMENT))
    except algorithm.DrawInputError as exc:
        raise InspectionError("objects_invalid", str(exc)) from None
    return ratios, "；".join(sources)[:300], "\n".join(basis)


def equipment_eligible(task: Task, territory: list[int]) -> tuple[list[bytes], dict[str, str]]:
    """The task's eligible user units as canonical lines ``b"USCC,K\\n"``, and the ratios the draw
    applies: the provider's. A unit is eligible when the equipment app places it in the task's
    territory and its entity is active in the register there (its check is then scoped like every
    check, by the entity's unit)."""
    fetch = _required(ELIGIBLE_PROVIDER)
    places = set(territory)
    objects = fetch(district_id=territory[0] if len(territory) == 1 else None, on=task.starts_on)
    wanted: dict[str, str] = {}
    given: dict[str, set[str]] = {}
    for item in objects:
        if item.district_id not in places:
            continue
        letter = _letter(item.stratum)
        wanted[item.uscc] = letter
        given.setdefault(letter, set()).add(algorithm.canonical_ratio(item.ratio))
    conflicting = [s for s, values in given.items() if len(values) > 1]
    if conflicting:
        raise InspectionError(
            "objects_invalid", f"特种设备使用单位名录中同一类别有不同的抽查比例：{'、'.join(conflicting)}"
        )
    ratios, _sources, _basis = equipment_ratios(task.starts_on)
    ratios.update({s: values.pop() for s, values in given.items()})
    usccs = sorted(wanted)
    lines: list[bytes] = []
    for start in range(0, len(usccs), CHUNK):
        active = Entity.objects.filter(
            status=EntityStatus.ACTIVE, jurisdiction__in=territory, uscc__in=usccs[start : start + CHUNK]
        ).values_list("uscc", flat=True)
        lines.extend(f"{uscc},{wanted[uscc]}\n".encode("ascii") for uscc in active)
    return lines, ratios
