"""The enterprise's own credit page (我的信用): class, factors, records, lists, repair applications."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.scoping import VIEW, get_scoped
from zhijian.core.uploads import upload_limit
from zhijian.registry.models import Entity

from .. import queries, services
from ..forms import RepairForm
from ..models import CreditList, CreditRecord, ListEntry, RecordKind, RepairKind


def _own_entity(request) -> Entity:
    return get_scoped(
        Entity.objects.select_related("jurisdiction"), request.user, VIEW, uscc=request.user.entity_uscc
    )


def _repair_form(target: str, pk: int, data=None, files=None) -> RepairForm:
    """The repair form of one item: its ids are unique on a page that offers several items."""
    return RepairForm(data, files, auto_id=f"id_{target}{pk}_%s")


def _mine_page(
    request, entity: Entity, *, bound: tuple[str, int, RepairForm] | None = None, status: int = 200
):
    """The enterprise's own credit page; ``bound`` is a refused application (target, pk, form) shown
    again beside its item with what was typed."""
    today = timezone.localdate()
    records = list(queries.records_of(request.user, entity)[:200])
    entries = list(queries.list_entries_of(request.user, entity))
    applications = list(entity.repair_applications.order_by("-id"))
    open_targets = {(a.list_entry_id, a.record_id) for a in applications if a.status == "submitted"}

    def form_for(target: str, pk: int) -> RepairForm:
        if bound is not None and bound[:2] == (target, pk):
            return bound[2]
        return _repair_form(target, pk)

    repairable = []
    for entry in entries:
        if entry.list == CreditList.ABNORMAL and entry.status == ListEntry.Status.IN_FORCE:
            pending = any(t[0] == entry.pk for t in open_targets)
            problems = services.abnormal_removal_problems(entry)
            repairable.append(("entry", entry, problems, pending, form_for("entry", entry.pk)))
    for record in records:
        if record.kind == RecordKind.PENALTY and record.publicity == "published":
            pending = any(t[1] == record.pk for t in open_targets)
            problems = services.publicity_end_problems(record, today)
            repairable.append(("record", record, problems, pending, form_for("record", record.pk)))
    deadlines = queries.deadlines_for(applications)
    return render(
        request,
        "credit/mine.html",
        {
            "entity": entity,
            "standing": queries.standing_of(request.user, entity),
            "records": records,
            "entries": entries,
            "repairable": repairable,
            "applications": [(a, deadlines.get(a.pk)) for a in applications],
            "notices": queries.notices_of(request.user, entity)[:20],
        },
        status=status,
    )


@policy_view("credit.mine")
def mine(request):
    return _mine_page(request, _own_entity(request))


@policy_view("credit.mine")
@require_POST
@upload_limit("credit.repair_evidence")
def apply(request, target: str, pk: int):
    """An application for credit repair; a refused one comes back beside its item with what was typed
    (the files are to be chosen again: a browser never refills a file input)."""
    entity = _own_entity(request)
    if target == "entry":
        entry = get_scoped(ListEntry.objects.filter(entity=entity), request.user, VIEW, pk=pk)
        item = {"kind": RepairKind.ABNORMAL_REMOVAL, "list_entry": entry}
    elif target == "record":
        record = get_scoped(CreditRecord.objects.filter(entity=entity), request.user, VIEW, pk=pk)
        item = {"kind": RepairKind.PUBLICITY_END, "record": record}
    else:
        raise Http404
    form = _repair_form(target, pk, request.POST, request.FILES)
    if form.is_valid():
        done = attempt(
            request,
            services.apply_for_repair,
            actor=request.user,
            **item,
            **form.cleaned_data,
            form=form,
            success="信用修复申请已提交",
        )
        if done is not FAILED:
            return redirect("credit:mine")
    return _mine_page(request, entity, bound=(target, pk, form), status=400)
