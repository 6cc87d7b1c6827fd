"""The enterprise account (企业账户): complaints against the firm, ODR answers, its disclosure and reply.

A firm sees complaints only (never a report), and the complainant masked like everyone else does.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhijian.core.access import policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.scoping import VIEW, get_scoped, restrict

from .. import queries
from ..forms import FirmReplyForm, OdrAnswerForm
from ..models import Case, Status
from ..privacy import person_of
from ..services import firms


def _firm_cases_page(request, *, reply_form: FirmReplyForm | None = None, status: int = 200):
    cases = (
        restrict(Case.objects.all(), request.user, VIEW)
        .select_related("jurisdiction")
        .order_by("-received_on", "-id")[:200]
    )
    firm = queries.disclosure_of(request.user.entity_uscc, preview=True)
    if reply_form is None:
        reply_form = FirmReplyForm(initial={"text": (firm or {}).get("reply", "")}, auto_id="reply-%s")
    return render(
        request,
        "complaints/firm_cases.html",
        {
            "cases": cases,
            "pending": [c for c in cases if c.status == Status.ODR],
            "firm": firm,
            "reply_form": reply_form,
        },
        status=status,
    )


@policy_view("complaints.firm")
def firm_cases(request):
    return _firm_cases_page(request)


def _firm_case_page(request, case: Case, *, answer_form: OdrAnswerForm | None = None, status: int = 200):
    if answer_form is not None and case.status != Status.ODR:
        # The case left the firm's hands meanwhile: the form is no longer shown, its refusal is.
        for errors in answer_form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
    return render(
        request,
        "complaints/firm_case.html",
        {
            "case": case,
            "person": person_of(case, request.user),
            "steps": case.steps.filter(public=True),
            "answer_form": answer_form or OdrAnswerForm(),
        },
        status=status,
    )


def _firm_case(request, pk: int) -> Case:
    return get_scoped(Case.objects.select_related("jurisdiction"), request.user, VIEW, pk=pk)


@policy_view("complaints.firm")
def firm_case(request, pk: int):
    return _firm_case_page(request, _firm_case(request, pk))


@policy_view("complaints.firm")
@require_POST
def firm_answer(request, pk: int):
    """The ODR firm settles (和解) or hands the complaint to the officer; a refusal comes back (400)
    with what was typed."""
    case = _firm_case(request, pk)
    form = OdrAnswerForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        done = attempt(
            request,
            firms.answer_odr,
            actor=request.user,
            case=case,
            on=d["on"],
            settled=d["settled"],
            reply=d["reply"],
            amount=d["amount"] if d["amount"] is not None else "0",
            form=form,
            success="已提交处理结果",
        )
        if done is not FAILED:
            return redirect("complaints:firm_case", pk=case.pk)
    return _firm_case_page(request, case, answer_form=form, status=400)


@policy_view("complaints.firm")
@require_POST
def firm_reply(request):
    form = FirmReplyForm(request.POST, auto_id="reply-%s")
    if form.is_valid():
        done = attempt(
            request,
            firms.save_firm_reply,
            actor=request.user,
            uscc=request.user.entity_uscc,
            text=form.cleaned_data["text"],
            form=form,
            success="回应已保存，将随投诉公示一并展示",
        )
        if done is not FAILED:
            return redirect("complaints:firm_cases")
    return _firm_cases_page(request, reply_form=form, status=400)
