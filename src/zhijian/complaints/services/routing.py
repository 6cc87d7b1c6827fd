"""The responsible unit (承办单位): derived on filing, transferred with a reason, disputes to the city."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from zhijian.core import events
from zhijian.core.models import Jurisdiction, Role
from zhijian.core.scoping import CITY_WIDE
from zhijian.registry.models import Entity

from .. import deadlines
from ..models import Case, JurisdictionDispute, RuleVersion, Status, Transfer
from ._base import (
    ComplaintsError,
    NotAllowed,
    is_system,
    lock,
    not_future,
    record,
    require_change,
    require_role,
    step,
)

CITY_CODE = "330200"


@dataclass(frozen=True)
class Route:
    unit: Jurisdiction
    office: Jurisdiction | None
    basis: str


def county_unit(unit: Jurisdiction) -> Jurisdiction:
    return unit if unit.level in ("district", "zone", "city") else unit.district or unit


def route(
    *,
    rule_version: str,
    respondent: Entity | None,
    platform: Entity | None,
    place: Jurisdiction | None,
) -> Route:
    """Where a case goes: under Order 121 a platform seller's case goes to the platform's unit; else the
    respondent's registration unit (and its grassroots office); else the place of the transaction;
    else the city bureau, which assigns it."""
    if rule_version == RuleVersion.ORDER_121 and platform is not None:
        return Route(platform.jurisdiction, None, "交易平台所在地（第121号令）")
    if respondent is not None:
        return Route(respondent.jurisdiction, respondent.office, "被投诉人登记管辖")
    if place is not None:
        unit = county_unit(place)
        return Route(unit, place if place.level == "office" else None, "交易发生地")
    if platform is not None:
        return Route(platform.jurisdiction, None, "交易平台所在地")
    return Route(Jurisdiction.objects.get(code=CITY_CODE), None, "市局分派")


def _unit(unit) -> Jurisdiction:
    if isinstance(unit, Jurisdiction):
        return unit
    return Jurisdiction.objects.get(pk=unit)


def transfer_case(*, actor, case: Case, to_unit, reason: str, on: dt.date | None = None) -> Case:
    """Transfer a case to another unit (移送) with a reason; a grassroots office of the same district
    may be named as the handler."""
    to_unit = _unit(to_unit)
    on = on or dt.date.today()
    if not reason.strip():
        raise ComplaintsError("reason_missing", "请填写移送理由", {"reason": "请填写移送理由"})
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if not case.is_open or case.status == Status.DISPUTED:
            raise ComplaintsError("not_open", "该件当前状态不能移送")
        target = county_unit(to_unit)
        if target.pk == case.jurisdiction_id and to_unit.level != "office":
            raise ComplaintsError("same_unit", "不能移送给本单位", {"to_unit": "不能移送给本单位"})
        before = {"jurisdiction": case.jurisdiction.code, "office": case.office.code if case.office else None}
        Transfer.objects.create(
            case=case,
            from_unit=case.jurisdiction,
            to_unit=to_unit,
            reason=reason.strip()[:300],
            on=on,
            by=None if is_system(actor) else actor,
        )
        case.jurisdiction = target
        case.office = to_unit if to_unit.level == "office" else None
        case.handler = None
        case.routed_by = "移送"
        case.save(update_fields=["jurisdiction", "office", "handler", "routed_by"])
        step(case, actor, "transfer", f"移送{to_unit.name}", on, reason.strip())
        record(
            actor,
            "complaints.case.transfer",
            case,
            before,
            {
                "jurisdiction": target.code,
                "office": case.office.code if case.office else None,
                "reason": reason,
            },
        )
        events.emit("complaints.case_transferred", {"case_id": case.pk, "to": to_unit.code, "reason": reason})
    return case


def raise_dispute(
    *, actor, case: Case, other_unit, reason: str, on: dt.date | None = None
) -> JurisdictionDispute:
    """Escalate a jurisdiction dispute (管辖争议) to the city, which must designate a unit within its
    own time limit (rule ``complaints.dispute_decide``)."""
    other_unit = county_unit(_unit(other_unit))
    on = on or dt.date.today()
    not_future(on, "提请日期")
    if not reason.strip():
        raise ComplaintsError("reason_missing", "请填写争议理由", {"reason": "请填写争议理由"})
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if not case.is_open or case.status == Status.DISPUTED:
            raise ComplaintsError("not_open", "该件当前状态不能提请指定管辖")
        if other_unit.pk == case.jurisdiction_id:
            raise ComplaintsError("same_unit", "争议对方不能是本单位", {"other_unit": "争议对方不能是本单位"})
        deadline = deadlines.set_case_deadline(case, "dispute", on)
        dispute = JurisdictionDispute.objects.create(
            case=case,
            raised_by_unit=case.jurisdiction,
            other_unit=other_unit,
            reason=reason.strip()[:300],
            raised_on=on,
            due=deadline.due,
        )
        case.status = Status.DISPUTED
        case.save(update_fields=["status"])
        step(case, actor, "dispute", "管辖争议，报请市局指定管辖", on, reason.strip(), public=False)
        record(
            actor,
            "complaints.case.dispute",
            case,
            None,
            {"other_unit": other_unit.code, "reason": reason, "due": deadline.due},
        )
        events.emit(
            "complaints.dispute_raised",
            {"case_id": case.pk, "dispute_id": dispute.pk, "due": deadline.due},
        )
    return dispute


def decide_dispute(
    *, actor, dispute: JurisdictionDispute, unit, note: str = "", on: dt.date | None = None
) -> Case:
    """The city designates the unit (指定管辖); the case goes back to where it stood."""
    require_role(actor, CITY_WIDE, "只有市局可以指定管辖")
    unit = county_unit(_unit(unit))
    on = on or dt.date.today()
    with transaction.atomic():
        dispute = JurisdictionDispute.objects.select_for_update().get(pk=dispute.pk)
        if dispute.decided_on:
            raise ComplaintsError("decided", "该争议已指定管辖")
        if unit.pk not in (dispute.raised_by_unit_id, dispute.other_unit_id) and unit.level == "city":
            raise ComplaintsError("bad_unit", "请指定一个区县(市)局")
        case = lock(dispute.case)
        dispute.decided_on, dispute.decided_unit, dispute.decision_note = on, unit, note[:300]
        dispute.save(update_fields=["decided_on", "decided_unit", "decision_note"])
        case.jurisdiction, case.office, case.handler = unit, None, None
        case.status = Status.ACCEPTED if case.accepted_on else Status.RECEIVED
        case.routed_by = "市局指定管辖"
        case.save(update_fields=["jurisdiction", "office", "handler", "status", "routed_by"])
        step(case, actor, "dispute_decided", f"市局指定由{unit.name}办理", on, note, public=False)
        record(actor, "complaints.case.dispute_decide", case, None, {"unit": unit.code, "note": note})
    return case


def assign_case(*, actor, case: Case, handler=None, office=None) -> Case:
    """Name the handling officer (承办人) and, optionally, the grassroots office (市场监管所)."""
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if handler is not None:
            if handler.role not in (Role.DISTRICT, Role.INSPECTOR, Role.CITY_ADMIN, Role.DEPARTMENT):
                raise ComplaintsError("bad_handler", "承办人须为市场监管部门工作人员")
            if handler.role in (Role.DISTRICT, Role.INSPECTOR):
                unit = handler.jurisdiction
                if unit is None or county_unit(unit).pk != case.jurisdiction_id:
                    raise ComplaintsError("bad_handler", "承办人须属于承办单位")
        if office is not None:
            office = _unit(office)
            if office.level != "office" or office.district_id != case.jurisdiction_id:
                raise NotAllowed("市场监管所须属于承办单位")
        before = {"handler": case.handler_id, "office": case.office_id}
        case.handler = handler or case.handler
        case.office = office or case.office
        case.save(update_fields=["handler", "office"])
        record(
            actor,
            "complaints.case.assign",
            case,
            before,
            {"handler": case.handler_id, "office": case.office_id},
        )
    return case
