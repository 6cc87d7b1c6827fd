"""Inspection results (检验结论) from institutes and maintenance records (维保记录) from companies."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.models import Role, RuleValue

from ..models import (
    Conclusion,
    Inspection,
    InspectionKind,
    MaintenanceKind,
    MaintenanceRecord,
    RuleConfirmation,
    Unit,
    UnitStatus,
)
from ..rules import UNCONFIRMED_KEYS, RuleBook
from .common import EquipmentError, audit_actor, is_system, require_change, user_or_none
from .register import apply_due_dates


def record_inspection(
    *,
    actor,
    unit: Unit,
    kind: str,
    report_no: str,
    inspected_on: dt.date,
    conclusion: str,
    valid_until: dt.date | None = None,
    institute_name: str = "",
) -> Inspection:
    """Record an institute's result, or a user unit's self-test, and move the unit's due dates.

    An institute (role ``lab``) records for units assigned to it; the user unit records its own
    self-tests (自行检测); staff may record anything in their scope.
    """
    if kind not in InspectionKind.values or conclusion not in Conclusion.values:
        raise EquipmentError("bad_inspection", "检验类别或检验结论不正确", ("kind", "conclusion"))
    if not report_no.strip():
        raise EquipmentError("report_required", "请填写报告编号", ("report_no",))
    today = timezone.localdate()
    if inspected_on > today:
        raise EquipmentError("future_date", "检验日期不能晚于今天", ("inspected_on",))
    if valid_until is not None and valid_until <= inspected_on:
        raise EquipmentError("bad_valid_until", "下次检验日期须晚于检验日期", ("valid_until",))
    if not is_system(actor):
        if actor.role == Role.LAB:
            if unit.institute_uscc != actor.entity_uscc:
                raise EquipmentError("forbidden", "该设备不由贵机构检验")
        elif actor.role == Role.ENTERPRISE:
            if kind != InspectionKind.SELF_TEST or unit.user_unit_uscc != actor.entity_uscc:
                raise EquipmentError("forbidden", "使用单位只能录入本单位设备的自行检测")
        else:
            require_change(actor, unit)
    if unit.status == UnitStatus.SCRAPPED:
        raise EquipmentError("scrapped", "该设备已报废")
    book = RuleBook(today)
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                unit=unit,
                kind=kind,
                institute_uscc=actor.entity_uscc if not is_system(actor) and actor.role == Role.LAB else "",
                institute_name=institute_name,
                report_no=report_no.strip(),
                inspected_on=inspected_on,
                conclusion=conclusion,
                valid_until=valid_until,
                recorded_by=user_or_none(actor),
            )
            locked = Unit.objects.select_for_update().get(pk=unit.pk)
            if kind == InspectionKind.SELF_TEST:
                # A self-test fills the year between periodic inspections; it does not move their cycle.
                if (
                    conclusion != Conclusion.FAIL
                    and locked.selftest_due
                    and inspected_on <= locked.selftest_due
                ):
                    locked.selftest_due = None
                    locked.save(update_fields=["selftest_due", "updated_at"])
            elif conclusion != Conclusion.FAIL and (
                locked.last_inspected_on is None or inspected_on >= locked.last_inspected_on
            ):
                locked.last_inspected_on = inspected_on
                locked.inspection_valid_until = valid_until
                if valid_until is None:
                    locked.inspection_valid_until = None  # worked out from the category's interval
                apply_due_dates(locked, book)
                locked.save()
            audit.record(
                audit_actor(actor),
                audit.Change(
                    "equipment.inspection.record",
                    "equipment.inspection",
                    str(inspection.pk),
                    None,
                    {
                        "unit": unit.code,
                        "kind": kind,
                        "report_no": inspection.report_no,
                        "inspected_on": inspected_on.isoformat(),
                        "conclusion": conclusion,
                    },
                ),
            )
            if conclusion == Conclusion.FAIL:
                events.emit(
                    "equipment.inspection_failed",
                    {
                        "unit": unit.code,
                        "user_unit_uscc": unit.user_unit_uscc,
                        "district_id": unit.district_id,
                        "report_no": inspection.report_no,
                        "inspected_on": inspected_on.isoformat(),
                    },
                )
    except IntegrityError:
        raise EquipmentError("duplicate_report", f"报告编号“{report_no}”已录入") from None
    unit.refresh_from_db()
    return inspection


def record_maintenance(
    *, actor, unit: Unit, kind: str, performed_on: dt.date, worker: str, findings: str = ""
) -> MaintenanceRecord:
    """A maintenance company logs a visit to a unit it maintains, in its own account."""
    if kind not in MaintenanceKind.values:
        raise EquipmentError("bad_kind", "维保类型不正确", ("kind",))
    if performed_on > timezone.localdate():
        raise EquipmentError("future_date", "维保日期不能晚于今天", ("performed_on",))
    if not worker.strip():
        raise EquipmentError("worker_required", "请填写维保人员", ("worker",))
    if not is_system(actor) and (
        actor.role != Role.ENTERPRISE
        or not unit.maintenance_uscc
        or unit.maintenance_uscc != actor.entity_uscc
    ):
        raise EquipmentError("forbidden", "只有该设备的维保单位可以录入维保记录")
    book = RuleBook(timezone.localdate())
    try:
        with transaction.atomic():
            record = MaintenanceRecord.objects.create(
                unit=unit,
                maintenance_uscc=unit.maintenance_uscc,
                kind=kind,
                performed_on=performed_on,
                worker=worker.strip(),
                findings=findings,
                recorded_by=user_or_none(actor),
            )
            locked = Unit.objects.select_for_update().get(pk=unit.pk)
            if locked.last_maintained_on is None or performed_on > locked.last_maintained_on:
                locked.last_maintained_on = performed_on
                apply_due_dates(locked, book)
                locked.save(update_fields=["last_maintained_on", "maintenance_due", "updated_at"])
            audit.record(
                audit_actor(actor),
                audit.Change(
                    "equipment.maintenance.record",
                    "equipment.maintenance",
                    str(record.pk),
                    None,
                    {
                        "unit": unit.code,
                        "kind": kind,
                        "performed_on": performed_on.isoformat(),
                        "worker": worker,
                    },
                ),
            )
    except IntegrityError:
        raise EquipmentError("duplicate_maintenance", "该设备当日同类维保记录已存在") from None
    unit.refresh_from_db()
    return record


def confirm_rule(*, actor, rule: RuleValue) -> RuleConfirmation:
    """A city administrator confirms a rule entered as unconfirmed (e.g. the TSG T7001-2023 schedule)."""
    if is_system(actor) or actor.role != Role.CITY_ADMIN:
        raise EquipmentError("forbidden", "只有市局管理员可以确认规则")
    if rule.key not in UNCONFIRMED_KEYS:
        raise EquipmentError("not_pending", "该规则无需确认")
    with transaction.atomic():
        confirmation, created = RuleConfirmation.objects.get_or_create(
            rule=rule, defaults={"confirmed_by": actor}
        )
        if created:
            audit.record(
                actor,
                audit.Change(
                    "equipment.rule.confirm",
                    "core.rulevalue",
                    str(rule.pk),
                    {"confirmed": False},
                    {"confirmed": True, "key": rule.key, "value": str(rule.value)},
                ),
            )
    return confirmation


def unconfirmed_rules(on: dt.date | None = None) -> list[RuleValue]:
    """The rules still waiting for an administrator's confirmation."""
    confirmed = RuleConfirmation.objects.values_list("rule_id", flat=True)
    return list(RuleValue.objects.filter(key__in=UNCONFIRMED_KEYS).exclude(pk__in=confirmed))
