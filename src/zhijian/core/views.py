"""Core pages: home, job progress, the holiday-notice loader."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import events, schedule
from .access import login_view, policy_view
from .errors import FAILED, DomainError, attempt
from .exports import XLSX, attachment, export_path
from .hooks import figures_for, link, todos_for
from .models import HolidayNotice, Job, Role, ScheduledRun
from .params import id_list
from .summaries import kept_for_user, summary_seconds
from .workdays import load_notice


@login_view
def home(request):
    """The workbench (工作台): the user's to-dos from every app, overdue first, and key figures."""
    if request.user.role == Role.ENTERPRISE:
        own = link("registry.entity", request.user.entity_uscc)
        if own:
            return redirect(own)
    # A domain app may give a role its own start page (AppConfig.home_for_roles: role → URL name).
    for config in apps.get_app_configs():
        start = getattr(config, "home_for_roles", {}).get(request.user.role)
        if start:
            return redirect(start)
    todos, figures, counted_at = workbench(request.user)
    return render(
        request,
        "core/home.html",
        {"todos": todos, "figures": figures, "counted_at": counted_at, "cache_seconds": summary_seconds()},
    )


def workbench(user) -> tuple[list, list, dt.datetime | None]:
    """The user's to-dos and key figures, and when they were counted (None: just now).

    Every app's counts cost a few dozen queries; they are kept a few seconds per user (summaries.py).
    """
    (todos, figures), counted_at = kept_for_user(
        user, "workbench", lambda: (todos_for(user), figures_for(user))
    )
    return todos, figures, counted_at


@login_view
def job_detail(request, pk: int):
    try:
        job = Job.objects.get(pk=pk, owner=request.user)
    except Job.DoesNotExist:
        raise Http404 from None
    template = "core/job_status.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_view
def job_download(request, pk: int):
    """The file of a finished background export, to the job's owner only."""
    job = Job.objects.filter(pk=pk, owner=request.user, status=Job.Status.SUCCEEDED).first()
    download = (job.result or {}).get("download") if job else None
    path = export_path(pk)
    if not download or not path.exists():
        raise Http404
    return attachment(FileResponse(path.open("rb"), content_type=XLSX), download)


def parse_notice_lines(text: str) -> list[tuple[dt.date, bool, str]]:
    """Lines 'YYYY-MM-DD,休|班,name' → (date, is_workday, name). Raises DomainError in Chinese."""
    days = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if len(parts) < 2:
            raise DomainError("bad_notice_line", f"第{number}行应为“日期,休或班,名称”")
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise DomainError("bad_notice_line", f"第{number}行的日期“{parts[0]}”无法识别") from None
        if parts[1] not in ("休", "班"):
            raise DomainError("bad_notice_line", f"第{number}行第二项应为“休”或“班”")
        days.append((day, parts[1] == "班", parts[2] if len(parts) > 2 else ""))
    return days


def _load_notice_from_form(request) -> tuple[int, int]:
    year_text = request.POST.get("year", "").strip()
    if not (year_text.isascii() and year_text.isdigit()) or not 2000 <= int(year_text) <= 2100:
        raise DomainError("bad_year", "年份无效：应为2000–2100之间的四位数字", fields={"year": "年份无效"})
    year = int(year_text)
    days = parse_notice_lines(request.POST.get("days", ""))
    return year, load_notice(actor=request.user, year=year, source=request.POST.get("source", ""), days=days)


@policy_view("core.operate")
@require_http_methods(["GET", "POST"])
def calendar_notice(request):
    if request.method == "POST":
        outcome = attempt(request, _load_notice_from_form, request)
        if outcome is not FAILED:
            year, recomputed = outcome
            messages.success(request, f"已载入{year}年放假安排，重算临时期限{recomputed}个")
            return redirect("core:calendar_notice")
    notices = HolidayNotice.objects.order_by("-year")
    return render(request, "core/calendar.html", {"notices": notices})


@policy_view("core.operate")
@require_http_methods(["GET", "POST"])
def events_dead(request):
    """Dead letters of the event relay, with replay (死信事件)."""
    if request.method == "POST":
        ids = [] if request.POST.get("all") else id_list(request.POST.getlist("id"))
        count = events.replay(ids=ids) if ids or request.POST.get("all") else 0
        messages.success(request, f"已将 {count} 条死信放回投递队列")
        return redirect("core:events_dead")
    dead = list(events.dead_letters().order_by("id")[:500])
    for d in dead:
        d.last_line = (d.last_error.strip().splitlines() or [""])[-1][:120]
    return render(request, "core/events_dead.html", {"dead": dead})


@policy_view("core.operate")
def schedule_runs(request):
    """定时任务: every app's scheduled jobs, their latest run and the recent runs, failures first."""
    latest = schedule.latest_runs()
    rows = [(job, latest.get(job.name)) for job in schedule.jobs().values()]
    rows.sort(key=lambda r: (not (r[1] and r[1].status == ScheduledRun.Status.FAILED), r[0].name))
    recent = ScheduledRun.objects.order_by("-started_at", "-id")[:50]
    return render(request, "core/schedule.html", {"rows": rows, "recent": recent})
