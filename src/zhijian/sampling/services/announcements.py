"""Announcements of sampling results (抽检信息公告)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from zhijian.core import audit
from zhijian.core.access import is_system
from zhijian.core.models import Jurisdiction

from .. import deadlines
from ..judgement import FAIL, PASS
from ..models import (
    Announcement,
    Kind,
    ObjectionStatus,
    Sample,
    SampleStatus,
)
from ._common import SamplingError, _lock, _not_future, _require, _today

# --- announcements -----------------------------------------------------------------------------------


def compile_announcement(
    *, actor, kind: str, period_start: dt.date, period_end: dt.date, issue: str, title: str = ""
) -> Announcement:
    """Gather the samples concluded up to ``period_end`` and not yet announced into a draft (抽检信息公告).

    Failures are held back while a re-test is running or the re-test window is still open.
    """
    _require(actor, "sampling.plans.edit", "只有市局可以编制抽检信息公告")
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
            compiled_by=None if is_system(actor) else actor,
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
    _require(actor, "sampling.plans.edit", "只有市局可以发布抽检信息公告")
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
