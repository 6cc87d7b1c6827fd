"""Office pages: platform import, clusters, jurisdiction disputes, the ODR and 赔偿先付 registers,
rule data and its confirmation, statistics."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zhijian.core.access import allows, policy_view
from zhijian.core.jobs import start_upload_job
from zhijian.core.models import Job, RuleValue
from zhijian.core.params import date_param, int_param
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, CITY_WIDE, VIEW, get_scoped, restrict
from zhijian.core.uploads import upload_limit
from zhijian.registry.models import Entity

from .. import queries
from ..models import Cluster, Enrolment, JurisdictionDispute, RuleCheck, Status
from ..services import ComplaintsError, firms, routing
from ..services.rules import confirm_rule
from ._common import day


@policy_view("complaints.handle")
@require_http_methods(["GET", "POST"])
@upload_limit("complaints.import")
def import_cases(request):
    """Upload the national platform's export; the import runs in the worker with visible progress."""
    from ..tasks import import_cases_task

    recent = Job.objects.filter(owner=request.user, kind="complaints.import").order_by("-id")[:10]
    if request.method == "GET":
        return render(request, "complaints/import.html", {"recent": recent})
    upload = request.FILES.get("file")
    if upload is None:
        return render(
            request, "complaints/import.html", {"error": "请选择要导入的文件", "recent": recent}, status=400
        )
    job = start_upload_job(
        owner=request.user,
        kind="complaints.import",
        title=f"导入12315平台数据：{upload.name}",
        upload=upload,
        dry_run=request.POST.get("dry_run") == "1",
        task=import_cases_task,
    )
    return redirect(reverse("core:job_detail", args=[job.pk]))


@policy_view("complaints.read")
def clusters(request):
    rows = (
        restrict(Cluster.objects.all(), request.user, VIEW)
        .select_related("jurisdiction")
        .order_by("-month", "-size")[:200]
    )
    return render(request, "complaints/clusters.html", {"clusters": rows})


@policy_view("complaints.read")
@require_http_methods(["GET", "POST"])
def disputes(request):
    """Jurisdiction disputes awaiting the city (管辖争议); the city designates the unit."""
    if request.method == "POST":
        dispute = JurisdictionDispute.objects.filter(pk=request.POST.get("dispute") or 0).first()
        if dispute is None:
            raise Http404
        try:
            routing.decide_dispute(
                actor=request.user,
                dispute=dispute,
                unit=int(request.POST.get("unit") or 0),
                note=request.POST.get("note", ""),
            )
        except (ComplaintsError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请选择指定的单位"))
        else:
            messages.success(request, "已指定管辖")
        return redirect("complaints:disputes")
    visible = JurisdictionDispute.objects.select_related(
        "case", "raised_by_unit", "other_unit", "decided_unit"
    )
    if request.user.role not in CITY_WIDE:
        district = request.user.jurisdiction.district_id or request.user.jurisdiction_id
        visible = visible.filter(Q(raised_by_unit_id=district) | Q(other_unit_id=district))
    return render(
        request,
        "complaints/disputes.html",
        {
            "disputes": visible.order_by("decided_on", "due")[:200],
            "may_decide": allows(request.user, "complaints.decide_dispute"),
            "today": timezone.localdate(),
        },
    )


@policy_view("complaints.read")
@require_http_methods(["GET", "POST"])
def enrolments(request):
    """The ODR and 赔偿先付 registers with their history (加入、退出)."""
    if request.method == "POST":
        try:
            if request.POST.get("op") == "withdraw":
                enrolment = get_scoped(
                    Enrolment.objects.all(), request.user, CHANGE, pk=int(request.POST.get("enrolment") or 0)
                )
                firms.withdraw_firm(
                    actor=request.user,
                    enrolment=enrolment,
                    on=day(request.POST.get("on"), timezone.localdate()),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "已登记退出")
            else:
                entity = get_scoped(
                    Entity.objects.all(),
                    request.user,
                    VIEW,
                    uscc=request.POST.get("uscc", "").strip().upper(),
                )
                firms.enrol_firm(
                    actor=request.user,
                    entity=entity,
                    programme=request.POST.get("programme", ""),
                    on=day(request.POST.get("on"), timezone.localdate()),
                )
                messages.success(request, "已登记加入")
        except ComplaintsError as exc:
            messages.error(request, exc.message)
        return redirect("complaints:enrolments")
    q = request.GET.get("q", "").strip()
    rows = restrict(Enrolment.objects.all(), request.user, VIEW).select_related("entity", "jurisdiction")
    if q:
        rows = rows.filter(Q(uscc=q.upper()) | Q(entity__name__contains=q))
    today = timezone.localdate()
    return render(
        request,
        "complaints/enrolments.html",
        {
            "rows": rows.order_by("-enrolled_on", "-id")[:300],
            "q": q,
            "programmes": Enrolment.Programme.choices,
            "odr": queries.enrolled_count(Enrolment.Programme.ODR, today),
            "comp_first": queries.enrolled_count(Enrolment.Programme.COMPENSATION_FIRST, today),
            "may_change": allows(request.user, "complaints.handle"),
        },
    )


@policy_view("complaints.read")
@require_http_methods(["GET", "POST"])
def rules(request):
    """The procedure's rule data with its articles; Order 121's rows wait for the administrator's check."""
    if request.method == "POST":
        check = RuleCheck.objects.filter(pk=request.POST.get("check") or 0).first()
        if check is None:
            raise Http404
        try:
            confirm_rule(
                actor=request.user, check=check, checked_against=request.POST.get("checked_against", "")
            )
        except ComplaintsError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已确认")
        return redirect("complaints:rules")
    rows = (
        RuleValue.objects.filter(key__startswith="complaints.")
        .select_related("complaints_check")
        .order_by("key", "valid_from")
    )
    return render(
        request,
        "complaints/rules.html",
        {"rows": rows, "may_confirm": allows(request.user, "complaints.confirm_rules")},
    )


@policy_view("complaints.read")
def statistics(request):
    """Statistics by category, district and month, with table 2-1's figures."""
    today = timezone.localdate()
    start = date_param(request.GET, "start") or dt.date(today.year - 1, 1, 1)
    end = date_param(request.GET, "end") or today
    unit_id = int_param(request.GET, "jurisdiction")
    numbers = queries.figures(request.user, start, end, unit_id)
    chart = {
        "categories": [c for c, _ in numbers["by_category"]],
        "counts": [n for _, n in numbers["by_category"]],
    }
    return render(
        request,
        "complaints/statistics.html",
        {
            "f": numbers,
            "chart": json.dumps(chart),
            "units": county_units(),
            "unit_id": unit_id,
            "Status": Status,
        },
    )
