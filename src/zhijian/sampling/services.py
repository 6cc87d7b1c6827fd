"""State changes of the sampling chain: each a function ``verb_noun(*, actor, ...)``, one transaction,
permission-checked through ``core.scoping``, audited, emitting its events in the same transaction.

``actor`` is a user, or a string naming the operator on the server's command line (``"cli"``,
``"demo"``), who acts city-wide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.codes import CodeError, validate_uscc
from zhijian.core.errors import DomainError, Forbidden
from zhijian.core.models import Department, Jurisdiction, Role
from zhijian.core.scoping import CHANGE, CITY_WIDE, can
from zhijian.registry.models import Entity

from . import deadlines
from .draw import DrawError, draw_retest_lab
from .judgement import FAIL, PASS, JudgementError, judge
from .models import (
    Announcement,
    CaseEvidence,
    CaseMeasure,
    CaseRecheck,
    CaseStatus,
    ItemType,
    Kind,
    Laboratory,
    LoopStatus,
    MeasureKind,
    Objection,
    ObjectionStatus,
    OutsideNotice,
    PostProcessingCase,
    Purpose,
    Round,
    Sample,
    SampleStatus,
    SamplingPlan,
    SamplingTask,
    TestItem,
    TestResult,
    laboratory_id_of,
)
from .results import ItemOutcome, ResultWriter, SampleOutcome, sample_facts

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".ofd", ".docx", ".xlsx", ".doc", ".xls", ".zip"}
# Where an overdue case is escalated (逾期升级): the city department that leads the kind of sampling.
ESCALATE_TO = {Kind.FOOD: "food_coordination", Kind.PRODUCT: "product"}


class SamplingError(DomainError):
    """A refused operation: ``code`` is stable English, ``str()`` the Chinese message."""


class NotAllowed(SamplingError, Forbidden):
    def __init__(self, message: str = "您没有执行该操作的权限"):
        super().__init__("forbidden", message)


def _system(actor) -> bool:
    return actor is None or isinstance(actor, str)


def _require(actor, roles: Iterable[str], message: str = "您没有执行该操作的权限") -> None:
    if _system(actor):
        return
    if not actor.is_active or actor.role not in set(roles):
        raise NotAllowed(message)


def _may_change(actor, obj) -> None:
    if not _system(actor) and not can(actor, obj, CHANGE):
        raise NotAllowed()


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(day: dt.date, label: str) -> None:
    if day > _today():
        raise SamplingError("date_in_future", f"{label}（{day:%Y-%m-%d}）不能晚于今天")


def _lock(model, pk: int):
    return model.objects.select_for_update().get(pk=pk)


# --- plans and tasks ---------------------------------------------------------------------------------


def create_plan(
    *, actor, year: int, kind: str, purpose: str, title: str, level: str = "city", department=None
) -> SamplingPlan:
    """Create a sampling plan (抽检计划); city departments and the administrator only."""
    _require(actor, CITY_WIDE, "只有市局可以制定抽检计划")
    if not title.strip():
        raise SamplingError("title_missing", "请填写计划名称")
    if kind not in Kind.values or purpose not in Purpose.values:
        raise SamplingError("bad_choice", "计划类别或性质无效")
    with transaction.atomic():
        plan = SamplingPlan.objects.create(
            year=year, kind=kind, purpose=purpose, level=level, title=title.strip(), department=department
        )
        audit.record(
            actor,
            audit.Change(
                "sampling.plan.create",
                "SamplingPlan",
                str(plan.pk),
                None,
                {"year": year, "kind": kind, "purpose": purpose, "title": plan.title},
            ),
        )
    return plan


def create_task(
    *,
    actor,
    plan: SamplingPlan,
    category,
    stage: str,
    jurisdiction: Jurisdiction,
    laboratory: Laboratory,
    quota: int,
    due_on: dt.date,
) -> SamplingTask:
    """Assign a task of ``plan`` to a laboratory (下达抽检任务)."""
    _require(actor, CITY_WIDE, "只有市局可以下达抽检任务")
    if category.kind != plan.kind or category.parent_id is None:
        raise SamplingError("bad_category", "任务类别须为本计划类别下的细类")
    if not jurisdiction.is_county_level:
        raise SamplingError("bad_jurisdiction", "任务须下达到区县(市)局或分局")
    if not laboratory.active or not (
        laboratory.tests_food if plan.kind == Kind.FOOD else laboratory.tests_products
    ):
        raise SamplingError("bad_laboratory", f"{laboratory.name}不承检此类样品")
    if quota <= 0:
        raise SamplingError("bad_quota", "计划批次须大于0")
    with transaction.atomic():
        task = SamplingTask.objects.create(
            plan=plan,
            category=category,
            stage=stage,
            jurisdiction=jurisdiction,
            laboratory=laboratory,
            quota=quota,
            due_on=due_on,
        )
        audit.record(
            actor,
            audit.Change(
                "sampling.task.create",
                "SamplingTask",
                str(task.pk),
                None,
                {
                    "plan_id": plan.pk,
                    "category": category.code,
                    "stage": stage,
                    "jurisdiction": jurisdiction.code,
                    "laboratory": laboratory.code,
                    "quota": quota,
                    "due_on": due_on,
                },
            ),
        )
    return task


# --- samples -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyIn:
    """A seller or producer as the sampling form gives it."""

    name: str
    uscc: str = ""
    address: str = ""
    region: str = ""


def _division_units() -> dict[str, Jurisdiction]:
    return {j.division_code: j for j in Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT)}


def resolve_party(party: PartyIn, *, role_label: str) -> tuple[Entity | None, str, Jurisdiction | None]:
    """Resolve a party to the register: (entity or None, normalised USCC, county-level unit or None).

    A code found in the register is local; a code whose registration area is in the city but which
    the register does not hold is local too (its district from the code); anything else is outside.
    """
    if not party.name.strip():
        raise SamplingError("party_missing", f"请填写{role_label}名称")
    uscc = ""
    if party.uscc.strip():
        try:
            uscc = validate_uscc(party.uscc)
        except CodeError as exc:
            raise SamplingError(exc.code, f"{role_label}：{exc}") from None
    if not uscc:
        return None, "", None
    entity = Entity.objects.select_related("jurisdiction").filter(uscc=uscc).first()
    if entity is not None:
        return entity, uscc, entity.jurisdiction
    city_prefix = (
        Jurisdiction.objects.filter(level=Jurisdiction.Level.CITY).values_list("code", flat=True).first()
    )
    if city_prefix and uscc[2:6] == city_prefix[:4]:
        unit = _division_units().get(uscc[2:8])
        return None, uscc, unit
    return None, uscc, None


def _next_sample_no(kind: str, unit: Jurisdiction, year: int) -> str:
    prefix = f"{'DC' if kind == Kind.FOOD else 'CP'}{year % 100:02d}{unit.code}"
    last = Sample.objects.filter(sample_no__startswith=prefix).aggregate(m=Max("sample_no"))["m"]
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def register_sample(
    *,
    actor,
    task: SamplingTask,
    product_name: str,
    sampled_on: dt.date,
    seller: PartyIn,
    producer: PartyIn,
    brand: str = "",
    specification: str = "",
    batch_no: str = "",
    production_date: dt.date | None = None,
    samplers: str = "",
) -> Sample:
    """Record a sample taken under ``task`` (抽样) and start its delivery deadline."""
    _require(actor, {Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT}, "只有市场监管部门可以登记抽样")
    _may_change(actor, task)
    if not product_name.strip():
        raise SamplingError("product_missing", "请填写样品名称")
    _not_future(sampled_on, "抽样日期")
    if production_date and production_date > sampled_on:
        raise SamplingError("bad_production_date", "生产日期不能晚于抽样日期")
    seller_entity, seller_uscc, seller_unit = resolve_party(seller, role_label="被抽样单位")
    if seller_unit is not None and seller_unit.pk != task.jurisdiction_id:
        raise SamplingError(
            "seller_elsewhere",
            f"被抽样单位属{seller_unit.name}，不在本任务的抽样辖区{task.jurisdiction.name}",
        )
    producer_entity, producer_uscc, producer_unit = (None, "", None)
    if producer.name.strip():
        producer_entity, producer_uscc, producer_unit = resolve_party(producer, role_label="标称生产者")
        if producer_unit is None and not producer.region.strip() and not producer_uscc:
            raise SamplingError("producer_region_missing", "本市以外的标称生产者须填写所在地（省、市）")
    for attempt in range(3):
        try:
            with transaction.atomic():
                sample = Sample.objects.create(
                    sample_no=_next_sample_no(task.plan.kind, task.jurisdiction, sampled_on.year),
                    task=task,
                    kind=task.plan.kind,
                    purpose=task.plan.purpose,
                    stage=task.stage,
                    category=task.category,
                    jurisdiction=task.jurisdiction,
                    laboratory=task.laboratory,
                    product_name=product_name.strip(),
                    brand=brand.strip(),
                    specification=specification.strip(),
                    batch_no=batch_no.strip(),
                    production_date=production_date,
                    seller=seller_entity,
                    seller_uscc=seller_uscc,
                    seller_name=seller.name.strip(),
                    seller_address=seller.address.strip(),
                    seller_jurisdiction=seller_unit,
                    producer=producer_entity,
                    producer_uscc=producer_uscc,
                    producer_name=producer.name.strip(),
                    producer_address=producer.address.strip(),
                    producer_region=producer.region.strip() or (producer_unit.name if producer_unit else ""),
                    producer_jurisdiction=producer_unit,
                    sampled_on=sampled_on,
                    samplers=samplers.strip(),
                )
                deadlines.set_chain_deadline(sample, "at_lab", sample.kind, sampled_on)
                audit.record(
                    actor,
                    audit.Change(
                        "sampling.sample.register",
                        "Sample",
                        str(sample.pk),
                        None,
                        {
                            "sample_no": sample.sample_no,
                            "task_id": task.pk,
                            "product": sample.product_name,
                            "seller": [seller_uscc, sample.seller_name],
                            "producer": [producer_uscc, sample.producer_name],
                            "sampled_on": sampled_on,
                        },
                    ),
                )
            return sample
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _lab_may_report(actor, sample: Sample) -> None:
    if _system(actor):
        return
    if actor.role != Role.LAB or laboratory_id_of(actor) != sample.laboratory_id:
        raise NotAllowed("只有承检该样品的检验机构可以录入结果")


def confirm_receipt(*, actor, sample: Sample, received_on: dt.date) -> Sample:
    """The laboratory confirms the sample arrived (收样); the report deadline starts."""
    _lab_may_report(actor, sample)
    _not_future(received_on, "收样日期")
    if received_on < sample.sampled_on:
        raise SamplingError("received_before_sampled", "收样日期不能早于抽样日期")
    with transaction.atomic():
        sample = _lock(Sample, sample.pk)
        if sample.status != SampleStatus.SAMPLED:
            raise SamplingError("already_received", "该样品已确认收样")
        sample.received_on, sample.status = received_on, SampleStatus.RECEIVED
        sample.save(update_fields=["received_on", "status"])
        deadlines.set_chain_deadline(sample, "report", sample.kind, received_on)
        audit.record(
            actor,
            audit.Change(
                "sampling.sample.receive",
                "Sample",
                str(sample.pk),
                {"status": SampleStatus.SAMPLED},
                {"status": SampleStatus.RECEIVED, "received_on": received_on},
            ),
        )
    return sample


@dataclass(frozen=True)
class ItemIn:
    """One item result as entered: the item, the figure as written, its unit and detection limit."""

    item_id: int
    measured: str
    unit: str = ""
    detection_limit: str = ""


def judge_items(
    category_id: int, entries: list[ItemIn], *, allowed: set[int] | None = None
) -> list[ItemOutcome]:
    """Judge entered items of a category; raise :class:`SamplingError` naming the first bad one."""
    items = {i.pk: i for i in TestItem.objects.filter(category_id=category_id)}
    seen: set[int] = set()
    outcomes = []
    for entry in entries:
        item = items.get(entry.item_id)
        if item is None or (allowed is not None and entry.item_id not in allowed):
            raise SamplingError("unknown_item", "检验项目不属于该样品的检验项目")
        if entry.item_id in seen:
            raise SamplingError("duplicate_item", f"检验项目“{item.name}”重复")
        seen.add(entry.item_id)
        try:
            verdict = judge(
                item.limit_spec, entry.measured.strip(), entry.unit.strip(), entry.detection_limit.strip()
            )
        except JudgementError as exc:
            raise SamplingError("bad_result", f"{item.name}：{exc}") from None
        outcomes.append(ItemOutcome(item.pk, item.name, entry.measured.strip(), entry.unit.strip(), verdict))
    if not outcomes:
        raise SamplingError("no_items", "至少录入一个检验项目的结果")
    return outcomes


def record_results(
    *,
    actor,
    sample: Sample,
    report_no: str,
    reported_on: dt.date,
    items: list[ItemIn],
    received_on: dt.date | None = None,
) -> Sample:
    """The laboratory reports a sample's results (出具检验报告): judged per item and as a whole.

    A failure opens the post-processing cases and emits ``sampling.sample_failed``.
    """
    _lab_may_report(actor, sample)
    if not report_no.strip():
        raise SamplingError("report_no_missing", "请填写检验报告编号")
    _not_future(reported_on, "报告日期")
    outcomes = judge_items(sample.category_id, items)
    with transaction.atomic():
        sample = _lock(Sample, sample.pk)
        if sample.status == SampleStatus.REPORTED:
            raise SamplingError("already_reported", f"该样品已出具检验报告（{sample.report_no}）")
        receipt = sample.received_on or received_on
        if receipt is None:
            raise SamplingError("received_missing", "请填写收样日期")
        _not_future(receipt, "收样日期")
        if receipt < sample.sampled_on:
            raise SamplingError("received_before_sampled", "收样日期不能早于抽样日期")
        if reported_on < receipt:
            raise SamplingError("reported_before_received", "报告日期不能早于收样日期")
        writer = ResultWriter(actor)
        writer.write(
            [
                SampleOutcome(
                    sample.pk,
                    report_no.strip(),
                    reported_on,
                    received_on if sample.received_on is None else None,
                    outcomes,
                    kind=sample.kind,
                    prior_status=sample.status,
                    prior_received_on=sample.received_on,
                )
            ]
        )
    sample.refresh_from_db()
    return sample


def serve_result(*, actor, sample: Sample, served_on: dt.date) -> Sample:
    """Record that the result was served on the parties (结论送达); a failure's re-test window starts."""
    _require(actor, {Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT}, "只有市场监管部门可以送达检验结论")
    _may_change(actor, sample)
    _not_future(served_on, "送达日期")
    with transaction.atomic():
        sample = _lock(Sample, sample.pk)
        if sample.status != SampleStatus.REPORTED:
            raise SamplingError("not_reported", "检验报告尚未出具，不能送达")
        if sample.served_on is not None:
            raise SamplingError("already_served", f"检验结论已于{sample.served_on:%Y-%m-%d}送达")
        if sample.reported_on and served_on < sample.reported_on:
            raise SamplingError("served_before_report", "送达日期不能早于报告日期")
        sample.served_on = served_on
        sample.save(update_fields=["served_on"])
        if sample.initial_judgement == FAIL:
            deadlines.set_chain_deadline(sample, deadlines.request_kind(sample.kind), sample.kind, served_on)
        audit.record(
            actor,
            audit.Change("sampling.result.serve", "Sample", str(sample.pk), None, {"served_on": served_on}),
        )
    return sample


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
    _require(actor, {Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT}, "只有市场监管部门可以受理复检申请")
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
            recorded_by=None if _system(actor) else actor,
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
    if not _system(actor) and (actor.role != Role.LAB or laboratory_id_of(actor) != objection.retest_lab_id):
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
            from .results import failure_payload

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


# --- post-processing ---------------------------------------------------------------------------------


def _open_case(actor, case: PostProcessingCase) -> PostProcessingCase:
    _require(actor, {Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT}, "只有市场监管部门可以办理核查处置")
    _may_change(actor, case)
    case = _lock(PostProcessingCase, case.pk)
    if case.status != CaseStatus.OPEN:
        raise SamplingError("case_not_open", "该核查处置已办结或已撤销")
    return case


def add_measure(
    *,
    actor,
    case: PostProcessingCase,
    kind: str,
    taken_on: dt.date,
    document_no: str = "",
    quantity: str = "",
    note: str = "",
) -> CaseMeasure:
    """Record a measure (下架, 召回, 封存, 责令整改, 立案查处) taken in a case."""
    if kind not in MeasureKind.values:
        raise SamplingError("bad_measure", "处置措施无效")
    _not_future(taken_on, "措施日期")
    with transaction.atomic():
        case = _open_case(actor, case)
        if taken_on < case.opened_on:
            raise SamplingError("measure_before_case", "措施日期不能早于立案日期")
        measure = CaseMeasure.objects.create(
            case=case,
            kind=kind,
            taken_on=taken_on,
            document_no=document_no.strip(),
            quantity=quantity.strip(),
            note=note.strip(),
            recorded_by=None if _system(actor) else actor,
        )
        audit.record(
            actor,
            audit.Change(
                "sampling.case.measure",
                "PostProcessingCase",
                str(case.pk),
                None,
                {
                    "measure": kind,
                    "taken_on": taken_on,
                    "document_no": measure.document_no,
                    "note": measure.note,
                },
            ),
        )
    return measure


def add_recheck(
    *, actor, case: PostProcessingCase, checked_on: dt.date, passed: bool, note: str = ""
) -> CaseRecheck:
    """Record a re-check (复查) of the rectification."""
    _not_future(checked_on, "复查日期")
    with transaction.atomic():
        case = _open_case(actor, case)
        if checked_on < case.opened_on:
            raise SamplingError("recheck_before_case", "复查日期不能早于立案日期")
        recheck = CaseRecheck.objects.create(
            case=case,
            checked_on=checked_on,
            passed=passed,
            note=note.strip(),
            recorded_by=None if _system(actor) else actor,
        )
        audit.record(
            actor,
            audit.Change(
                "sampling.case.recheck",
                "PostProcessingCase",
                str(case.pk),
                None,
                {"checked_on": checked_on, "passed": passed, "note": recheck.note},
            ),
        )
    return recheck


def add_evidence(*, actor, case: PostProcessingCase, uploaded, description: str) -> CaseEvidence:
    """Attach a file of evidence (证据材料) to a case; its SHA-256 is kept and audited."""
    name = PurePath(getattr(uploaded, "name", "") or "").name
    if not name or PurePath(name).suffix.lower() not in EVIDENCE_SUFFIXES:
        raise SamplingError("bad_file_type", "证据材料须为PDF、OFD、图片、Word、Excel或ZIP文件")
    if uploaded.size > EVIDENCE_MAX_BYTES:
        raise SamplingError("file_too_large", "证据材料不能超过20MB")
    if uploaded.size == 0:
        raise SamplingError("file_empty", "证据材料为空文件")
    if not description.strip():
        raise SamplingError("description_missing", "请填写证据说明")
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    with transaction.atomic():
        case = _open_case(actor, case)
        evidence = CaseEvidence(
            case=case,
            file_name=name[:200],
            description=description.strip()[:200],
            sha256=digest.hexdigest(),
            size=uploaded.size,
            uploaded_by=None if _system(actor) else actor,
        )
        evidence.file.save(name, uploaded, save=False)
        evidence.save()
        audit.record(
            actor,
            audit.Change(
                "sampling.case.evidence",
                "PostProcessingCase",
                str(case.pk),
                None,
                {"file": evidence.file_name, "sha256": evidence.sha256, "size": evidence.size},
            ),
        )
    return evidence


def close_case(*, actor, case: PostProcessingCase, closed_on: dt.date, conclusion: str) -> PostProcessingCase:
    """Close a case (办结) with evidence. Closes the sample's loop when its last case and notice are done."""
    _not_future(closed_on, "办结日期")
    if not conclusion.strip():
        raise SamplingError("conclusion_missing", "请填写处置结论")
    with transaction.atomic():
        case = _open_case(actor, case)
        if closed_on < case.opened_on:
            raise SamplingError("closed_before_opened", "办结日期不能早于立案日期")
        measures = list(case.measures.all())
        if not measures:
            raise SamplingError("no_measure", "尚未记录任何处置措施，不能办结")
        if not case.evidence.exists():
            raise SamplingError("no_evidence", "尚未上传证据材料，不能办结")
        if any(m.kind == MeasureKind.RECTIFY for m in measures):
            last = case.rechecks.order_by("-checked_on", "-id").first()
            if last is None or not last.passed:
                raise SamplingError("not_rechecked", "责令整改的须复查且整改到位后才能办结")
        case.status, case.closed_on, case.conclusion = CaseStatus.CLOSED, closed_on, conclusion.strip()
        case.closed_by = None if _system(actor) else actor
        case.save(update_fields=["status", "closed_on", "conclusion", "closed_by"])
        audit.record(
            actor,
            audit.Change(
                "sampling.case.close",
                "PostProcessingCase",
                str(case.pk),
                {"status": CaseStatus.OPEN},
                {"status": CaseStatus.CLOSED, "closed_on": closed_on, "conclusion": case.conclusion},
            ),
        )
        _close_loop_if_done(actor, case.sample_id)
    return case


def send_notice(*, actor, notice: OutsideNotice, sent_on: dt.date, document_no: str) -> OutsideNotice:
    """Record that the notice to the outside regulator went out (发送协查函)."""
    _require(actor, {Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT})
    _may_change(actor, notice)
    _not_future(sent_on, "发函日期")
    if not document_no.strip():
        raise SamplingError("document_no_missing", "请填写函号")
    with transaction.atomic():
        notice = _lock(OutsideNotice, notice.pk)
        if notice.sent_on is not None:
            raise SamplingError("already_sent", "协查函已发送")
        if sent_on < notice.created_on:
            raise SamplingError("sent_before_created", "发函日期不能早于生成日期")
        notice.sent_on, notice.document_no = sent_on, document_no.strip()
        notice.save(update_fields=["sent_on", "document_no"])
        audit.record(
            actor,
            audit.Change(
                "sampling.notice.send",
                "OutsideNotice",
                str(notice.pk),
                None,
                {"sent_on": sent_on, "document_no": notice.document_no},
            ),
        )
        _close_loop_if_done(actor, notice.sample_id)
    return notice


def _close_loop_if_done(actor, sample_id: int) -> None:
    """Both ways traced (生产、流通双向追溯): the loop closes when every case and notice is done."""
    sample = _lock(Sample, sample_id)
    if sample.loop_status != LoopStatus.OPEN:
        return
    cases = list(sample.cases.values_list("status", "closed_on"))
    notices = list(sample.outside_notices.values_list("sent_on", flat=True))
    if any(status == CaseStatus.OPEN for status, _ in cases) or any(sent is None for sent in notices):
        return
    finished = [day for _, day in cases if day] + [day for day in notices if day]
    sample.loop_status, sample.loop_closed_on = LoopStatus.CLOSED, max(finished)
    sample.save(update_fields=["loop_status", "loop_closed_on"])
    audit.record(
        actor,
        audit.Change(
            "sampling.loop.close",
            "Sample",
            str(sample.pk),
            {"loop_status": LoopStatus.OPEN},
            {"loop_status": LoopStatus.CLOSED, "loop_closed_on": sample.loop_closed_on},
        ),
    )


def escalate_overdue_cases(*, actor, today: dt.date | None = None) -> int:
    """Escalate every open case past its deadline to the city department (逾期升级); return how many."""
    _require(actor, CITY_WIDE, "只有市局可以执行逾期升级")
    today = today or _today()
    departments = {d.code: d for d in Department.objects.filter(code__in=ESCALATE_TO.values())}
    with transaction.atomic():
        overdue = list(
            PostProcessingCase.objects.select_for_update()
            .filter(status=CaseStatus.OPEN, escalated_on__isnull=True)
            .annotate(due=deadlines.due_of("disposal"))
            .filter(due__lt=today)
            .values_list("pk", "sample__kind", "due")
        )
        changes = []
        for kind in Kind.values:
            ids = [pk for pk, sample_kind, _ in overdue if sample_kind == kind]
            department = departments.get(ESCALATE_TO[Kind(kind)])
            if ids:
                PostProcessingCase.objects.filter(pk__in=ids).update(
                    escalated_on=today, escalated_to=department
                )
        for pk, _kind, due in overdue:
            changes.append(
                audit.Change(
                    "sampling.case.escalate",
                    "PostProcessingCase",
                    str(pk),
                    {"escalated_on": None},
                    {"escalated_on": today, "due": due},
                )
            )
        if changes:
            audit.record_many(actor, changes)
    return len(overdue)


# --- announcements -----------------------------------------------------------------------------------


def compile_announcement(
    *, actor, kind: str, period_start: dt.date, period_end: dt.date, issue: str, title: str = ""
) -> Announcement:
    """Gather the samples concluded up to ``period_end`` and not yet announced into a draft (抽检信息公告).

    Failures are held back while a re-test is running or the re-test window is still open.
    """
    _require(actor, CITY_WIDE, "只有市局可以编制抽检信息公告")
    if period_end < period_start:
        raise SamplingError("bad_period", "截止日期不能早于起始日期")
    if not issue.strip():
        raise SamplingError("issue_missing", "请填写期号")
    today = _today()
    city = Jurisdiction.objects.get(level=Jurisdiction.Level.CITY)
    with transaction.atomic():
        candidates = Sample.objects.filter(
            kind=kind,
            status=SampleStatus.REPORTED,
            announcement__isnull=True,
            reported_on__lte=period_end,
        ).exclude(objections__status=ObjectionStatus.RETESTING)
        window = deadlines.due_of(deadlines.request_kind(kind))
        held_back = list(
            candidates.filter(judgement=FAIL)
            .annotate(window_due=window)
            .filter(Q(served_on__isnull=True) | Q(window_due__gte=today))
            .values_list("pk", flat=True)
        )
        chosen = candidates.exclude(pk__in=held_back)
        if Announcement.objects.filter(kind=kind, issue=issue.strip()).exists():
            raise SamplingError("issue_taken", f"期号“{issue.strip()}”已存在")
        label = Kind(kind).label
        announcement = Announcement.objects.create(
            kind=kind,
            title=title.strip()
            or f"宁波市市场监督管理局关于{period_start:%Y年%m月%d日}至{period_end:%Y年%m月%d日}{label}抽检情况的通告（{issue.strip()}）",
            issue=issue.strip(),
            period_start=period_start,
            period_end=period_end,
            jurisdiction=city,
            compiled_by=None if _system(actor) else actor,
        )
        ids = list(chosen.values_list("pk", flat=True))
        Sample.objects.filter(pk__in=ids).update(announcement=announcement)
        passes = Sample.objects.filter(announcement=announcement, judgement=PASS).count()
        announcement.passes, announcement.failures = passes, len(ids) - passes
        announcement.save(update_fields=["passes", "failures"])
        audit.record(
            actor,
            audit.Change(
                "sampling.announcement.compile",
                "Announcement",
                str(announcement.pk),
                None,
                {"issue": announcement.issue, "samples": len(ids), "failures": announcement.failures},
            ),
        )
    return announcement


def publish_announcement(
    *, actor, announcement: Announcement, published_on: dt.date | None = None
) -> Announcement:
    """Publish a draft announcement on the portal (公布)."""
    _require(actor, CITY_WIDE, "只有市局可以发布抽检信息公告")
    published_on = published_on or _today()
    _not_future(published_on, "发布日期")
    with transaction.atomic():
        announcement = _lock(Announcement, announcement.pk)
        if announcement.published:
            raise SamplingError("already_published", "该公告已发布")
        announcement.published, announcement.published_on = True, published_on
        announcement.save(update_fields=["published", "published_on"])
        audit.record(
            actor,
            audit.Change(
                "sampling.announcement.publish",
                "Announcement",
                str(announcement.pk),
                {"published": False},
                {"published": True, "published_on": published_on},
            ),
        )
    return announcement
