"""The standards register: search, record one standard, import a list."""

from __future__ import annotations

from django.shortcuts import redirect, render

from zhijian.core.access import allows, policy_view, public_view
from zhijian.core.jobs import start_upload_job
from zhijian.core.lists import filters_of, paginate
from zhijian.core.scoping import VIEW, get_scoped
from zhijian.core.uploads import upload_limit

from ..forms import StandardFilter, StandardForm, UploadForm
from ..models import Standard
from ..queries import search_standards
from ..services import save_standard
from ..tasks import import_standards_task
from . import run_form


def _save(*, actor, number, replaced_by, **fields):
    return save_standard(actor=actor, number=number, replaced_by=replaced_by or "", **fields)


@public_view
def standard_list(request):
    flt = StandardFilter(request.GET or None)
    params = flt.cleaned_data if flt.is_valid() else {}
    rows = search_standards(
        request.user, params.get("q", ""), params.get("kind", ""), params.get("status", "")
    )
    page = paginate(request, rows, params=filters_of(request, "q", "kind", "status"))
    form = None
    if allows(request.user, "quality.standard.change"):
        form = StandardForm(request.POST or None)
        if request.method == "POST":
            done = run_form(
                request, form, _save, success="已保存到标准库", redirect_to="quality:standard_list"
            )
            if done:
                return done
    return render(request, "quality/standard_list.html", {"filter": flt, "page": page, "form": form})


@public_view
def standard_detail(request, pk: int):
    standard = get_scoped(Standard.objects.select_related("replaced_by"), request.user, VIEW, pk=pk)
    return render(
        request,
        "quality/standard_detail.html",
        {
            "standard": standard,
            "replaces": standard.replaces.all(),
            "capabilities": standard.capabilities.filter(active=True).select_related("provider"),
        },
    )


@upload_limit("quality.standards_import")
@policy_view("quality.standard.change")
def standard_import(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(
            owner=request.user,
            kind="quality.standards_import",
            title=f"导入标准清单 {form.cleaned_data['file'].name}",
            upload=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            task=import_standards_task,
        )
        return redirect("job_detail", pk=job.pk)
    return render(request, "quality/standard_import.html", {"form": form})


__all__ = ["standard_detail", "standard_import", "standard_list"]
