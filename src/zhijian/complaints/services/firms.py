"""The ODR and 赔偿先付 registers, and what a firm does in its enterprise account."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from zhijian.core import audit, events
from zhijian.core.models import Role
from zhijian.core.scoping import CHANGE, can
from zhijian.registry.models import Entity

from .. import deadlines
from ..models import CASE_HANDLERS, Case, Enrolment, FirmReply, Outcome, Status
from ._base import (
    ComplaintsError,
    NotAllowed,
    emit_outcome,
    is_system,
    lock,
    not_future,
    record,
    require_role,
    step,
)
from .handling import _amount


def enrol_firm(*, actor, entity: Entity, programme: str, on: dt.date) -> Enrolment:
    """Enrol a firm in ODR or 赔偿先付 (加入)."""
    require_role(actor, CASE_HANDLERS)
    if programme not in Enrolment.Programme.values:
        raise ComplaintsError("bad_programme", "项目无效")
    if not is_system(actor) and not can(actor, entity, CHANGE):
        raise NotAllowed("只能登记本辖区的企业")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                entity=entity,
                uscc=entity.uscc,
                programme=programme,
                enrolled_on=on,
                jurisdiction=entity.jurisdiction,
            )
            audit.record(
                actor,
                audit.Change(
                    "complaints.enrolment.create",
                    "complaints.Enrolment",
                    str(enrolment.pk),
                    None,
                    {"uscc": entity.uscc, "programme": programme, "on": on},
                ),
            )
            events.emit(
                "complaints.firm_enrolled",
                {"uscc": entity.uscc, "programme": programme, "on": on},
            )
    except IntegrityError:
        raise ComplaintsError("enrolled", "该企业已在册", {"uscc": "该企业已在册"}) from None
    return enrolment


def withdraw_firm(*, actor, enrolment: Enrolment, on: dt.date, reason: str) -> Enrolment:
    """Withdraw a firm (退出); the row stays as its history."""
    require_role(actor, CASE_HANDLERS)
    if not reason.strip():
        raise ComplaintsError("reason_missing", "请填写退出原因", {"reason": "请填写退出原因"})
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if not is_system(actor) and not can(actor, enrolment, CHANGE):
            raise NotAllowed()
        if enrolment.withdrawn_on:
            raise ComplaintsError("withdrawn", "该企业已退出")
        if on < enrolment.enrolled_on:
            raise ComplaintsError("bad_date", "退出日期不能早于加入日期", {"on": "退出日期不能早于加入日期"})
        enrolment.withdrawn_on, enrolment.withdrawal_reason = on, reason.strip()[:200]
        enrolment.save(update_fields=["withdrawn_on", "withdrawal_reason"])
        audit.record(
            actor,
            audit.Change(
                "complaints.enrolment.withdraw",
                "complaints.Enrolment",
                str(enrolment.pk),
                None,
                {"on": on, "reason": reason},
            ),
        )
        events.emit("complaints.firm_withdrawn", {"uscc": enrolment.uscc, "programme": enrolment.programme})
    return enrolment


def _firm_actor(actor, case: Case) -> None:
    if is_system(actor):
        return
    if actor.role != Role.ENTERPRISE or actor.entity_uscc != case.respondent_uscc:
        raise NotAllowed("只有被投诉企业可以在企业账户中处理")


def _to_officer(actor, case: Case, on: dt.date, note: str) -> None:
    case.status, case.odr_ended_on = Status.RECEIVED, on
    case.acceptance_due = deadlines.set_case_deadline(case, "acceptance", on).due
    case.save(update_fields=["status", "odr_ended_on", "acceptance_due"])
    step(case, actor, "odr_failed", "企业未能和解，转市场监管部门处理", on, note)


def answer_odr(*, actor, case: Case, on: dt.date, settled: bool, reply: str, amount="0") -> Case:
    """The ODR firm answers in its account: settled (和解) closes the case; otherwise it goes to the officer."""
    not_future(on, "处理日期", "on")
    if not reply.strip():
        raise ComplaintsError("reply_missing", "请填写处理情况", {"reply": "请填写处理情况"})
    amount = _amount(amount)
    with transaction.atomic():
        case = lock(case)
        _firm_actor(actor, case)
        if case.status != Status.ODR:
            raise ComplaintsError("not_odr", "该投诉不在企业先行处理阶段")
        if settled:
            case.status, case.outcome, case.closed_on, case.odr_ended_on = (
                Status.CLOSED,
                Outcome.ODR_SETTLED,
                on,
                on,
            )
            case.amount_recovered, case.result_text = amount, reply.strip()[:4000]
            case.save(
                update_fields=[
                    "status",
                    "outcome",
                    "closed_on",
                    "odr_ended_on",
                    "amount_recovered",
                    "result_text",
                ]
            )
            step(case, actor, "odr_settled", "企业与消费者达成和解", on, reply.strip())
        else:
            _to_officer(actor, case, on, reply.strip())
        record(
            actor, "complaints.case.odr_answer", case, None, {"settled": settled, "amount": amount, "on": on}
        )
        if settled:
            emit_outcome(case)
    return case


def release_overdue_odr(*, actor, today: dt.date) -> int:
    """ODR cases whose firm window has passed go to the officer (期满未处理转办)."""
    moved = 0
    for case in Case.objects.filter(status=Status.ODR, odr_until__lt=today).order_by("pk"):
        with transaction.atomic():
            case = lock(case)
            if case.status != Status.ODR:
                continue
            _to_officer(actor, case, case.odr_until or today, "企业先行处理期满未和解")
            record(actor, "complaints.case.odr_expired", case, None, {"on": case.odr_until})
            moved += 1
    return moved


def save_firm_reply(*, actor, uscc: str, text: str) -> FirmReply:
    """The firm's reply on its disclosure page (企业回应)."""
    if not is_system(actor) and (actor.role != Role.ENTERPRISE or actor.entity_uscc != uscc):
        raise NotAllowed("只能回应本企业的投诉公示")
    if len(text.strip()) > 1000:
        raise ComplaintsError("too_long", "回应不能超过1000字", {"text": "回应不能超过1000字"})
    with transaction.atomic():
        reply, _ = FirmReply.objects.update_or_create(uscc=uscc, defaults={"text": text.strip()})
        audit.record(
            actor, audit.Change("complaints.firm_reply", "complaints.FirmReply", uscc, None, {"text": text})
        )
    return reply
