"""Core pages: home, job progress, the holiday-notice loader."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from zhijian.registry.models import Entity

from .models import HolidayNotice, Job, Role
from .scoping import VIEW, restrict
from .workdays import NoticeError, load_notice


@login_required
def home(request):
    if request.user.role == Role.ENTERPRISE:
        return redirect("entity_detail", uscc=request.user.entity_uscc)
    # A domain app may give a role its own start page (AppConfig.home_for_roles: role → URL name).
    for config in apps.get_app_configs():
        start = getattr(config, "home_for_roles", {}).get(request.user.role)
        if start:
            return redirect(start)
    visible = restrict(Entity.objects.all(), request.user, VIEW)
    by_status = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    return render(request, "core/home.html", {"by_status": by_status, "total": sum(by_status.values())})


@login_required
def job_detail(request, pk: int):
    try:
        job = Job.objects.get(pk=pk, owner=request.user)
    except Job.DoesNotExist:
        raise Http404 from None
    template = "core/job_status.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {"job": job})


def parse_notice_lines(text: str) -> list[tuple[dt.date, bool, str]]:
    """Lines 'YYYY-MM-DD,休|班,name' → (date, is_workday, name). Raises NoticeError in Chinese."""
    days = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if len(parts) < 2:
            raise NoticeError(f"第{number}行应为“日期,休或班,名称”")
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise NoticeError(f"第{number}行的日期“{parts[0]}”无法识别") from None
        if parts[1] not in ("休", "班"):
            raise NoticeError(f"第{number}行第二项应为“休”或“班”")
        days.append((day, parts[1] == "班", parts[2] if len(parts) > 2 else ""))
    return days


@login_required
@require_http_methods(["GET", "POST"])
def calendar_notice(request):
    if request.user.role != Role.CITY_ADMIN:
        raise PermissionDenied
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", ""))
            days = parse_notice_lines(request.POST.get("days", ""))
            recomputed = load_notice(
                actor=request.user, year=year, source=request.POST.get("source", ""), days=days
            )
        except ValueError as exc:
            messages.error(request, str(exc) if isinstance(exc, NoticeError) else "年份无效")
        else:
            messages.success(request, f"已载入{year}年放假安排，重算临时期限{recomputed}个")
            return redirect("calendar_notice")
    notices = HolidayNotice.objects.order_by("-year")
    return render(request, "core/calendar.html", {"notices": notices})
