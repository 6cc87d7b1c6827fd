"""The enterprise's own credit page (我的信用): class, factors, records, lists, repair applications."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import policy_view
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


@policy_view("credit.mine")
def mine(request):
    entity = _own_entity(request)
    today = timezone.localdate()
    records = list(queries.records_of(request.user, entity)[:200])
    entries = list(queries.list_entries_of(request.user, entity))
    applications = list(entity.repair_applications.order_by("-id"))
    open_targets = {(a.list_entry_id, a.record_id) for a in applications if a.status == "submitted"}
    repairable = []
    for entry in entries:
        if entry.list == CreditList.ABNORMAL and entry.status == ListEntry.Status.IN_FORCE:
            pending = any(t[0] == entry.pk for t in open_targets)
            repairable.append(("entry", entry, services.abnormal_removal_problems(entry), pending))
    for record in records:
        if record.kind == RecordKind.PENALTY and record.publicity == "published":
            pending = any(t[1] == record.pk for t in open_targets)
            repairable.append(("record", record, services.publicity_end_problems(record, today), pending))
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
            "form": RepairForm(),
        },
    )


@policy_view("credit.mine")
@require_POST
@upload_limit("credit.repair_evidence")
def apply(request, target: str, pk: int):
    entity = _own_entity(request)
    form = RepairForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请填写情况说明")
        return redirect("credit:mine")
    try:
        if target == "entry":
            entry = get_scoped(ListEntry.objects.filter(entity=entity), request.user, VIEW, pk=pk)
            services.apply_for_repair(
                actor=request.user, kind=RepairKind.ABNORMAL_REMOVAL, list_entry=entry, **form.cleaned_data
            )
        else:
            record = get_scoped(CreditRecord.objects.filter(entity=entity), request.user, VIEW, pk=pk)
            services.apply_for_repair(
                actor=request.user, kind=RepairKind.PUBLICITY_END, record=record, **form.cleaned_data
            )
    except services.CreditError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "信用修复申请已提交")
    return redirect("credit:mine")
