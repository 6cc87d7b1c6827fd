"""The register (特种设备台账): units created, corrected, stopped, scrapped; their due dates kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.models import Jurisdiction
from zhijian.registry.models import Entity

from ..models import Category, Unit, UnitChange, UnitStatus
from ..rules import RuleBook
from .common import EquipmentError, audit_actor, require_change, require_staff

# Register fields a correction or an import may change, in the order the history shows them.
REGISTER_FIELDS = (
    "category",
    "category_code",
    "certificate_no",
    "user_unit_uscc",
    "user_unit_name",
    "maintenance_uscc",
    "maintenance_name",
    "institute_uscc",
    "district_id",
    "address",
    "place_kind",
    "manufacturer",
    "model_no",
    "commissioned_on",
    "registered_on",
    "status",
    "scrapped_on",
    "on_demand_maintenance",
    "maintenance_interval_days",
    "last_inspected_on",
    "inspection_valid_until",
)
DATE_FIELDS = (
    "registration_due",
    "inspection_valid_until",
    "inspection_request_by",
    "selftest_due",
    "maintenance_due",
)


@dataclass
class UnitIn:
    """One unit as a form or an import row gives it, after validation."""

    code: str
    category: str
    category_code: str
    user_unit_uscc: str
    district_id: int
    address: str
    commissioned_on: dt.date
    certificate_no: str = ""
    user_unit_name: str = ""
    maintenance_uscc: str = ""
    maintenance_name: str = ""
    institute_uscc: str = ""
    place_kind: str = "other"
    manufacturer: str = ""
    model_no: str = ""
    registered_on: dt.date | None = None
    status: str = UnitStatus.IN_USE
    scrapped_on: dt.date | None = None
    on_demand_maintenance: bool = False
    maintenance_interval_days: int | None = None
    last_inspected_on: dt.date | None = None
    inspection_valid_until: dt.date | None = None


def resolve_parties(data: UnitIn, names: dict[str, str] | None = None) -> None:
    """Fill the user and maintenance units' names from the market-entity register; refuse unknown ones."""
    wanted = {data.user_unit_uscc} | ({data.maintenance_uscc} if data.maintenance_uscc else set())
    if names is None:
        names = dict(Entity.objects.filter(uscc__in=wanted).values_list("uscc", "name"))
    if data.user_unit_uscc not in names:
        raise EquipmentError(
            "unknown_user_unit", f"使用单位“{data.user_unit_uscc}”不在市场主体库中", ("user_unit_uscc",)
        )
    data.user_unit_name = names[data.user_unit_uscc]
    if data.maintenance_uscc:
        if data.maintenance_uscc not in names:
            raise EquipmentError(
                "unknown_maintenance_unit",
                f"维保单位“{data.maintenance_uscc}”不在市场主体库中",
                ("maintenance_uscc",),
            )
        data.maintenance_name = names[data.maintenance_uscc]
    if data.category not in Category.values:
        raise EquipmentError("bad_category", f"设备种类代码“{data.category}”不存在", ("category",))


def apply_due_dates(unit: Unit, book: RuleBook) -> None:
    """Recompute the stored due dates of ``unit`` from its facts and the rules in ``book``."""
    dates = book.due_dates(
        category=unit.category,
        commissioned_on=unit.commissioned_on,
        registered_on=unit.registered_on,
        last_inspected_on=unit.last_inspected_on,
        report_valid_until=unit.inspection_valid_until,
        last_maintained_on=unit.last_maintained_on,
        on_demand=unit.on_demand_maintenance,
        own_interval=unit.maintenance_interval_days,
    )
    for name in DATE_FIELDS:
        setattr(unit, name, getattr(dates, name))


def register_fields(unit: Unit) -> dict:
    return {name: getattr(unit, name) for name in REGISTER_FIELDS}


def differences(before: dict, after: dict) -> dict:
    return {
        k: [_plain(before[k]), _plain(after[k])] for k in REGISTER_FIELDS if before.get(k) != after.get(k)
    }


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def register_unit(*, actor, data: UnitIn, source: str = "登记") -> tuple[Unit, bool]:
    """Enter a unit in the register or correct it; return it and whether anything changed."""
    if not Jurisdiction.objects.filter(pk=data.district_id, level__in=["district", "zone"]).exists():
        raise EquipmentError("bad_district", "所属辖区须为区县（市）或功能区", ("district_id",))
    require_staff(actor, data.district_id)
    resolve_parties(data)
    book = RuleBook(timezone.localdate())
    with transaction.atomic():
        found = Unit.objects.select_for_update().filter(code=data.code).first()
        created = found is None
        before: dict = {}
        if found is None:
            unit = Unit(code=data.code)
        else:
            unit = found
            require_change(actor, unit)
            before = register_fields(unit)
        values = asdict(data)
        values.pop("code")
        for name, value in values.items():
            setattr(unit, name, value)
        after = register_fields(unit)
        changes = (
            differences(before, after) if not created else {k: [None, _plain(v)] for k, v in after.items()}
        )
        if not created and not changes:
            return unit, False
        apply_due_dates(unit, book)
        unit.save()
        UnitChange.objects.create(unit=unit, occurred_on=timezone.localdate(), changes=changes, source=source)
        audit.record(
            audit_actor(actor),
            audit.Change(
                "equipment.unit." + ("create" if created else "update"),
                "equipment.unit",
                unit.code,
                {k: _plain(v) for k, v in before.items()} or None,
                {k: _plain(v) for k, v in after.items()},
            ),
        )
    return unit, True


def change_unit_status(*, actor, unit: Unit, status: str, on: dt.date, reason: str = "") -> Unit:
    """Stop (停用), bring back into use or scrap (报废) a unit; a scrapped unit stays scrapped."""
    if status not in UnitStatus.values:
        raise EquipmentError("bad_status", "设备状态不正确", ("status",))
    require_change(actor, unit)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if unit.status == UnitStatus.SCRAPPED:
            raise EquipmentError("scrapped", "该设备已报废，不能变更状态")
        if unit.status == status:
            return unit
        old = unit.status
        unit.status = status
        unit.scrapped_on = on if status == UnitStatus.SCRAPPED else None
        unit.save(update_fields=["status", "scrapped_on", "updated_at"])
        UnitChange.objects.create(
            unit=unit, occurred_on=on, changes={"status": [old, status]}, source=reason or "状态变更"
        )
        audit.record(
            audit_actor(actor),
            audit.Change(
                "equipment.unit.status", "equipment.unit", unit.code, {"status": old}, {"status": status}
            ),
        )
        events.emit(
            "equipment.unit_status_changed",
            {"code": unit.code, "status": status, "on": on.isoformat(), "district_id": unit.district_id},
        )
    return unit


def refresh_due_dates(*, actor, today: dt.date | None = None, batch: int = 5000) -> int:
    """Recompute every unit's stored due dates (after a rule changes or is confirmed); return units changed."""
    require_staff(actor)
    book = RuleBook(today or timezone.localdate())
    changed = 0
    last = 0
    while True:
        with transaction.atomic():
            units = list(Unit.objects.filter(pk__gt=last).order_by("pk")[:batch])
            if not units:
                break
            dirty = []
            for unit in units:
                before = tuple(getattr(unit, n) for n in DATE_FIELDS)
                apply_due_dates(unit, book)
                if tuple(getattr(unit, n) for n in DATE_FIELDS) != before:
                    dirty.append(unit)
            Unit.objects.bulk_update(dirty, list(DATE_FIELDS), batch_size=1000)
            changed += len(dirty)
            last = units[-1].pk
    if changed:
        with transaction.atomic():
            audit.record(
                audit_actor(actor),
                audit.Change(
                    "equipment.due_dates.refresh", "equipment.unit", "*", None, {"changed": changed}
                ),
            )
    return changed
