"""Inspectors' phone pages (移动端): today's assignments, record a result, attach photos."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.scoping import VIEW, get_scoped
from zhijian.core.uploads import upload_limit

from .. import queries, services
from ..forms import ResultForm
from ..models import Inspection, Inspector
from ..services import InspectionError


def _my_visit(request, pk: int) -> Inspection:
    return get_scoped(
        queries.with_deadlines(Inspection.objects.select_related("entity", "task")).filter(
            members__inspector__user=request.user
        ),
        request.user,
        VIEW,
        pk=pk,
    )


@policy_view("inspections.field")
def today(request):
    visits = list(queries.field_assignments(request.user)[:200])
    return render(
        request,
        "inspections/field_today.html",
        {
            "open": [v for v in visits if v.status == Inspection.Status.ASSIGNED],
            "done": [v for v in visits if v.status == Inspection.Status.COMPLETED][:20],
            "today": timezone.localdate(),
            "profile": Inspector.objects.filter(user=request.user).first(),
        },
    )


@policy_view("inspections.field")
def visit(request, pk: int):
    inspection = _my_visit(request, pk)
    initial = {
        "result_code": inspection.result_code,
        "violated_regulation": inspection.violated_regulation,
        "findings": inspection.findings,
        "completed_on": inspection.completed_on or timezone.localdate(),
        "rectification_due": inspection.rectification_due,
    }
    form = ResultForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            services.record_result,
            actor=request.user,
            inspection=inspection,
            **form.cleaned_data,
            form=form,
        )
        if outcome is not FAILED:
            messages.success(request, "检查结果已保存")
            return redirect("inspections:field_visit", pk=pk)
    return render(
        request,
        "inspections/field_visit.html",
        {
            "inspection": inspection,
            "form": form,
            "items": inspection.task.items.all(),
            "members": inspection.members.select_related("inspector"),
            "photos": inspection.attachments.all(),
        },
    )


@policy_view("inspections.field")
@require_POST
@upload_limit("inspections.photo")
def photo(request, pk: int):
    inspection = _my_visit(request, pk)
    uploads = request.FILES.getlist("photo")
    if not uploads:
        messages.error(request, "请选择要上传的照片")
    for upload in uploads:
        if upload.size > services.MAX_ATTACHMENT_BYTES:
            messages.error(request, f"{upload.name}：文件过大，单个文件不能超过 10 MB")
            continue
        try:
            services.attach_file(
                actor=request.user, inspection=inspection, name=upload.name, data=upload.read()
            )
        except InspectionError as exc:
            messages.error(request, f"{upload.name}：{exc}")
        else:
            messages.success(request, f"已上传：{upload.name}")
    return redirect("inspections:field_visit", pk=pk)
