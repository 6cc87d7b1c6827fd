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
from zhijian.core.errors import FAILED, attempt
from zhijian.core.jobs import start_upload_job
from zhijian.core.models import Job, RuleValue
from zhijian.core.params import date_param, int_param
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, CITY_WIDE, VIEW, get_scoped, restrict
from zhijian.core.uploads import upload_limit
from zhijian.registry.models import Entity

from .. import queries
from ..forms import DisputeDecisionForm, EnrolForm, ImportForm, RuleConfirmForm, WithdrawForm
from ..models import Cluster, Enrolment, JurisdictionDispute, RuleCheck, Status
from ..services import ComplaintsError, firms, routing
from ..services.rules import confirm_rule


@policy_view("complaints.handle")
@require_http_methods(["GET", "POST"])
@upload_limit("complaints.import")
def import_cases(request):
    """Upload the national platform's export; the import runs in the worker with visible progress."""
    from ..tasks import import_cases_task

    recent = Job.objects.filter(owner=request.user, kind="complaints.import").order_by("-id")[:10]
    if request.method == "GET":
        return render(request, "complaints/import.html", {"form": ImportForm(), "recent": recent})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "complaints/import.html", {"form": form, "recent": recent}, status=400)
    upload = form.cleaned_data["file"]
    job = start_upload_job(
        owner=request.user,
        kind="complaints.import",
        title=f"导入12315平台数据：{upload.name}",
        upload=upload,
        dry_run=form.cleaned_data["dry_run"],
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


def _refusal_in_messages(request, form) -> None:
    """A refused form the page no longer offers (its row decided or gone): its errors as messages."""
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))


def _with_refused(request, rows: list, refused) -> list:
    """``rows`` as (row key, form or None) with a refused (key, bound form) in its row's place; when no
    row of the page offers it any more (decided, withdrawn meanwhile), its errors go to the messages."""
    if refused is None:
        return rows
    key, form = refused
    if not any(row_key == key and row_form is not None for row_key, row_form in rows):
        _refusal_in_messages(request, form)
        return rows
    return [(row_key, form if row_key == key else row_form) for row_key, row_form in rows]


def _disputes_page(request, *, refused: tuple[int, DisputeDecisionForm] | None = None, status: int = 200):
    visible = JurisdictionDispute.objects.select_related(
        "case", "raised_by_unit", "other_unit", "decided_unit"
    )
    if request.user.role not in CITY_WIDE:
        district = request.user.jurisdiction.district_id or request.user.jurisdiction_id
        visible = visible.filter(Q(raised_by_unit_id=district) | Q(other_unit_id=district))
    listed = {row.pk: row for row in visible.order_by("decided_on", "due")[:200]}
    may_decide = allows(request.user, "complaints.decide_dispute")
    forms = [
        (
            pk,
            DisputeDecisionForm(dispute=row, auto_id=f"id_d{pk}_%s")
            if may_decide and not row.decided_on
            else None,
        )
        for pk, row in listed.items()
    ]
    forms = _with_refused(request, forms, refused)
    return render(
        request,
        "complaints/disputes.html",
        {
            "disputes": [(listed[pk], form) for pk, form in forms],
            "may_decide": may_decide,
            "today": timezone.localdate(),
        },
        status=status,
    )


@policy_view("complaints.read")
@require_http_methods(["GET", "POST"])
def disputes(request):
    """Jurisdiction disputes awaiting the city (管辖争议); the city designates the unit."""
    if request.method == "GET":
        return _disputes_page(request)
    dispute = (
        JurisdictionDispute.objects.select_related("raised_by_unit", "other_unit")
        .filter(pk=int_param(request.POST, "dispute") or 0)
        .first()
    )
    if dispute is None:
        raise Http404
    form = DisputeDecisionForm(request.POST, dispute=dispute, auto_id=f"id_d{dispute.pk}_%s")
    if form.is_valid():
        done = attempt(
            request,
            routing.decide_dispute,
            actor=request.user,
            dispute=dispute,
            unit=form.cleaned_data["unit"],
            note=form.cleaned_data["note"],
            form=form,
            success="已指定管辖",
        )
        if done is not FAILED:
            return redirect("complaints:disputes")
    return _disputes_page(request, refused=(dispute.pk, form), status=400)


def _enrolments_page(
    request,
    *,
    enrol_form: EnrolForm | None = None,
    refused: tuple[int, WithdrawForm] | None = None,
    status: int = 200,
):
    q = request.GET.get("q", "").strip()
    rows = restrict(Enrolment.objects.all(), request.user, VIEW).select_related("entity", "jurisdiction")
    if q:
        rows = rows.filter(Q(uscc=q.upper()) | Q(entity__name__contains=q))
    listed = {row.pk: row for row in rows.order_by("-enrolled_on", "-id")[:300]}
    may_change = allows(request.user, "complaints.handle")
    forms = [
        (pk, WithdrawForm(auto_id=f"id_w{pk}_%s") if may_change and not row.withdrawn_on else None)
        for pk, row in listed.items()
    ]
    forms = _with_refused(request, forms, refused)
    today = timezone.localdate()
    return render(
        request,
        "complaints/enrolments.html",
        {
            "rows": [(listed[pk], form) for pk, form in forms],
            "q": q,
            "enrol_form": enrol_form or EnrolForm(auto_id="id_enrol_%s"),
            "odr": queries.enrolled_count(Enrolment.Programme.ODR, today),
            "comp_first": queries.enrolled_count(Enrolment.Programme.COMPENSATION_FIRST, today),
            "may_change": may_change,
        },
        status=status,
    )


def _enrol(actor, *, uscc: str, programme: str, on: dt.date) -> Enrolment:
    """Enrol a firm of the register the officer can see; an unknown or unseen code is refused beside it."""
    entity = restrict(Entity.objects.all(), actor, VIEW).filter(uscc=uscc).first()
    if entity is None:
        message = "主体库中没有您可查看的该统一社会信用代码"
        raise ComplaintsError("unknown_entity", message, {"uscc": message})
    return firms.enrol_firm(actor=actor, entity=entity, programme=programme, on=on)


@policy_view("complaints.read")
@require_http_methods(["GET", "POST"])
def enrolments(request):
    """The ODR and 赔偿先付 registers with their history (加入、退出)."""
    if request.method == "GET":
        return _enrolments_page(request)
    if request.POST.get("op") == "withdraw":
        enrolment = get_scoped(
            Enrolment.objects.all(), request.user, CHANGE, pk=int_param(request.POST, "enrolment") or 0
        )
        form = WithdrawForm(request.POST, auto_id=f"id_w{enrolment.pk}_%s")
        if form.is_valid():
            done = attempt(
                request,
                firms.withdraw_firm,
                actor=request.user,
                enrolment=enrolment,
                **form.cleaned_data,
                form=form,
                success="已登记退出",
            )
            if done is not FAILED:
                return redirect("complaints:enrolments")
        return _enrolments_page(request, refused=(enrolment.pk, form), status=400)
    enrol_form = EnrolForm(request.POST, auto_id="id_enrol_%s")
    if enrol_form.is_valid():
        done = attempt(
            request, _enrol, request.user, **enrol_form.cleaned_data, form=enrol_form, success="已登记加入"
        )
        if done is not FAILED:
            return redirect("complaints:enrolments")
    return _enrolments_page(request, enrol_form=enrol_form, status=400)


def _rules_page(request, *, refused: tuple[int, RuleConfirmForm] | None = None, status: int = 200):
    rows = list(
        RuleValue.objects.filter(key__startswith="complaints.")
        .select_related("complaints_check")
        .order_by("key", "valid_from")
    )
    may_confirm = allows(request.user, "complaints.confirm_rules")
    checks = [getattr(rule, "complaints_check", None) for rule in rows]
    forms = [
        (
            check.pk if check is not None else None,
            RuleConfirmForm(auto_id=f"id_r{check.pk}_%s")
            if may_confirm and check is not None and not check.confirmed_on
            else None,
        )
        for check in checks
    ]
    forms = _with_refused(request, forms, refused)
    table = [(rule, check, form) for rule, check, (_pk, form) in zip(rows, checks, forms, strict=True)]
    return render(
        request, "complaints/rules.html", {"rows": table, "may_confirm": may_confirm}, status=status
    )


@policy_view("complaints.read")
@require_http_methods(["GET", "POST"])
def rules(request):
    """The procedure's rule data with its articles; Order 121's rows wait for the administrator's check."""
    if request.method == "GET":
        return _rules_page(request)
    check = RuleCheck.objects.filter(pk=int_param(request.POST, "check") or 0).first()
    if check is None:
        raise Http404
    form = RuleConfirmForm(request.POST, auto_id=f"id_r{check.pk}_%s")
    if form.is_valid():
        done = attempt(
            request,
            confirm_rule,
            actor=request.user,
            check=check,
            checked_against=form.cleaned_data["checked_against"],
            form=form,
            success="已确认",
        )
        if done is not FAILED:
            return redirect("complaints:rules")
    return _rules_page(request, refused=(check.pk, form), status=400)


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
