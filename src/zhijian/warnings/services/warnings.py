"""Triage and distribution (信号研判、预警分布): signals become warnings, warnings reach districts and
departments, recipients answer within their deadline, the office verifies and closes.

The closure rule (关闭规则): a warning closes when every recipient that had to follow up has answered
and the office has verified its measures; ``close_warning`` refuses otherwise and names who is
missing. Answer deadlines are rule data by classification (``warnings.answer.<classification>``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import require, require_object
from zhijian.core.errors import Conflict
from zhijian.core.events import emit
from zhijian.core.models import Department, Jurisdiction
from zhijian.core.rules import rule
from zhijian.core.workdays import due_after
from zhijian.registry.models import Entity

from ..models import Recipient, RiskWarning, Signal
from ._common import WarningsError, actor_name
from .notify import notify_recipients

Classification = RiskWarning.Classification


def _triaged(signal: Signal, actor, state: str, **fields) -> None:
    if signal.state != Signal.State.NEW:
        raise WarningsError("warnings.signal_triaged", f"该信号已{signal.get_state_display()}，不能再次研判")
    before = {"state": signal.state}
    signal.state, signal.triaged_at, signal.triaged_by = state, timezone.now(), actor_name(actor)
    for name, value in fields.items():
        setattr(signal, name, value)
    signal.save()
    audit.record(
        actor,
        audit.Change(
            f"warnings.signal_{state}",
            "warnings.Signal",
            str(signal.pk),
            before,
            {"state": state, **{k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items()}},
        ),
    )


def dismiss_signal(*, actor, signal: Signal, reason: str) -> Signal:
    """Dismiss a signal (排除) with the reason the office found."""
    actor = require(actor, "warnings.triage")
    if not reason.strip():
        raise WarningsError(
            "warnings.reason_required", "排除信号须说明理由", fields={"reason": "请填写排除理由"}
        )
    with transaction.atomic():
        _triaged(signal, actor, Signal.State.DISMISSED, dismiss_reason=reason.strip())
    return signal


def merge_signals(*, actor, target: Signal, others: list[Signal]) -> Signal:
    """Merge signals of one event into ``target`` (合并): their records join its evidence."""
    actor = require(actor, "warnings.triage")
    with transaction.atomic():
        for other in others:
            if other.pk == target.pk:
                continue
            target.observations.add(*other.observations.all())
            _triaged(other, actor, Signal.State.MERGED, merged_into=target)
    return target


def _next_number(year: int) -> str:
    prefix = f"YJ{year}"
    last = RiskWarning.objects.filter(number__startswith=prefix).aggregate(Max("number"))["number__max"]
    return f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:04d}"


# Limits counted on the clock from the moment of raising (holidays do not stop them).
CLOCK_UNITS = {"minutes": "minutes", "hours": "hours", "days": "days"}


def answer_due(classification: str, raised_at: dt.datetime) -> dt.datetime:
    """The answer deadline of a recipient: rule ``warnings.answer.<classification>`` from the raising.

    Minutes, hours and calendar days run on the clock from the raising (警示: 24 hours, holidays
    included); working days are counted on the Chinese calendar (core.workdays) from the local day
    of the raising, the deadline being the end of the last working day.
    """
    local = timezone.localtime(raised_at)
    limit = rule(f"warnings.answer.{classification}", local.date())
    if limit.unit in CLOCK_UNITS:
        return raised_at + dt.timedelta(**{CLOCK_UNITS[limit.unit]: float(limit.value)})
    due = due_after(local.date(), limit).value
    return timezone.make_aware(dt.datetime.combine(due, dt.time(23, 59)))


def distribution_districts(signals: list[Signal], producer: str) -> dict[int, str]:
    """Districts to reach, with why: where the records behind the signals were sampled or sold, and
    where the producer is registered (from the register)."""
    reasons: dict[int, list[str]] = {}
    for signal in signals:
        for district_id in (
            signal.observations.exclude(district=None).values_list("district_id", flat=True).distinct()
        ):
            reasons.setdefault(district_id, []).append("抽检/销售地")
    if producer:
        entity = Entity.objects.filter(name=producer).select_related("jurisdiction").first() or (
            Entity.objects.filter(uscc=producer).select_related("jurisdiction").first()
        )
        if entity is not None:
            jurisdiction = entity.jurisdiction
            reasons.setdefault(jurisdiction.district_id or jurisdiction.pk, []).append("生产者所在地")
    return {district: "、".join(dict.fromkeys(why)) for district, why in reasons.items()}


def raise_warning(
    *,
    actor,
    signals: list[Signal],
    title: str,
    classification: str,
    risk_level: str,
    hazard: str,
    product: str,
    producer: str = "",
    lots: str = "",
    description: str = "",
    departments: list[Department] | None = None,
    extra_districts: list[Jurisdiction] | None = None,
) -> RiskWarning:
    """Raise a warning from signals (发布预警) and distribute it; recipients are notified."""
    actor = require(actor, "warnings.triage")
    if classification not in Classification.values:
        raise WarningsError("warnings.classification", "预警类别应为警示、需跟进或供关注")
    if not signals:
        raise WarningsError("warnings.no_signal", "请至少选择一个预警信号")
    now = timezone.now()
    with transaction.atomic():
        warning = RiskWarning.objects.create(
            number=_next_number(now.year),
            title=title,
            classification=classification,
            risk_level=risk_level,
            hazard=hazard,
            product=product,
            producer=producer,
            lots=lots,
            description=description,
            raised_at=now,
            raised_by=actor_name(actor),
        )
        for signal in signals:
            _triaged(signal, actor, Signal.State.RAISED, warning=warning)
        due = answer_due(classification, now)
        follow = classification != Classification.ATTENTION
        targets = distribution_districts(signals, producer)
        for district in extra_districts or []:
            targets.setdefault(district.pk, "指定分发")
        recipients = [
            Recipient.objects.create(
                warning=warning, district_id=d, reason=why, must_follow_up=follow, due_at=due
            )
            for d, why in sorted(targets.items())
        ]
        recipients += [
            Recipient.objects.create(
                warning=warning, department=dep, reason="职责相关处室", must_follow_up=False, due_at=due
            )
            for dep in departments or []
        ]
        audit.record(
            actor,
            audit.Change(
                "warnings.raise_warning",
                "warnings.RiskWarning",
                str(warning.pk),
                None,
                {
                    "number": warning.number,
                    "classification": classification,
                    "risk_level": risk_level,
                    "signals": [s.pk for s in signals],
                    "recipients": [r.name for r in recipients],
                },
            ),
        )
        emit(
            "warnings.warning_raised",
            {
                "warning_id": warning.pk,
                "number": warning.number,
                "classification": classification,
                "risk_level": risk_level,
                "hazard": hazard,
                "product": product,
                "producer": producer,
                "districts": [r.district.code for r in recipients if r.district_id],
            },
        )
        notify_recipients(warning, recipients)
    return warning


def answer_warning(*, actor, recipient: Recipient, findings: str, measures: str) -> Recipient:
    """A recipient's answer (反馈): what it found and what it did."""
    actor = require(actor, "warnings.answer")
    require_object(actor, recipient, "change", "只能反馈本单位收到的预警")
    if recipient.warning.state == RiskWarning.State.CLOSED:
        raise WarningsError("warnings.closed", "预警已关闭，不能再反馈")
    if not findings.strip() or not measures.strip():
        raise WarningsError(
            "warnings.answer_incomplete",
            "请填写核查情况和处置措施",
            fields={"findings": "必填", "measures": "必填"},
        )
    with transaction.atomic():
        before = {"answered_at": recipient.answered_at}
        recipient.findings, recipient.measures = findings.strip(), measures.strip()
        recipient.answered_at, recipient.answered_by = timezone.now(), actor_name(actor)
        recipient.verified_at = None  # a new answer needs a new verification
        recipient.save()
        audit.record(
            actor,
            audit.Change(
                "warnings.answer_warning",
                "warnings.Recipient",
                str(recipient.pk),
                before,
                {"answered_at": recipient.answered_at, "on_time": recipient.answered_on_time},
            ),
        )
    return recipient


def verify_measures(*, actor, recipient: Recipient) -> Recipient:
    """The office confirms a recipient's measures (措施核实)."""
    actor = require(actor, "warnings.triage")
    if recipient.answered_at is None:
        raise WarningsError("warnings.not_answered", f"{recipient.name}尚未反馈，不能核实")
    with transaction.atomic():
        recipient.verified_at = timezone.now()
        recipient.save(update_fields=["verified_at"])
        audit.record(
            actor,
            audit.Change(
                "warnings.verify_measures",
                "warnings.Recipient",
                str(recipient.pk),
                None,
                {"verified_at": recipient.verified_at},
            ),
        )
    return recipient


def open_items(warning: RiskWarning) -> list[str]:
    """What stands between the warning and its closure, in words."""
    missing = []
    for recipient in warning.recipients.filter(must_follow_up=True).select_related("district", "department"):
        if recipient.answered_at is None:
            missing.append(f"{recipient.name}未反馈")
        elif recipient.verified_at is None:
            missing.append(f"{recipient.name}的措施未核实")
    return missing


def close_warning(*, actor, warning: RiskWarning) -> RiskWarning:
    """Close by the closure rule: every recipient that had to follow up answered and verified."""
    actor = require(actor, "warnings.triage")
    with transaction.atomic():
        warning = RiskWarning.objects.select_for_update().get(pk=warning.pk)
        if warning.state == RiskWarning.State.CLOSED:
            raise WarningsError("warnings.closed", "预警已关闭")
        missing = open_items(warning)
        if missing:
            raise Conflict("warnings.not_closable", "尚不能关闭：" + "；".join(missing))
        warning.state, warning.closed_at = RiskWarning.State.CLOSED, timezone.now()
        warning.save(update_fields=["state", "closed_at"])
        audit.record(
            actor,
            audit.Change(
                "warnings.close_warning",
                "warnings.RiskWarning",
                str(warning.pk),
                {"state": "open"},
                {"state": "closed"},
            ),
        )
        emit("warnings.warning_closed", {"warning_id": warning.pk, "number": warning.number})
    return warning


def publish_consumer_notice(*, actor, warning: RiskWarning, text: str) -> RiskWarning:
    """Publish a consumer warning (消费提示) on the portal."""
    actor = require(actor, "warnings.triage")
    if not text.strip():
        raise WarningsError("warnings.notice_empty", "消费提示内容不能为空", fields={"text": "必填"})
    with transaction.atomic():
        warning.consumer_notice, warning.notice_published_at = text.strip(), timezone.now()
        warning.save(update_fields=["consumer_notice", "notice_published_at"])
        audit.record(
            actor,
            audit.Change(
                "warnings.publish_consumer_notice",
                "warnings.RiskWarning",
                str(warning.pk),
                None,
                {"consumer_notice": warning.consumer_notice},
            ),
        )
    return warning
