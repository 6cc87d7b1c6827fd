"""Acceptance, mediation, outcome, report decisions and merging (受理、调解、办结、立案、合并)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum

from zhijian.core.workdays import Calendar

from .. import deadlines
from ..models import (
    OPEN_STATUSES,
    Case,
    ClockPause,
    Kind,
    Mediation,
    NotAcceptedGround,
    Outcome,
    RuleVersion,
    Status,
    TerminationGround,
)
from ._base import ComplaintsError, emit_outcome, is_system, lock, not_future, record, require_change, step


def _handler_of(actor, case: Case) -> None:
    """The officer who acts first on an unassigned case becomes its handler (承办人)."""
    if case.handler_id is None and not is_system(actor) and actor.role in ("district", "inspector"):
        case.handler = actor


def _amount(value, label: str = "挽回经济损失") -> Decimal:
    try:
        amount = Decimal(str(value or "0")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ComplaintsError("bad_amount", f"{label}应为数字", {"amount": f"{label}应为数字"}) from None
    if amount < 0:
        raise ComplaintsError("bad_amount", f"{label}不能为负数", {"amount": f"{label}不能为负数"})
    return amount


def accept_case(*, actor, case: Case, on: dt.date) -> Case:
    """Accept a complaint (受理): the mediation limit starts on the day of acceptance."""
    not_future(on, "受理日期", "on")
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if case.kind != Kind.COMPLAINT or case.status != Status.RECEIVED:
            raise ComplaintsError("not_receivable", "只有待受理的投诉可以受理")
        if on < case.received_on:
            raise ComplaintsError("bad_date", "受理日期不能早于登记日期", {"on": "受理日期不能早于登记日期"})
        case.status, case.accepted_on = Status.ACCEPTED, on
        _handler_of(actor, case)
        case.handling_due = deadlines.set_case_deadline(case, "mediation", on).due
        case.save(update_fields=["status", "accepted_on", "handler", "handling_due"])
        step(case, actor, "accepted", "已受理", on, f"调解期限至 {case.handling_due:%Y-%m-%d}")
        record(
            actor,
            "complaints.case.accept",
            case,
            {"status": Status.RECEIVED},
            {"status": case.status, "accepted_on": on, "handling_due": case.handling_due},
        )
    return case


def reject_case(*, actor, case: Case, on: dt.date, ground: str, note: str = "") -> Case:
    """Decide not to accept (不予受理) with its ground; under Order 121 a repeated report may go unhandled."""
    not_future(on, "决定日期", "on")
    if ground not in NotAcceptedGround.values:
        raise ComplaintsError("bad_ground", "请选择不予受理的理由", {"ground": "请选择不予受理的理由"})
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if case.status not in (Status.RECEIVED,):
            raise ComplaintsError("not_receivable", "只有待受理的件可以作出不予受理决定")
        case.status, case.outcome, case.not_accepted_ground = (
            Status.NOT_ACCEPTED,
            Outcome.NOT_ACCEPTED,
            ground,
        )
        case.closed_on, case.result_text = on, note[:2000]
        _handler_of(actor, case)
        case.save(
            update_fields=["status", "outcome", "not_accepted_ground", "closed_on", "result_text", "handler"]
        )
        step(case, actor, "not_accepted", "不予受理", on, str(NotAcceptedGround(ground).label))
        record(actor, "complaints.case.reject", case, None, {"ground": ground, "on": on})
        emit_outcome(case)
    return case


def record_mediation(
    *, actor, case: Case, held_on: dt.date, agreed: bool, note: str, amount="0", method: str = "电话调解"
) -> Mediation:
    """Record a mediation session (调解记录); the case is in mediation from the first one."""
    not_future(held_on, "调解日期", "held_on")
    if not note.strip():
        raise ComplaintsError("note_missing", "请填写调解情况", {"note": "请填写调解情况"})
    amount = _amount(amount)
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if case.status not in (Status.ACCEPTED, Status.MEDIATING):
            raise ComplaintsError("not_accepted", "只有已受理的投诉可以调解")
        if case.accepted_on and held_on < case.accepted_on:
            raise ComplaintsError(
                "bad_date", "调解日期不能早于受理日期", {"held_on": "调解日期不能早于受理日期"}
            )
        mediation = Mediation.objects.create(
            case=case,
            held_on=held_on,
            agreed=agreed,
            note=note.strip(),
            amount=amount,
            method=method[:20],
            by=None if is_system(actor) else actor,
        )
        case.status = Status.MEDIATING
        _handler_of(actor, case)
        case.save(update_fields=["status", "handler"])
        step(case, actor, "mediation", "调解" + ("达成协议" if agreed else "未达成协议"), held_on, "")
        record(
            actor,
            "complaints.case.mediate",
            case,
            None,
            {"held_on": held_on, "agreed": agreed, "amount": amount, "method": method},
        )
    return mediation


def pause_clock(*, actor, case: Case, reason: str, started_on: dt.date) -> ClockPause:
    """Testing, appraisal and the like stop the mediation clock (Order 20 Art 20)."""
    not_future(started_on, "开始日期", "started_on")
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if (
            case.status not in (Status.ACCEPTED, Status.MEDIATING)
            or case.pauses.filter(ended_on=None).exists()
        ):
            raise ComplaintsError("cannot_pause", "该件当前不能中止计时")
        pause = ClockPause.objects.create(
            case=case, reason=reason.strip()[:100] or "检验鉴定", started_on=started_on
        )
        step(case, actor, "paused", "检验鉴定，中止计时", started_on, reason)
        record(actor, "complaints.case.pause", case, None, {"reason": reason, "started_on": started_on})
    return pause


def resume_clock(*, actor, case: Case, ended_on: dt.date) -> Case:
    """End a pause; the mediation limit moves by the working days it lasted."""
    not_future(ended_on, "结束日期", "ended_on")
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        pause = case.pauses.filter(ended_on=None).first()
        if pause is None:
            raise ComplaintsError("not_paused", "该件未中止计时")
        if ended_on < pause.started_on:
            raise ComplaintsError(
                "bad_date", "结束日期不能早于开始日期", {"ended_on": "结束日期不能早于开始日期"}
            )
        pause.ended_on = ended_on
        pause.save(update_fields=["ended_on"])
        calendar = Calendar()
        paused = 0
        for finished in case.pauses.exclude(ended_on=None):
            paused += calendar.count(finished.started_on, finished.ended_on or ended_on).value
        assert case.accepted_on is not None  # a paused case was accepted
        before = case.handling_due
        case.handling_due = deadlines.set_case_deadline(
            case, "mediation", case.accepted_on, extra_days=paused
        ).due
        case.save(update_fields=["handling_due"])
        step(case, actor, "resumed", "恢复计时", ended_on, f"期限顺延至 {case.handling_due:%Y-%m-%d}")
        record(
            actor,
            "complaints.case.resume",
            case,
            {"handling_due": before},
            {"handling_due": case.handling_due},
        )
    return case


def close_case(
    *,
    actor,
    case: Case,
    on: dt.date,
    outcome: str,
    result_text: str = "",
    termination_ground: str = "",
    amount=None,
) -> Case:
    """Close a complaint (办结): mediated, or mediation terminated on a statutory ground; an enquiry answered."""
    not_future(on, "办结日期", "on")
    allowed: dict[str, tuple[str, ...]] = {
        Kind.COMPLAINT: (Outcome.MEDIATED, Outcome.TERMINATED),
        Kind.ENQUIRY: (Outcome.ANSWERED,),
    }
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if case.status not in OPEN_STATUSES or case.status in (Status.ODR, Status.DISPUTED):
            raise ComplaintsError("not_open", "该件当前状态不能办结")
        if outcome not in allowed.get(case.kind, ()):
            raise ComplaintsError("bad_outcome", "处理结果与件的类别不符", {"outcome": "请选择处理结果"})
        if case.kind == Kind.COMPLAINT and case.status == Status.RECEIVED:
            raise ComplaintsError("not_accepted", "投诉须先受理再办结")
        if outcome == Outcome.TERMINATED and termination_ground not in TerminationGround.values:
            raise ComplaintsError(
                "ground_missing", "终止调解须选择法定理由", {"termination_ground": "请选择终止调解理由"}
            )
        if outcome == Outcome.MEDIATED and not case.mediations.filter(agreed=True).exists():
            raise ComplaintsError("no_agreement", "调解成功须先记录达成协议的调解")
        if on < case.received_on:
            raise ComplaintsError("bad_date", "办结日期不能早于登记日期", {"on": "办结日期不能早于登记日期"})
        recovered = (
            _amount(amount)
            if amount not in (None, "")
            else case.mediations.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        )
        case.status, case.outcome, case.closed_on = Status.CLOSED, outcome, on
        case.termination_ground = termination_ground if outcome == Outcome.TERMINATED else ""
        case.amount_recovered, case.result_text = recovered, result_text.strip()[:4000]
        _handler_of(actor, case)
        case.save(
            update_fields=[
                "status",
                "outcome",
                "closed_on",
                "termination_ground",
                "amount_recovered",
                "result_text",
                "handler",
            ]
        )
        if outcome == Outcome.TERMINATED:
            deadlines.set_case_deadline(case, "termination_notice", on)
        step(
            case,
            actor,
            "closed",
            f"办结：{case.get_outcome_display()}",
            on,
            str(TerminationGround(termination_ground).label) if case.termination_ground else "",
        )
        record(
            actor,
            "complaints.case.close",
            case,
            None,
            {
                "outcome": outcome,
                "on": on,
                "amount_recovered": recovered,
                "termination_ground": termination_ground,
            },
        )
        emit_outcome(case)
    return case


def tell_parties(*, actor, case: Case, on: dt.date) -> Case:
    """Record that the parties were told mediation ended (告知终止调解)."""
    not_future(on, "告知日期", "on")
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if case.outcome != Outcome.TERMINATED:
            raise ComplaintsError("not_terminated", "只有终止调解的投诉需要告知当事人")
        case.parties_told_on = on
        case.save(update_fields=["parties_told_on"])
        step(case, actor, "parties_told", "已告知当事人终止调解", on)
        record(actor, "complaints.case.tell_parties", case, None, {"on": on})
    return case


def extend_verification(*, actor, case: Case, reason: str) -> Case:
    """Extend a report's check by 15 working days with the head's approval (延长核查)."""
    if not reason.strip():
        raise ComplaintsError("reason_missing", "请填写延期理由", {"reason": "请填写延期理由"})
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if case.kind != Kind.REPORT or not case.is_open:
            raise ComplaintsError("not_open", "只有办理中的举报可以延长核查期限")
        found = deadlines.deadlines_of(case).get("report_verify")
        if found is None or found.working_days > int(deadlines.rule_for(case, "report_verify").value):
            raise ComplaintsError("extended", "核查期限已延长过一次")
        extra = int(deadlines.rule("complaints.report_verify_extension", on=case.received_on).value)
        case.handling_due = deadlines.set_case_deadline(
            case, "report_verify", found.start, extra_days=extra
        ).due
        case.save(update_fields=["handling_due"])
        step(case, actor, "extended", "经批准延长核查期限", found.start, reason, public=False)
        record(
            actor, "complaints.case.extend", case, None, {"handling_due": case.handling_due, "reason": reason}
        )
    return case


def decide_report(
    *, actor, case: Case, on: dt.date, filed: bool, decision_no: str = "", note: str = ""
) -> Case:
    """Decide whether a report becomes a case (立案 / 不予立案); a real-name reporter is told within the limit."""
    not_future(on, "决定日期", "on")
    if filed and not decision_no.strip():
        raise ComplaintsError(
            "decision_no_missing", "立案须填写立案决定文号", {"decision_no": "请填写立案决定文号"}
        )
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if case.kind != Kind.REPORT or not case.is_open or case.status == Status.DISPUTED:
            raise ComplaintsError("not_open", "只有办理中的举报可以作出立案决定")
        case.status, case.closed_on = Status.CLOSED, on
        case.outcome = Outcome.FILED if filed else Outcome.NOT_FILED
        case.case_decision_no, case.result_text = decision_no.strip()[:60], note.strip()[:4000]
        _handler_of(actor, case)
        case.save(
            update_fields=["status", "closed_on", "outcome", "case_decision_no", "result_text", "handler"]
        )
        if not case.anonymous:
            deadlines.set_case_deadline(case, "report_feedback", on)
        step(case, actor, "decided", "举报" + ("已立案" if filed else "不予立案"), on, "")
        record(
            actor,
            "complaints.case.decide_report",
            case,
            None,
            {"filed": filed, "decision_no": decision_no, "on": on},
        )
        emit_outcome(case)
    return case


def tell_reporter(*, actor, case: Case, on: dt.date) -> Case:
    not_future(on, "告知日期", "on")
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if case.kind != Kind.REPORT or case.anonymous or case.status != Status.CLOSED:
            raise ComplaintsError("no_feedback", "只有已作出决定的实名举报需要告知举报人")
        case.reporter_told_on = on
        case.save(update_fields=["reporter_told_on"])
        step(case, actor, "reporter_told", "已告知举报人处理结果", on)
        record(actor, "complaints.case.tell_reporter", case, None, {"on": on})
    return case


def leave_repeated_report(*, actor, case: Case, on: dt.date) -> Case:
    """Under Order 121 a repeated identical report may be left unhandled (不再处理)."""
    with transaction.atomic():
        case = lock(case)
        require_change(actor, case)
        if not case.repeated_report or case.rule_version != RuleVersion.ORDER_121 or not case.is_open:
            raise ComplaintsError("not_repeated", "只有第121号令下的重复举报可以不再处理")
        case.status, case.outcome, case.closed_on = Status.NOT_ACCEPTED, Outcome.NOT_ACCEPTED, on
        case.not_accepted_ground = NotAcceptedGround.REPEATED
        case.save(update_fields=["status", "outcome", "closed_on", "not_accepted_ground"])
        step(case, actor, "repeated", "重复举报，不再处理", on)
        record(actor, "complaints.case.leave_repeated", case, None, {"on": on})
    return case


def merge_cases(*, actor, case: Case, into: Case, reason: str, on: dt.date | None = None) -> Case:
    """Merge a duplicate into the case that carries on (合并处理), with a reason."""
    on = on or dt.date.today()
    if not reason.strip():
        raise ComplaintsError("reason_missing", "请填写合并理由", {"reason": "请填写合并理由"})
    if case.pk == into.pk:
        raise ComplaintsError("same_case", "不能与自身合并")
    with transaction.atomic():
        case, into = lock(case), lock(into)
        require_change(actor, case)
        require_change(actor, into)
        if not case.is_open or into.status == Status.MERGED:
            raise ComplaintsError("not_open", "该件当前状态不能合并")
        case.status, case.outcome, case.closed_on = Status.MERGED, Outcome.MERGED, on
        case.merged_into, case.merge_reason = into, reason.strip()[:300]
        case.save(update_fields=["status", "outcome", "closed_on", "merged_into", "merge_reason"])
        step(case, actor, "merged", f"与{into.code}合并处理", on, reason)
        step(into, actor, "merged_in", f"并入{case.code}", on, reason, public=False)
        record(actor, "complaints.case.merge", case, None, {"into": into.code, "reason": reason})
    return case
