"""Objections and re-tests (异议与复检)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.access import is_system
from zhijian.core.codes import CodeError, validate_uscc
from zhijian.core.models import Role

from .. import deadlines
from ..draw import DrawError, draw_retest_lab
from ..judgement import FAIL, PASS
from ..models import (
    CaseStatus,
    ItemType,
    Kind,
    LoopStatus,
    Objection,
    ObjectionStatus,
    Round,
    Sample,
    TestResult,
    laboratory_id_of,
)
from ..results import sample_facts
from ._common import NotAllowed, SamplingError, _lock, _may_change, _not_future, _require
from .samples import ItemIn, judge_items

# --- re-test -----------------------------------------------------------------------------------------


def file_objection(
    *,
    actor,
    sample: Sample,
    applicant_uscc: str,
    applicant_name: str,
    applied_on: dt.date,
    item_ids: list[int],
    reason: str = "",
    seed: str | None = None,
) -> Objection:
    """Accept a re-test request (复检申请) or objection (异议) and draw the re-test laboratory.

    Refused when late (food: 7 working days from service, 食品安全法 第八十八条; products: 15 days,
    产品质量法 第十五条), for microbiological items of food, and after a re-test has already concluded.
    """
    _require(actor, "sampling.sample", "只有市场监管部门可以受理复检申请")
    _may_change(actor, sample)
    _not_future(applied_on, "申请日期")
    with transaction.atomic():
        sample = _lock(Sample, sample.pk)
        if sample.initial_judgement != FAIL:
            raise SamplingError("not_failed", "只有不合格的检验结论可以申请复检")
        if sample.objections.exists():
            raise SamplingError("already_retested", "该样品已受理过复检申请，复检结论为最终检验结论")
        if sample.served_on is None:
            raise SamplingError("not_served", "检验结论尚未送达，复检申请期限尚未起算")
        window = deadlines.deadlines_of(sample).get(deadlines.request_kind(sample.kind))
        assert window is not None
        if applied_on < sample.served_on:
            raise SamplingError("applied_before_served", "申请日期不能早于送达日期")
        if applied_on > window.due:
            label = "复检申请" if sample.kind == Kind.FOOD else "异议"
            raise SamplingError(
                "objection_late",
                f"已超过{label}期限（应于{window.due:%Y-%m-%d}前提出，{window.rule.legal_source if window.rule else ''}）",
            )
        parties = {sample.seller_uscc, sample.producer_uscc} - {""}
        try:
            applicant = validate_uscc(applicant_uscc) if applicant_uscc.strip() else ""
        except CodeError as exc:
            raise SamplingError(exc.code, f"申请人：{exc}") from None
        if applicant not in parties and applicant_name.strip() not in {
            sample.seller_name,
            sample.producer_name,
        }:
            raise SamplingError("not_a_party", "申请人须为被抽样单位或标称生产者")
        failed = dict(
            TestResult.objects.filter(sample=sample, round=Round.INITIAL, judgement=FAIL).values_list(
                "item_id", "item__item_type"
            )
        )
        chosen = set(item_ids)
        if not chosen or not chosen <= set(failed):
            raise SamplingError("bad_items", "复检项目须为初检不合格的项目")
        if sample.kind == Kind.FOOD and any(failed[i] == ItemType.MICROBE for i in chosen):
            raise SamplingError(
                "microbe_no_retest",
                "微生物指标不合格的不予复检（《食品安全抽样检验管理办法》规定的不予复检情形）",
            )
        try:
            drawn = draw_retest_lab(first_lab_id=sample.laboratory_id, kind=sample.kind, seed=seed)
        except DrawError as exc:
            raise SamplingError("no_retest_lab", str(exc)) from None
        objection = Objection.objects.create(
            sample=sample,
            applicant_uscc=applicant,
            applicant_name=applicant_name.strip(),
            applied_on=applied_on,
            reason=reason.strip(),
            retest_lab=drawn.laboratory,
            draw_seed=drawn.seed,
            draw_candidates=drawn.candidates,
            drawn_at=timezone.now(),
            recorded_by=None if is_system(actor) else actor,
        )
        objection.items.set(chosen)
        deadlines.set_chain_deadline(objection, "retest_report", sample.kind, applied_on)
        audit.record(
            actor,
            audit.Change(
                "sampling.objection.accept",
                "Objection",
                str(objection.pk),
                None,
                {
                    "sample_id": sample.pk,
                    "applicant": [applicant, objection.applicant_name],
                    "applied_on": applied_on,
                    "items": sorted(chosen),
                    "retest_lab": drawn.laboratory.code,
                    "seed": drawn.seed,
                    "candidates": drawn.candidates,
                },
            ),
        )
    return objection


def record_retest(
    *, actor, objection: Objection, report_no: str, reported_on: dt.date, items: list[ItemIn]
) -> Objection:
    """The drawn laboratory reports the re-test; its conclusion replaces the first (复检结论为最终结论).

    Both rounds stay on record. A reversal withdraws the open cases and emits
    ``sampling.judgement_reversed``; a confirmation emits ``sampling.sample_failed`` again.
    """
    if not is_system(actor) and (
        actor.role != Role.LAB or laboratory_id_of(actor) != objection.retest_lab_id
    ):
        raise NotAllowed("只有抽中的复检机构可以录入复检结果")
    if not report_no.strip():
        raise SamplingError("report_no_missing", "请填写复检报告编号")
    _not_future(reported_on, "复检报告日期")
    if reported_on < objection.applied_on:
        raise SamplingError("retest_before_request", "复检报告日期不能早于复检申请日期")
    wanted = set(objection.items.values_list("pk", flat=True))
    outcomes = judge_items(objection.sample.category_id, items, allowed=wanted)
    if {o.item_id for o in outcomes} != wanted:
        raise SamplingError("items_incomplete", "须录入全部复检项目的结果")
    outcome = FAIL if any(o.verdict.failed for o in outcomes) else PASS
    with transaction.atomic():
        objection = _lock(Objection, objection.pk)
        if objection.status != ObjectionStatus.RETESTING:
            raise SamplingError("already_retested", "复检结果已录入")
        sample = _lock(Sample, objection.sample_id)
        TestResult.objects.bulk_create(
            TestResult(
                sample=sample,
                item_id=o.item_id,
                round=Round.RETEST,
                measured=o.measured[:100],
                unit=o.unit,
                value=o.verdict.value,
                detection_limit=o.verdict.detection_limit,
                shown=o.verdict.shown[:200],
                judgement=o.verdict.judgement,
                reason=o.verdict.reason[:200],
            )
            for o in outcomes
        )
        objection.status, objection.outcome = ObjectionStatus.COMPLETED, outcome
        objection.retest_report_no, objection.retest_reported_on = report_no.strip(), reported_on
        objection.save(update_fields=["status", "outcome", "retest_report_no", "retest_reported_on"])
        before = {"judgement": sample.judgement, "loop_status": sample.loop_status}
        sample.judgement, sample.judged_on = outcome, reported_on
        facts = sample_facts([sample.pk])[sample.pk]
        if outcome == PASS:
            withdrawn = list(sample.cases.filter(status=CaseStatus.OPEN).values_list("pk", flat=True))
            sample.cases.filter(pk__in=withdrawn).update(
                status=CaseStatus.WITHDRAWN, closed_on=reported_on, conclusion="复检合格，撤销核查处置"
            )
            sample.loop_status, sample.loop_closed_on = LoopStatus.WITHDRAWN, reported_on
            audit.record_many(
                actor,
                [
                    audit.Change(
                        "sampling.case.withdraw",
                        "PostProcessingCase",
                        str(pk),
                        {"status": CaseStatus.OPEN},
                        {"status": CaseStatus.WITHDRAWN, "closed_on": reported_on},
                    )
                    for pk in withdrawn
                ],
            )
            events.emit(
                "sampling.judgement_reversed",
                {
                    "sample_id": sample.pk,
                    "sample_no": sample.sample_no,
                    "seller_uscc": facts["seller_uscc"] or None,
                    "producer_uscc": facts["producer_uscc"] if facts["producer_id"] else None,
                    "judged_on": reported_on.isoformat(),
                },
            )
        else:
            from ..results import failure_payload

            events.emit(
                "sampling.sample_failed",
                failure_payload(facts, reported_on, [o.item_name for o in outcomes if o.verdict.failed]),
            )
        sample.save(update_fields=["judgement", "judged_on", "loop_status", "loop_closed_on"])
        audit.record(
            actor,
            audit.Change(
                "sampling.objection.retest",
                "Sample",
                str(sample.pk),
                before,
                {
                    "judgement": outcome,
                    "loop_status": sample.loop_status,
                    "retest_report_no": objection.retest_report_no,
                    "retest_lab": objection.retest_lab_id,
                    "judged_on": reported_on,
                },
            ),
        )
    return objection
