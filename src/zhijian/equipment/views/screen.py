"""The district's monitoring screen (电梯应急处置大屏) and the rescue case pages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import login_view, policy_view
from zhijian.core.reference import county_units
from zhijian.core.scoping import VIEW, get_scoped

from .. import queries, services
from ..forms import RescueTimeForm
from ..models import RescueCase
from .common import page_district, refuse

# How often the screen asks for news (htmx polling); the alarm-to-screen benchmark counts on it.
POLL_SECONDS = 1


@policy_view("equipment.view")
def screen(request):
    district = page_district(request)
    return render(
        request,
        "equipment/screen.html",
        {"district": district, "districts": county_units(), "poll": POLL_SECONDS, **_feed(request, district)},
    )


@policy_view("equipment.view")
def screen_feed(request):
    """The screen's live part, polled by htmx: alarms, open rescues, silent devices."""
    return render(request, "equipment/_screen_feed.html", _feed(request, page_district(request)))


def _feed(request, district):
    now = timezone.now()
    return {
        "alarms": queries.screen_alarms(request.user, district, since=now - dt.timedelta(hours=24)),
        "rescues": list(queries.open_rescues(request.user, district)[:30]),
        "silent": list(queries.silent_devices(request.user, district)[:30]),
        "now": now,
    }


@login_view
def rescue_detail(request, pk: int):
    case = get_scoped(
        RescueCase.objects.select_related("unit", "district", "deadline_rule"), request.user, VIEW, pk=pk
    )
    user = request.user
    may_act = (user.role == "enterprise" and user.entity_uscc == case.maintenance_uscc) or user.role in (
        "city_admin",
        "department",
        "district",
    )
    return render(
        request,
        "equipment/rescue_detail.html",
        {"case": case, "form": RescueTimeForm(), "may_act": may_act, "now": timezone.now()},
    )


@policy_view("equipment.rescue")
@require_POST
def rescue_arrival(request, pk: int):
    case = get_scoped(RescueCase.objects.all(), request.user, VIEW, pk=pk)
    form = RescueTimeForm(request.POST)
    if form.is_valid():
        try:
            services.record_arrival(actor=request.user, case=case, at=form.cleaned_data["at"])
            messages.success(request, "已登记到达现场")
        except services.EquipmentError as exc:
            refuse(request, exc)
    return redirect("equipment:rescue_detail", pk=case.pk)


@policy_view("equipment.rescue")
@require_POST
def rescue_close(request, pk: int):
    case = get_scoped(RescueCase.objects.all(), request.user, VIEW, pk=pk)
    form = RescueTimeForm(request.POST)
    if form.is_valid():
        try:
            services.close_rescue(
                actor=request.user,
                case=case,
                rescued_at=form.cleaned_data["at"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, "救援已办结")
        except services.EquipmentError as exc:
            refuse(request, exc)
    return redirect("equipment:rescue_detail", pk=case.pk)
