"""The registers of 双随机 (一单两库): the check-item catalogue and the inspectors, their absences and conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.models import Department, Jurisdiction, Role, User
from zhijian.core.scoping import CITY_WIDE
from zhijian.registry.models import Entity, EntityType

from ..models import (
    Absence,
    CheckItem,
    Conflict,
    Inspector,
    Method,
    Specialty,
)
from ..topics import RESULT_TOPIC  # noqa: E402,F401 - the topic is declared with its schema
from ._common import InspectionError, _covers, _require_change, _require_staff, _role, _snapshot_item, _text

# --- the catalogue --------------------------------------------------------------------------------


def save_check_item(*, actor, code: str, department: Department, fields: Mapping[str, Any]) -> CheckItem:
    """Create or update an item of the catalogue (抽查事项清单). City administrators and departments
    only; a department edits its own items."""
    _require_staff(actor, (Role.CITY_ADMIN, Role.DEPARTMENT))
    if _role(actor) == Role.DEPARTMENT and actor.department_id != department.pk:
        raise PermissionDenied
    code = _text(code, field="事项编码", code="item_code", max_length=30)
    entity_types = [str(t) for t in fields.get("entity_types") or []]
    values: dict[str, Any] = {
        "name": _text(fields.get("name"), field="抽查事项名称", code="item_name", max_length=200),
        "legal_basis": _text(fields.get("legal_basis"), field="检查依据", code="item_basis", max_length=4000),
        "object_type": _text(fields.get("object_type"), field="抽查对象", code="item_object", max_length=200),
        "content": _text(fields.get("content"), field="检查内容", code="item_content", max_length=4000),
        "entity_types": entity_types,
        "method": fields.get("method"),
        "specialty": fields.get("specialty"),
        "is_key": bool(fields.get("is_key")),
        "active": bool(fields.get("active", True)),
    }
    if values["method"] not in Method.values:
        raise InspectionError("item_method", "请选择检查方式")
    if values["specialty"] not in Specialty.values:
        raise InspectionError("item_specialty", "请选择所需执法资格")
    bad = [t for t in entity_types if t not in EntityType.values]
    if bad:
        raise InspectionError("item_entity_types", f"未知的主体类型：{'、'.join(bad)}")
    with transaction.atomic():
        item = CheckItem.objects.select_for_update().filter(code=code).first()
        before = _snapshot_item(item) if item else None
        if item and _role(actor) == Role.DEPARTMENT and item.department_id != actor.department_id:
            raise PermissionDenied
        item = item or CheckItem(code=code)
        item.department = department
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
        audit.record(
            actor,
            audit.Change("inspections.save_item", "CheckItem", str(item.pk), before, _snapshot_item(item)),
        )
    return item


# --- the inspector register -----------------------------------------------------------------------


def _snapshot_inspector(inspector: Inspector) -> dict:
    return {
        "name": inspector.name,
        "certificate_no": inspector.certificate_no,
        "jurisdiction": inspector.jurisdiction.code,
        "department": inspector.department.code if inspector.department else None,
        "specialties": inspector.specialties,
        "active": inspector.active,
        "user": inspector.user.username if inspector.user else None,
    }


def save_inspector(
    *,
    actor,
    certificate_no: str,
    name: str,
    jurisdiction: Jurisdiction,
    specialties: list[str],
    department: Department | None = None,
    user: User | None = None,
    active: bool = True,
) -> Inspector:
    """Add an officer to the inspector register (执法检查人员名录库), or update her entry."""
    _require_staff(actor)
    if jurisdiction.level not in (
        Jurisdiction.Level.CITY,
        Jurisdiction.Level.DISTRICT,
        Jurisdiction.Level.ZONE,
    ):
        raise InspectionError("inspector_jurisdiction", "执法检查人员须归属市局或县级单位")
    if not _covers(actor, jurisdiction) or (
        jurisdiction.level == Jurisdiction.Level.CITY and _role(actor) not in CITY_WIDE
    ):
        raise PermissionDenied
    certificate_no = _text(certificate_no, field="执法证号", code="inspector_certificate", max_length=30)
    name = _text(name, field="姓名", code="inspector_name", max_length=40)
    if not specialties or any(s not in Specialty.values for s in specialties):
        raise InspectionError("inspector_specialties", "请至少选择一项有效的执法资格")
    if user is not None and user.role != Role.INSPECTOR:
        raise InspectionError("inspector_user", f"账户“{user.username}”不是执法检查人员角色")
    with transaction.atomic():
        inspector = Inspector.objects.select_for_update().filter(certificate_no=certificate_no).first()
        if inspector is not None and not _covers(actor, inspector.jurisdiction):
            raise PermissionDenied
        before = _snapshot_inspector(inspector) if inspector else None
        inspector = inspector or Inspector(certificate_no=certificate_no)
        inspector.name, inspector.jurisdiction, inspector.department = name, jurisdiction, department
        inspector.specialties = sorted(set(specialties))
        inspector.user, inspector.active = user, active
        inspector.save()
        audit.record(
            actor,
            audit.Change(
                "inspections.save_inspector",
                "Inspector",
                str(inspector.pk),
                before,
                _snapshot_inspector(inspector),
            ),
        )
    return inspector


def record_absence(
    *, actor, inspector: Inspector, starts_on: dt.date, ends_on: dt.date, reason: str
) -> Absence:
    """Record a period an inspector is away; she is not matched to tasks that overlap it."""
    _require_change(actor, inspector)
    reason = _text(reason, field="事由", code="absence_reason", max_length=100)
    if ends_on < starts_on:
        raise InspectionError("absence_dates", "结束日期不能早于开始日期")
    with transaction.atomic():
        absence = Absence.objects.create(
            inspector=inspector, starts_on=starts_on, ends_on=ends_on, reason=reason
        )
        audit.record(
            actor,
            audit.Change(
                "inspections.record_absence",
                "Absence",
                str(absence.pk),
                None,
                {
                    "inspector": inspector.certificate_no,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "reason": reason,
                },
            ),
        )
    return absence


def declare_conflict(*, actor, inspector: Inspector, entity: Entity, reason: str) -> Conflict:
    """Record an inspector's conflict of interest with a firm (回避声明): she declares it herself, or
    staff record it for her. She is never matched to that firm afterwards."""
    own = _role(actor) == Role.INSPECTOR and inspector.user_id == actor.pk
    if not own:
        _require_change(actor, inspector)
    reason = _text(reason, field="回避事由", code="conflict_reason", max_length=200)
    with transaction.atomic():
        conflict, created = Conflict.objects.get_or_create(
            inspector=inspector,
            entity=entity,
            defaults={"reason": reason, "declared_on": timezone.localdate()},
        )
        if not created:
            raise InspectionError("conflict_exists", "该回避声明已存在")
        audit.record(
            actor,
            audit.Change(
                "inspections.declare_conflict",
                "Conflict",
                str(conflict.pk),
                None,
                {"inspector": inspector.certificate_no, "uscc": entity.uscc, "reason": reason},
            ),
        )
    return conflict
