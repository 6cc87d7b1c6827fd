"""The queue of proposals to enter the abnormal list (列入经营异常名录建议): officers confirm or reject."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import policy_view
from zhijian.core.errors import attempt
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.params import int_param
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, get_scoped

from .. import queries, services
from ..forms import ProposalConfirmForm, ProposalRejectForm
from ..models import ListingProposal

# Who decides listings: the city bureau and the district bureaus (inspectors find, officers decide).


PROPOSAL_SORTS = {"found_on": Sort("查实日期", ("found_on",))}


@policy_view("credit.proposals")
def proposal_list(request):
    status = request.GET.get("status") or ListingProposal.Status.OPEN
    if status not in ListingProposal.Status.values:
        status = ListingProposal.Status.OPEN
    district = request.GET.get("district", "")
    query = {k: v for k, v in (("status", status), ("district", district)) if v}
    page = paginate(
        request,
        queries.listing_proposals(request.user, status=status, district=int_param(request.GET, "district")),
        sorts=PROPOSAL_SORTS,
        params=query,
    )
    rows = page.rows
    deadlines = queries.proposal_deadlines(rows)
    counts = queries.proposal_counts(request.user)
    districts = visible_districts(request.user, county_units())
    return render(
        request,
        "credit/proposals.html",
        {
            "rows": [(p, deadlines.get(p.pk)) for p in rows],
            "page": page,
            "status": status,
            "tabs": [(value, label, counts[value]) for value, label in ListingProposal.Status.choices],
            "district": district,
            "districts": districts if len(districts) > 1 else [],
            "today": timezone.localdate(),
            "query": query,
        },
    )


def _back(request) -> str:
    return reverse("credit:proposals") + "?status=open"


def _proposal_for_change(request, pk: int) -> ListingProposal:
    return get_scoped(ListingProposal.objects.select_related("entity"), request.user, CHANGE, pk=pk)


@policy_view("credit.proposals")
@require_POST
def proposal_confirm(request, pk: int):
    proposal = _proposal_for_change(request, pk)
    form = ProposalConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "列入决定有误：" + "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()),
        )
        return redirect(_back(request))
    attempt(
        request,
        services.confirm_listing_proposal,
        actor=request.user,
        proposal=proposal,
        **form.cleaned_data,
        success=f"已将{proposal.entity.name}列入经营异常名录，并已通知企业",
    )
    return redirect(_back(request))


@policy_view("credit.proposals")
@require_POST
def proposal_reject(request, pk: int):
    proposal = _proposal_for_change(request, pk)
    form = ProposalRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写不予列入的理由")
        return redirect(_back(request))
    attempt(
        request,
        services.reject_listing_proposal,
        actor=request.user,
        proposal=proposal,
        **form.cleaned_data,
        success=f"已决定对{proposal.entity.name}不予列入",
    )
    return redirect(_back(request))
