"""Officers' credit pages: distribution by district, entity drill-down, records and lists, batch runs."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zhijian.core.access import allows, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.models import Job, Role
from zhijian.core.params import int_param
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped, is_city_wide
from zhijian.core.summaries import kept_for_user, summary_seconds
from zhijian.registry.models import Entity

from .. import queries, services
from ..classify import ENGINES
from ..forms import AbnormalForm, DecisionForm, PenaltyForm, ReviewForm, SeriousProposalForm, WithdrawForm
from ..models import (
    CreditClass,
    CreditList,
    CreditRecord,
    ListDecision,
    ListEntry,
    RepairApplication,
    RepairEvidence,
    ScoringRun,
)

CLASS_COLOURS = {"A": "#067647", "B": "#1d4f91", "C": "#dc6803", "D": "#b42318"}


def may_run_batch(user) -> bool:
    return allows(user, "credit.models")


@policy_view("credit.view")
def overview(request):
    return _overview_page(request)


def _overview_page(request, *, status: int = 200, review: tuple[int, ReviewForm] | None = None):
    """The distribution with the decisions to review; ``review`` is a refused review (decision pk, form)
    shown again with the opinion as typed."""
    runs = list(ScoringRun.objects.select_related("model_version")[:5])
    city_wide = is_city_wide(request.user)
    # Counting every standing by unit and class reads the whole table: the counts are kept a few
    # seconds per user (core/summaries.py), and counted afresh once a new batch starts or ends.
    (rows, offices), counted_at = kept_for_user(
        request.user,
        "credit.distribution",
        lambda: (
            queries.distribution(request.user),
            [] if city_wide else queries.distribution_by_office(request.user),
        ),
        version=f"{runs[0].pk}.{runs[0].status}" if runs else "",
    )
    chart = {
        "names": [r["name"] for r in rows],
        "ids": [r["id"] for r in rows],
        "unit": "主体数",
        "link": reverse("credit:standings") + "?district={id}&class={code}",
        "series": [
            {
                "name": f"{c}类 {CreditClass(c).label}",
                "code": c,
                "color": CLASS_COLOURS[c],
                "stack": "all",
                "data": [r["counts"][c] for r in rows],
            }
            for c in queries.CLASSES
        ],
    }
    totals = {c: sum(r["counts"][c] for r in rows) for c in queries.CLASSES}
    # A district compares its own grassroots offices (市场监管所), not one bar of itself.
    office_chart = {
        "names": [o["name"] for o in offices],
        "unit": "户",
        "series": [
            {
                "name": f"{c}类",
                "data": [o["counts"][c] for o in offices],
                "stack": "n",
                "color": CLASS_COLOURS[c],
            }
            for c in queries.CLASSES
        ],
    }
    return render(
        request,
        "credit/overview.html",
        {
            "rows": rows,
            "chart": chart,
            "totals": totals,
            "offices": offices,
            "office_chart": office_chart,
            "total": sum(totals.values()),
            "counted_at": counted_at,
            "cache_seconds": summary_seconds(),
            "runs": runs,
            # A batch's counts are the whole city's: only city-wide staff see them.
            "city_wide": city_wide,
            "may_run": may_run_batch(request.user),
            "engines": ENGINES,
            "pending_decisions": [
                (d, review[1] if review and review[0] == d.pk else ReviewForm(auto_id=False))
                for d in queries.pending_decisions(request.user)[:20]
            ],
            "open_proposals": (
                queries.listing_proposals(request.user).count() if request.user.role != Role.INSPECTOR else 0
            ),
        },
        status=status,
    )


@policy_view("credit.view")
def standing_list(request):
    district = request.GET.get("district", "")
    credit_class = request.GET.get("class", "")
    query = {k: v for k, v in (("district", district), ("class", credit_class)) if v}
    page = paginate(
        request,
        queries.standings(
            request.user, district=int_param(request.GET, "district"), credit_class=credit_class
        ),
        params=query,
    )
    return render(
        request,
        "credit/standing_list.html",
        {
            "rows": page.rows,
            "page": page,
            "district": district,
            "credit_class": credit_class,
            "districts": visible_districts(request.user, county_units()),
            "classes": CreditClass.choices,
            "query": query,
        },
    )


@policy_view("credit.view")
def entity_credit(request, uscc: str):
    entity = get_scoped(Entity.objects.select_related("jurisdiction"), request.user, VIEW, uscc=uscc)
    return _entity_page(request, entity)


def _entity_page(request, entity: Entity, *, status: int = 200, **bound):
    """An entity's credit with the officer's forms; ``bound`` is a refused form shown again as typed."""
    may_change = can(request.user, entity, CHANGE)
    return render(
        request,
        "credit/entity.html",
        {
            "entity": entity,
            "standing": queries.standing_of(request.user, entity),
            "breakdown": queries.live_breakdown(entity),
            "history": queries.history_of(request.user, entity)[:24],
            "records": queries.records_of(request.user, entity)[:200],
            "entries": queries.list_entries_of(request.user, entity),
            "proposals": queries.open_proposals_of(request.user, entity),
            "may_change": may_change,
            "penalty_form": PenaltyForm(),
            "abnormal_form": AbnormalForm(),
            # One blank form per row of records and entries; a refused one comes back for its row only.
            "withdraw_blank": WithdrawForm(auto_id=False),
            "serious_blank": SeriousProposalForm(auto_id=False),
            **bound,
        },
        status=status,
    )


def _entity_for_change(request, uscc: str) -> Entity:
    return get_scoped(Entity.objects.select_related("jurisdiction"), request.user, CHANGE, uscc=uscc)


@policy_view("credit.record")
@require_POST
def add_penalty(request, uscc: str):
    entity = _entity_for_change(request, uscc)
    form = PenaltyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            services.record_penalty,
            actor=request.user,
            entity=entity,
            measures=data["measures"],
            title=data["title"],
            violation_type=data["violation_type"],
            decision_no=data["decision_no"],
            occurred_on=data["occurred_on"],
            fine_amount=data["fine_amount"],
            sector=data["sector"],
            legal_basis=data["legal_basis"],
            authority=services.authority_of(request.user),
            form=form,
            success="已记录行政处罚信息并重新分类",
        )
        if done is not FAILED:
            return redirect("credit:entity", uscc=uscc)
    return _entity_page(request, entity, status=400, penalty_form=form)


@policy_view("credit.record")
@require_POST
def add_abnormal(request, uscc: str):
    entity = _entity_for_change(request, uscc)
    form = AbnormalForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.enter_list,
            actor=request.user,
            entity=entity,
            list_code=CreditList.ABNORMAL,
            **form.cleaned_data,
            form=form,
            success="已列入经营异常名录",
        )
        if done is not FAILED:
            return redirect("credit:entity", uscc=uscc)
    return _entity_page(request, entity, status=400, abnormal_form=form)


@policy_view("credit.record")
@require_POST
def withdraw(request, pk: int):
    record = get_scoped(CreditRecord.objects.select_related("entity"), request.user, CHANGE, pk=pk)
    form = WithdrawForm(request.POST, auto_id=False)
    if form.is_valid():
        done = attempt(
            request,
            services.withdraw_record,
            actor=request.user,
            record=record,
            **form.cleaned_data,
            form=form,
            success="已撤下该记录",
        )
        if done is not FAILED:
            return redirect("credit:entity", uscc=record.entity.uscc)
    entity = get_scoped(
        Entity.objects.select_related("jurisdiction"), request.user, VIEW, pk=record.entity_id
    )
    return _entity_page(request, entity, status=400, withdraw_form=form, withdraw_pk=record.pk)


REPAIR_SORTS = {"applied_on": Sort("申请日期", ("applied_on",))}


@policy_view("credit.view")
def repair_list(request):
    page = paginate(request, queries.repairs(request.user), sorts=REPAIR_SORTS)
    deadlines = queries.deadlines_for(page.rows)
    return render(
        request,
        "credit/repairs.html",
        {
            "applications": [(a, deadlines.get(a.pk)) for a in page.rows],
            "page": page,
            "form": DecisionForm(),
            "today": timezone.localdate(),
        },
    )


@policy_view("credit.record")
@require_http_methods(["GET", "POST"])
def decide(request, pk: int):
    """The decider's page: the firm's statement, commitment and evidence, the item to repair, and the
    decision form (with its number); a refused or incomplete decision comes back with what was typed."""
    application = get_scoped(
        RepairApplication.objects.select_related("entity", "list_entry", "record", "applicant"),
        request.user,
        CHANGE,
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.decide_repair,
            actor=request.user,
            application=application,
            approve=form.cleaned_data["approve"] == "1",
            reason=form.cleaned_data["reason"],
            decision_no=form.cleaned_data["decision_no"],
            form=form,
            success="已作出信用修复决定并通知申请人",
        )
        if done is not FAILED:
            return redirect("credit:repairs")
    return render(
        request,
        "credit/repair_detail.html",
        {
            "application": application,
            "evidence": list(application.evidence.all()),
            "deadline": queries.deadlines_for([application]).get(application.pk),
            "form": form,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@policy_view("credit.view")
def repair_evidence(request, pk: int):
    """One evidence file of a repair application, to those who may see the application."""
    evidence = get_scoped(RepairEvidence.objects.all(), request.user, VIEW, pk=pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


@policy_view("credit.record")
@require_POST
def review(request, pk: int):
    decision = get_scoped(ListDecision.objects.all(), request.user, VIEW, pk=pk)
    form = ReviewForm(request.POST, auto_id=False)
    if form.is_valid():
        done = attempt(
            request,
            services.review_list_decision,
            actor=request.user,
            decision=decision,
            approve=request.POST.get("approve") == "1",
            note=form.cleaned_data["note"],
            form=form,
            success="审核意见已保存",
        )
        if done is not FAILED:
            return redirect("credit:overview")
    return _overview_page(request, status=400, review=(decision.pk, form))


@policy_view("credit.record")
@require_POST
def propose_serious(request, pk: int):
    entry = get_scoped(ListEntry.objects.select_related("entity"), request.user, CHANGE, pk=pk)
    form = SeriousProposalForm(request.POST, auto_id=False)
    if form.is_valid():
        done = attempt(
            request,
            services.propose_serious_listing,
            actor=request.user,
            entity=entry.entity,
            ground="abnormal_3y",
            reason=form.cleaned_data["reason"],
            source_entry=entry,
            form=form,
            success="已提交列入严重违法失信名单的申请，待审核",
        )
        if done is not FAILED:
            return redirect("credit:entity", uscc=entry.entity.uscc)
    entity = get_scoped(Entity.objects.select_related("jurisdiction"), request.user, VIEW, pk=entry.entity_id)
    return _entity_page(request, entity, status=400, serious_form=form, serious_pk=entry.pk)


@policy_view("credit.models")
@require_POST
def run_batch(request):
    from ..tasks import rescore_task

    engine = request.POST.get("engine", "db")
    if engine not in ENGINES:
        messages.error(request, "未知的计算引擎")
        return redirect("credit:overview")
    job = Job.objects.create(
        kind="credit.rescore", owner=request.user, title=f"全量信用风险分类（引擎：{engine}）"
    )
    rescore_task.enqueue(job.pk, engine)
    return redirect(reverse("core:job_detail", args=[job.pk]))
