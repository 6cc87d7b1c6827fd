"""Public credit pages, no login: the credit report (信用报告) and the lists (名录公示)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from zhijian.core.access import public_view
from zhijian.core.lists import Sort, paginate
from zhijian.core.scoping import VIEW, get_scoped, restrict
from zhijian.registry.models import PUBLIC_FIELDS, Entity
from zhijian.registry.queries import EntityFilter, search_entities

from ..models import CreditList, ListEntry
from ..report import build_report, render_pdf


def _public_entity(uscc: str) -> Entity:
    return get_scoped(
        Entity.objects.select_related("jurisdiction").only(*PUBLIC_FIELDS, "jurisdiction__name"),
        None,
        VIEW,
        uscc=uscc.upper(),
    )


@public_view
def credit_report(request, uscc: str):
    return render(request, "credit/report.html", {"report": build_report(_public_entity(uscc))})


@public_view
def credit_report_pdf(request, uscc: str):
    report = build_report(_public_entity(uscc))
    response = HttpResponse(render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="credit-report-{report.entity.uscc}.pdf"'
    return response


LIST_PAGE_SIZE = 50
PUBLIC_LIST_SORTS = {"entered_on": Sort("列入日期", ("entered_on",))}


@public_view
def public_lists(request):
    """The credit lists as the public reads them (名录公示): who is on (or was removed from) each list.

    Only what ListEntry's scope makes public (entries in force and removed ones; never proposals or
    rejected entries), searchable by name fragment or USCC, newest entries first.
    """
    chosen = request.GET.get("list") if request.GET.get("list") in CreditList.values else CreditList.ABNORMAL
    q = (request.GET.get("q") or "").strip()[:100]
    entries = restrict(ListEntry.objects.filter(list=chosen), None, VIEW).select_related("entity")
    if q:
        entries = entries.filter(
            entity__in=search_entities(None, EntityFilter(q=q), public=True).values("pk")
        )
    entries = entries.only(
        "ground",
        "status",
        "entered_on",
        "entry_reason",
        "authority",
        "removed_on",
        "removal_reason",
        "entity__name",
        "entity__uscc",
    ).order_by("-entered_on", "-id")
    page = paginate(
        request,
        entries,
        sorts=PUBLIC_LIST_SORTS,
        params={"list": chosen, "q": q},
        bounded_sorts=True,
        default_size=LIST_PAGE_SIZE,
    )
    return render(
        request,
        "credit/public_lists.html",
        {
            "lists": CreditList.choices,
            "chosen": chosen,
            "chosen_label": CreditList(chosen).label,
            "q": q,
            "entries": page.rows,
            "page": page,
        },
    )
