"""Pages of the register for logged-in staff and enterprises."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhijian.core.access import login_view, policy_view
from zhijian.core.exports import start_export_job, xlsx_response
from zhijian.core.jobs import start_upload_job
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.models import Job
from zhijian.core.params import page_param
from zhijian.core.reference import county_units
from zhijian.core.uploads import upload_limit

from . import queries
from .exports import filter_labels, write_entities_xlsx
from .industries import cluster_choices, industry_label, industry_options
from .models import EntityStatus, EntityType, Tag
from .queries import EntityFilter, search_entities

PAGE_SIZE = 50


def page_number(params) -> int:
    return page_param(params)


def page_of(queryset, params, size: int = PAGE_SIZE):
    """Keyset-free, count-free paging: fetch one row more than shown to know if a next page exists."""
    page = page_number(params)
    rows = list(queryset[(page - 1) * size : page * size + 1])
    return rows[:size], page, len(rows) > size


# Sorting the register is offered only below the count cap (core.lists): 1.5 million rows stay newest-first.
ENTITY_SORTS = {
    "name": Sort("名称", ("name",)),
    "established_on": Sort("成立日期", ("established_on",)),
}


def filter_context(flt: EntityFilter, user=None) -> dict:
    return {
        "flt": flt,
        "jurisdictions": visible_districts(user, county_units()) if user is not None else county_units(),
        "entity_types": EntityType.choices,
        "statuses": EntityStatus.choices,
        "clusters": cluster_choices(),
        "tags": Tag.choices,
        "industry_options": industry_options(flt.industry),
        "industry": flt.industry,
    }


@policy_view("registry.view")
def entity_list(request):
    flt = EntityFilter.from_params(request.GET)
    need = page_number(request.GET) * 100 + 1
    page = paginate(
        request,
        search_entities(request.user, flt),
        sliced=search_entities(request.user, flt, need=need),
        sorts=ENTITY_SORTS,
        params=flt.as_params(),
        bounded_sorts=True,
    )
    return render(
        request,
        "registry/entity_list.html",
        {**filter_context(flt, request.user), "entities": page.rows, "page": page, "query": flt.as_params()},
    )


@login_view
def entity_detail(request, uscc: str):
    detail = queries.entity_detail(request.user, uscc)
    entity = detail.entity
    return render(
        request,
        "registry/entity_detail.html",
        {
            "entity": entity,
            "history": detail.history,
            "tags": detail.tags,
            "industry": industry_label(entity.industry_code),
            "cluster": dict(cluster_choices()).get(entity.cluster, ""),
        },
    )


@policy_view("registry.view")
def entity_export(request):
    flt = EntityFilter.from_params(request.GET)
    matched = search_entities(request.user, flt).order_by().values("pk")
    size = matched[: settings.EXPORT_MAX_ROWS + 1].count()
    if size > settings.EXPORT_MAX_ROWS:
        return render(
            request, "registry/export_too_large.html", {"limit": settings.EXPORT_MAX_ROWS}, status=400
        )
    if size > settings.EXPORT_INLINE_ROWS:
        from .tasks import export_entities_task

        job = start_export_job(
            owner=request.user,
            kind="registry.export",
            name="市场主体名录",
            task=export_entities_task,
            args=[flt.as_params()],
        )
        return redirect(reverse("core:job_detail", args=[job.pk]))
    response = xlsx_response("市场主体名录")
    write_entities_xlsx(search_entities(request.user, flt), response, filter_labels(flt))
    return response


@policy_view("registry.import")
def import_form(request):
    recent = Job.objects.filter(owner=request.user, kind="registry.import").order_by("-id")[:10]
    return render(request, "registry/import.html", {"recent": recent})


@policy_view("registry.import")
@require_POST
@upload_limit("registry.import")
def import_upload(request):
    from .tasks import import_entities_task

    upload = request.FILES.get("file")
    if upload is None:
        recent = Job.objects.filter(owner=request.user, kind="registry.import").order_by("-id")[:10]
        return render(
            request, "registry/import.html", {"error": "请选择要导入的文件", "recent": recent}, status=400
        )
    job = start_upload_job(
        owner=request.user,
        kind="registry.import",
        title=f"导入市场主体：{upload.name}",
        upload=upload,
        dry_run=request.POST.get("dry_run") == "1",
        task=import_entities_task,
    )
    return redirect(reverse("core:job_detail", args=[job.pk]))
