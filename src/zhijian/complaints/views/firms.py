"""The enterprise account (企业账户): complaints against the firm, ODR answers, its disclosure and reply.

A firm sees complaints only (never a report), and the complainant masked like everyone else does.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import policy_view
from zhijian.core.scoping import VIEW, get_scoped, restrict

from .. import queries
from ..models import Case, Status
from ..privacy import person_of
from ..services import ComplaintsError, firms
from ._common import day


@policy_view("complaints.firm")
def firm_cases(request):
    cases = (
        restrict(Case.objects.all(), request.user, VIEW)
        .select_related("jurisdiction")
        .order_by("-received_on", "-id")[:200]
    )
    return render(
        request,
        "complaints/firm_cases.html",
        {
            "cases": cases,
            "pending": [c for c in cases if c.status == Status.ODR],
            "firm": queries.disclosure_of(request.user.entity_uscc, preview=True),
        },
    )


@policy_view("complaints.firm")
def firm_case(request, pk: int):
    case = get_scoped(Case.objects.select_related("jurisdiction"), request.user, VIEW, pk=pk)
    return render(
        request,
        "complaints/firm_case.html",
        {"case": case, "person": person_of(case, request.user), "steps": case.steps.filter(public=True)},
    )


@policy_view("complaints.firm")
@require_POST
def firm_answer(request, pk: int):
    """The ODR firm settles (和解) or hands the complaint to the officer."""
    case = get_scoped(Case.objects.all(), request.user, VIEW, pk=pk)
    try:
        firms.answer_odr(
            actor=request.user,
            case=case,
            on=day(request.POST.get("on"), timezone.localdate()),
            settled=request.POST.get("settled") == "1",
            reply=request.POST.get("reply", ""),
            amount=request.POST.get("amount") or "0",
        )
    except ComplaintsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已提交处理结果")
    return redirect("complaints:firm_case", pk=case.pk)


@policy_view("complaints.firm")
@require_POST
def firm_reply(request):
    try:
        firms.save_firm_reply(
            actor=request.user, uscc=request.user.entity_uscc, text=request.POST.get("text", "")
        )
    except ComplaintsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "回应已保存，将随投诉公示一并展示")
    return redirect("complaints:firm_cases")
