"""The campaign: goal and quota progress, enrolments (附件2), review, plan, result, leaders."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhijian.core.access import allows, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import filters_of, paginate
from zhijian.core.models import Role
from zhijian.core.params import int_param, text_param
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped, user_district_id

from .. import services
from ..forms import EnrolmentForm, LeaderForm, PlanForm, RequestForm, ResultForm, ReviewForm
from ..models import Campaign, Capability, Enrolment, EnrolmentStatus, ServiceCategory
from ..queries import cluster_names, enrolments_for, goal_progress, quota_progress
from ..reference import OTHER_GOALS_2022
from . import run_form


def _campaign(request) -> Campaign | None:
    year = int_param(request.GET, "year", minimum=2000, maximum=2100)
    campaigns = Campaign.objects.all()
    if year is not None:
        return campaigns.filter(year=year).first()
    return campaigns.first()


@policy_view("quality.view")
def campaign(request):
    current = _campaign(request)
    if current is None:
        return render(request, "quality/campaign.html", {"campaign": None})
    district = (
        None if request.user.role in (Role.CITY_ADMIN, Role.DEPARTMENT) else user_district_id(request.user)
    )
    rows = enrolments_for(
        request.user, current, text_param(request.GET, "status"), text_param(request.GET, "q")
    )
    page = paginate(request, rows, params=filters_of(request, "year", "status", "q"))
    quotas = quota_progress(current, district)
    return render(
        request,
        "quality/campaign.html",
        {
            "campaign": current,
            "campaigns": Campaign.objects.all(),
            "goal": goal_progress(current),
            "other_goals": OTHER_GOALS_2022 if current.goal_year == 2022 else [],
            "quotas": quotas,
            "quota_total": sum(q.quota for q in quotas),
            "approved_total": sum(q.approved for q in quotas),
            "page": page,
            "statuses": EnrolmentStatus.choices,
            "clusters": cluster_names(),
            "pending": rows.filter(status=EnrolmentStatus.SUBMITTED).count()
            if allows(request.user, "quality.enrolment.review")
            else 0,
            "may_enrol": request.user.role == Role.DISTRICT,
        },
    )


@policy_view("quality.enrolment.create")
def enrol(request, year: int):
    current = get_object_or_404(Campaign, year=year)
    form = EnrolmentForm(request.POST or None, industries=current.industries)
    if request.method == "POST":
        done = run_form(
            request,
            form,
            services.enrol_firm,
            campaign=current,
            success="已报送，待市局确认",
            redirect_to=f"/quality/?year={year}",
        )
        if done:
            return done
    return render(request, "quality/enrol.html", {"campaign": current, "form": form})


@policy_view("quality.view")
def enrolment_detail(request, pk: int):
    return _enrolment_page(request, pk)


def _enrolment_page(request, pk: int, *, status: int = 200, **bound):
    """An enrolment with the forms its state allows; ``bound`` is a refused one, shown as typed."""
    enrolment = get_scoped(
        Enrolment.objects.select_related(
            "campaign", "jurisdiction", "executed_standard", "compared_standard", "laboratory"
        ),
        request.user,
        VIEW,
        pk=pk,
    )
    may_change = can(request.user, enrolment, CHANGE)
    approved = enrolment.status == EnrolmentStatus.APPROVED
    capabilities = Capability.objects.filter(
        active=True, provider__active=True, category__in=[ServiceCategory.TESTING, ServiceCategory.STANDARDS]
    ).select_related("provider")
    support = capabilities.filter(standards=enrolment.compared_standard) | capabilities.filter(
        clusters__icontains=f'"{enrolment.industry}"'
    )
    return render(
        request,
        "quality/enrolment_detail.html",
        {
            "e": enrolment,
            "industry": cluster_names().get(enrolment.industry, enrolment.industry),
            "review_form": ReviewForm()
            if allows(request.user, "quality.enrolment.review")
            and enrolment.status == EnrolmentStatus.SUBMITTED
            else None,
            "plan_form": PlanForm(initial={"plan_no": enrolment.plan_no, "plan_title": enrolment.plan_title})
            if may_change and approved
            else None,
            "result_form": ResultForm()
            if may_change and approved and enrolment.outcome == "pending"
            else None,
            "leader_form": LeaderForm()
            if allows(request.user, "quality.enrolment.recommend_leader") and enrolment.outcome == "met"
            else None,
            "support": support.distinct()[:20] if may_change and approved else [],
            "request_form": RequestForm(
                initial={
                    "product": enrolment.product_name,
                    "standard": enrolment.compared_standard.number,
                    "enrolment": enrolment.pk,
                }
            ),
            "requests": enrolment.service_requests.select_related("provider"),
            "leaders": enrolment.leader_recommendations.all(),
            **bound,
        },
        status=status,
    )


def _enrolment_for_change(request, pk: int) -> Enrolment:
    return get_scoped(
        Enrolment.objects.select_related("campaign", "executed_standard", "compared_standard"),
        request.user,
        VIEW,
        pk=pk,
    )


@require_POST
@policy_view("quality.enrolment.review")
def enrolment_review(request, pk: int):
    enrolment = _enrolment_for_change(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        done = attempt(
            request,
            services.review_enrolment,
            actor=request.user,
            enrolment=enrolment,
            approve=approve,
            note=form.cleaned_data["note"],
            form=form,
            success="已确认" if approve else "已退回",
        )
        if done is not FAILED:
            return redirect("quality:enrolment_detail", pk=pk)
    return _enrolment_page(request, pk, status=400, review_form=form)


def _enrolment_action(request, pk: int, form_class, name: str, service, success: str, **extra):
    """A step recorded on an enrolment: done, back to its page; refused, its page again (400) with the
    form as typed (``name`` is the form's place in the page's context)."""
    enrolment = _enrolment_for_change(request, pk)
    form = form_class(request.POST)
    if not run_form(
        request,
        form,
        service,
        enrolment=enrolment,
        success=success,
        redirect_to=f"/quality/enrolments/{pk}/",
        **extra,
    ):
        return _enrolment_page(request, pk, status=400, **{name: form})
    return redirect("quality:enrolment_detail", pk=pk)


@require_POST
@policy_view("quality.enrolment.plan")
def enrolment_plan(request, pk: int):
    return _enrolment_action(request, pk, PlanForm, "plan_form", services.record_plan, "已登记技术方案")


@require_POST
@policy_view("quality.enrolment.plan")
def enrolment_result(request, pk: int):
    return _enrolment_action(
        request,
        pk,
        ResultForm,
        "result_form",
        services.record_enrolment_result,
        "已登记对标结果",
        laboratory=None,
    )


@require_POST
@policy_view("quality.enrolment.recommend_leader")
def enrolment_leader(request, pk: int):
    return _enrolment_action(
        request, pk, LeaderForm, "leader_form", services.recommend_leader, "已推荐为企业标准“领跑者”"
    )
