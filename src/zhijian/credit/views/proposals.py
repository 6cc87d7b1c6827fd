"""The queue of proposals to enter the abnormal list (列入经营异常名录建议): officers confirm or reject."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from zhijian.core.access import policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.params import int_param
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped

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
            "rows": [(p, deadlines.get(p.pk), _decision_forms(p, prefix=f"p{p.pk}_")) for p in rows],
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


def _proposal(request, pk: int, action: str = CHANGE) -> ListingProposal:
    return get_scoped(
        ListingProposal.objects.select_related("entity", "entity__jurisdiction"), request.user, action, pk=pk
    )


def _decision_forms(proposal: ListingProposal, *, prefix: str = "") -> dict:
    """The two decision forms of one proposal; ``prefix`` keeps their ids unique on the list page."""
    return {
        "confirm_form": ProposalConfirmForm(proposal=proposal, auto_id=f"id_{prefix}c_%s"),
        "reject_form": ProposalRejectForm(auto_id=f"id_{prefix}r_%s"),
    }


def _decision_page(request, proposal: ListingProposal, *, status: int = 200, **bound):
    """One proposal with its decision forms; a refused decision comes back here with what was typed."""
    forms = {**_decision_forms(proposal), **bound}
    return render(
        request,
        "credit/proposal_detail.html",
        {
            "p": proposal,
            "editable": proposal.status == ListingProposal.Status.OPEN
            and can(request.user, proposal, CHANGE),
            "deadline": queries.proposal_deadlines([proposal]).get(proposal.pk),
            "today": timezone.localdate(),
            **forms,
        },
        status=status,
    )


@policy_view("credit.proposals")
@require_GET
def proposal_detail(request, pk: int):
    return _decision_page(request, _proposal(request, pk, VIEW))


@policy_view("credit.proposals")
@require_POST
def proposal_confirm(request, pk: int):
    proposal = _proposal(request, pk)
    form = ProposalConfirmForm(request.POST, proposal=proposal, auto_id="id_c_%s")
    if form.is_valid():
        done = attempt(
            request,
            services.confirm_listing_proposal,
            actor=request.user,
            proposal=proposal,
            **form.cleaned_data,
            form=form,
            success=f"已将{proposal.entity.name}列入经营异常名录，并已通知企业",
        )
        if done is not FAILED:
            return redirect(_back(request))
    return _decision_page(request, proposal, status=400, confirm_form=form)


@policy_view("credit.proposals")
@require_POST
def proposal_reject(request, pk: int):
    proposal = _proposal(request, pk)
    form = ProposalRejectForm(request.POST, auto_id="id_r_%s")
    if form.is_valid():
        done = attempt(
            request,
            services.reject_listing_proposal,
            actor=request.user,
            proposal=proposal,
            **form.cleaned_data,
            form=form,
            success=f"已决定对{proposal.entity.name}不予列入",
        )
        if done is not FAILED:
            return redirect(_back(request))
    return _decision_page(request, proposal, status=400, reject_form=form)
