"""Samples (样品): registration, receipt by the laboratory, results and service of the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max

from zhijian.core import audit
from zhijian.core.access import is_system
from zhijian.core.codes import CodeError, validate_uscc
from zhijian.core.models import Jurisdiction, Role
from zhijian.registry.models import Entity

from .. import deadlines
from ..judgement import FAIL, JudgementError, judge
from ..models import (
    Kind,
    Sample,
    SampleStatus,
    SamplingTask,
    TestItem,
    laboratory_id_of,
)
from ..results import ItemOutcome, ResultWriter, SampleOutcome
from ._common import NotAllowed, SamplingError, _lock, _may_change, _not_future, _require

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
    _require(actor, "sampling.sample", "只有市场监管部门可以登记抽样")
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
    if is_system(actor):
        return
    if actor.role != Role.LAB or laboratory_id_of(actor) != sample.laboratory_id:
        raise NotAllowed("只有承检该样品的检验机构可以录入结果")


def confirm_receipt(*, actor, sample: Sample, received_on: dt.date) -> Sample:
    """The laboratory confirms the sample arrived (收样); the report deadline starts."""
    _lab_may_report(actor, sample)
    _not_future(received_on, "收样日期", "received_on")
    if received_on < sample.sampled_on:
        raise SamplingError(
            "received_before_sampled", "收样日期不能早于抽样日期", fields={"received_on": "不能早于抽样日期"}
        )
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
            raise SamplingError(
                "received_before_sampled",
                "收样日期不能早于抽样日期",
                fields={"received_on": "不能早于抽样日期"},
            )
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
    _require(actor, "sampling.sample", "只有市场监管部门可以送达检验结论")
    _may_change(actor, sample)
    _not_future(served_on, "送达日期", "served_on")
    with transaction.atomic():
        sample = _lock(Sample, sample.pk)
        if sample.status != SampleStatus.REPORTED:
            raise SamplingError("not_reported", "检验报告尚未出具，不能送达")
        if sample.served_on is not None:
            raise SamplingError("already_served", f"检验结论已于{sample.served_on:%Y-%m-%d}送达")
        if sample.reported_on and served_on < sample.reported_on:
            raise SamplingError(
                "served_before_report", "送达日期不能早于报告日期", fields={"served_on": "不能早于报告日期"}
            )
        sample.served_on = served_on
        sample.save(update_fields=["served_on"])
        if sample.initial_judgement == FAIL:
            deadlines.set_chain_deadline(sample, deadlines.request_kind(sample.kind), sample.kind, served_on)
        audit.record(
            actor,
            audit.Change("sampling.result.serve", "Sample", str(sample.pk), None, {"served_on": served_on}),
        )
    return sample
