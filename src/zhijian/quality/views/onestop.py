"""The one-stop service platform: capability search, providers, requests from request to rating,
and the bureau's analysis of demand, response times and gaps by "246" cluster."""

from __future__ import annotations

import datetime as dt
import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhijian.core.access import allows, login_view, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import filters_of, paginate
from zhijian.core.models import Role
from zhijian.core.params import text_param
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped, restrict
from zhijian.core.uploads import upload_limit

from .. import services
from ..forms import (
    BookForm,
    CapabilityForm,
    CapabilitySearch,
    DeclineForm,
    DeliverForm,
    ProviderForm,
    QuoteForm,
    RateForm,
    RequestForm,
)
from ..models import Capability, Enrolment, RequestStatus, ServiceProvider, ServiceRequest, provider_id_of
from ..queries import cluster_names, requests_for, search_capabilities, service_analysis
from ..services.common import today


@policy_view("quality.service.search")
def services_home(request):
    search = CapabilitySearch(request.GET or None)
    params = search.cleaned_data if search.is_valid() else {}
    rows = search_capabilities(
        request.user, **{k: params.get(k, "") for k in ("product", "standard", "cluster", "category")}
    )
    return render(
        request,
        "quality/services.html",
        {
            "search": search,
            "page": paginate(
                request, rows, params=filters_of(request, "product", "standard", "cluster", "category")
            ),
            "clusters": cluster_names(),
            "may_request": allows(request.user, "quality.request.create"),
            "today": today(),
        },
    )


@login_view
def provider_detail(request, pk: int):
    provider = get_scoped(ServiceProvider.objects.select_related("jurisdiction"), request.user, VIEW, pk=pk)
    own = request.user.role == Role.LAB and provider_id_of(request.user) == provider.pk
    form = (
        CapabilityForm(request.POST or None)
        if own or allows(request.user, "quality.provider.register")
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            done = attempt(
                request,
                services.publish_capability,
                actor=request.user,
                provider=provider,
                form=form,
                success="已发布服务能力",
                **form.cleaned_data,
            )
            if done is not FAILED:
                return redirect("quality:provider_detail", pk=pk)
    return render(
        request,
        "quality/provider_detail.html",
        {
            "provider": provider,
            "capabilities": provider.capabilities.prefetch_related("standards"),
            "form": form,
            "clusters": cluster_names(),
            "today": today(),
        },
    )


@require_POST
@policy_view("quality.request.create")
def request_new(request, capability_id: int):
    capability = get_scoped(
        Capability.objects.select_related("provider"), request.user, VIEW, pk=capability_id
    )
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(request.META.get("HTTP_REFERER") or "quality:services")
    data = form.cleaned_data
    enrolment = None
    if data.get("enrolment"):
        enrolment = get_scoped(Enrolment.objects.all(), request.user, VIEW, pk=data["enrolment"])
    made = attempt(
        request,
        services.request_service,
        actor=request.user,
        capability=capability,
        uscc=(data.get("uscc") or "").strip().upper(),
        product=data["product"],
        standard=data["standard"],
        description=data["description"],
        enrolment=enrolment,
        success="已提交服务需求，等待机构报价",
    )
    if made is FAILED:
        return redirect(request.META.get("HTTP_REFERER") or "quality:services")
    return redirect("quality:request_detail", pk=made.pk)


@policy_view("quality.request.view")
def request_list(request):
    status = text_param(request.GET, "status")
    rows = requests_for(request.user, status if status in RequestStatus.values else "")
    provider = (
        ServiceProvider.objects.filter(pk=provider_id_of(request.user)).first()
        if request.user.role == Role.LAB
        else None
    )
    return render(
        request,
        "quality/request_list.html",
        {
            "page": paginate(request, rows, params=filters_of(request, "status")),
            "statuses": RequestStatus.choices,
            "status": status,
            "provider": provider,
        },
    )


def _request(request, pk: int) -> ServiceRequest:
    return get_scoped(
        ServiceRequest.objects.select_related(
            "provider", "capability", "standard", "enrolment", "jurisdiction"
        ),
        request.user,
        VIEW,
        pk=pk,
    )


@policy_view("quality.request.view")
def request_detail(request, pk: int):
    return _request_page(request, pk)


def _request_page(request, pk: int, *, status: int = 200, **bound):
    """A service request with the steps its state allows; ``bound`` is a refused step, as typed."""
    req = _request(request, pk)
    lab = request.user.role == Role.LAB and can(request.user, req, CHANGE)
    requester = allows(request.user, "quality.request.accept") and (
        request.user.role != Role.ENTERPRISE or request.user.entity_uscc == req.uscc
    )
    open_states = (RequestStatus.REQUESTED, RequestStatus.QUOTED)
    return render(
        request,
        "quality/request_detail.html",
        {
            "r": req,
            "quote_form": QuoteForm(
                initial={
                    "price": req.capability.price if req.capability else None,
                    "days": req.capability.turnaround_days if req.capability else None,
                }
            )
            if lab and req.status in open_states
            else None,
            "decline_form": DeclineForm() if lab and req.status in open_states else None,
            "deliver_form": DeliverForm() if lab and req.status == RequestStatus.BOOKED else None,
            "book_form": BookForm(initial={"sample_on": today() + dt.timedelta(days=1)})
            if requester and req.status == RequestStatus.QUOTED
            else None,
            "rate_form": RateForm()
            if request.user.role == Role.ENTERPRISE and requester and req.status == RequestStatus.DELIVERED
            else None,
            "may_cancel": requester and req.status in open_states,
            **bound,
        },
        status=status,
    )


STEP_FORMS = {
    QuoteForm: "quote_form",
    DeclineForm: "decline_form",
    BookForm: "book_form",
    DeliverForm: "deliver_form",
    RateForm: "rate_form",
}


def _step(request, pk, form_class, operation, success, rename=None):
    """One step of a request; a refused one re-renders the request with its form as typed."""
    req = _request(request, pk)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return _request_page(request, pk, status=400, **{STEP_FORMS[form_class]: form})
    data = dict(form.cleaned_data) if form is not None else {}
    for old, new in (rename or {}).items():
        data[new] = data.pop(old)
    # the service's own parameter is called ``request`` too: bind it before ``attempt`` sees it
    done = attempt(
        request,
        functools.partial(operation, actor=request.user, request=req, **data),
        form=form,
        success=success,
    )
    if done is FAILED and form is not None:
        return _request_page(request, pk, status=400, **{STEP_FORMS[form_class]: form})
    return redirect("quality:request_detail", pk=pk)


@require_POST
@policy_view("quality.request.answer")
def request_quote(request, pk: int):
    return _step(request, pk, QuoteForm, services.quote_request, "已报价")


@require_POST
@policy_view("quality.request.answer")
def request_decline(request, pk: int):
    return _step(request, pk, DeclineForm, services.decline_request, "已谢绝")


@require_POST
@policy_view("quality.request.accept")
def request_book(request, pk: int):
    return _step(request, pk, BookForm, services.accept_quote, "已接受报价并预约送样")


@upload_limit("default")  # 20 MB, as the service checks
@require_POST
@policy_view("quality.request.answer")
def request_deliver(request, pk: int):
    return _step(request, pk, DeliverForm, services.deliver_report, "已出具报告", rename={"file": "upload"})


@require_POST
@policy_view("quality.request.rate")
def request_rate(request, pk: int):
    return _step(request, pk, RateForm, services.rate_service, "感谢您的评价")


@require_POST
@policy_view("quality.request.accept")
def request_cancel(request, pk: int):
    return _step(request, pk, None, services.cancel_request, "已取消")


@policy_view("quality.request.view")
def request_report(request, pk: int):
    req = _request(request, pk)
    if not req.report_file:
        raise Http404
    return FileResponse(
        req.report_file.open("rb"), as_attachment=True, filename=req.report_file.name.rsplit("/", 1)[-1]
    )


@policy_view("quality.analysis")
def analysis(request):
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = attempt(
            request,
            services.register_provider,
            actor=request.user,
            form=form,
            success="机构已入驻",
            **form.cleaned_data,
        )
        if provider is not FAILED:
            return redirect("quality:provider_detail", pk=provider.pk)
    end = today()
    start = dt.date(end.year - 1, end.month, 1)
    lines = service_analysis(start, end)
    providers = restrict(ServiceProvider.objects.select_related("jurisdiction"), request.user, VIEW)
    expiring = [
        p
        for p in providers
        if (p.cma_valid_until and p.cma_valid_until <= end + dt.timedelta(days=90))
        or (p.cnas_valid_until and p.cnas_valid_until <= end + dt.timedelta(days=90))
    ]
    return render(
        request,
        "quality/analysis.html",
        {
            "lines": lines,
            "start": start,
            "end": end,
            "gaps": [line for line in lines if line.gap],
            "providers": providers,
            "expiring": expiring,
            "total": sum(line.requests for line in lines),
            "form": form,
        },
    )
