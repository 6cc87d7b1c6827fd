"""Pages of records: an enterprise's own units and reminders, grades, accidents, the rules to confirm."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import policy_view, public_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.models import Role, RuleValue
from zhijian.core.params import int_param
from zhijian.core.reference import county_units
from zhijian.core.scoping import VIEW, get_scoped, restrict, user_district_id

from .. import queries, services
from ..forms import AccidentForm
from ..models import Accident, MaintenanceGrade, Reminder, RescueCase, Unit, UnitStatus
from ..rules import UNCONFIRMED_KEYS
from ..services.records import unconfirmed_rules
from .common import CITY_ROLES, refuse


def _year(params, default):
    return int_param(params, "year", minimum=2000, maximum=2100, default=default)


@policy_view("equipment.enterprise")
def my_units(request):
    """An enterprise's units: those it uses and, for a maintenance company, those it maintains."""
    uscc = request.user.entity_uscc
    units = restrict(Unit.objects.select_related("district"), request.user)
    used = units.filter(user_unit_uscc=uscc).order_by("code")
    # Elevators in use first, nearest maintenance first; stopped and scrapped ones owe no maintenance.
    in_use_first = Case(When(status=UnitStatus.IN_USE, then=Value(0)), default=Value(1))
    maintained = units.filter(maintenance_uscc=uscc).order_by(in_use_first, "maintenance_due", "code")
    reminders = restrict(Reminder.objects.select_related("unit"), request.user).filter(read_at__isnull=True)
    rescues = restrict(RescueCase.objects.select_related("unit"), request.user).exclude(status="closed")
    grade = MaintenanceGrade.objects.filter(company_uscc=uscc, published=True).first()
    return render(
        request,
        "equipment/my_units.html",
        {
            "used": used[:200],
            "used_count": used.count(),
            "maintained": maintained[:200],
            "maintained_count": maintained.count(),
            "reminders": reminders[:100],
            "rescues": rescues,
            "grade": grade,
            "today": timezone.localdate(),
        },
    )


@policy_view("equipment.enterprise")
@require_POST
def reminder_read(request, pk: int):
    reminder = get_scoped(Reminder.objects.all(), request.user, "change", pk=pk)
    Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("equipment:my_units")


@policy_view("equipment.view")
def grades(request):
    year = _year(request.GET, timezone.localdate().year - 1)
    rows = restrict(MaintenanceGrade.objects.filter(year=year), request.user)
    return render(
        request,
        "equipment/grades.html",
        {
            "rows": rows,
            "year": year,
            "can_decide": request.user.role in CITY_ROLES,
            "unpublished": rows.filter(published=False).count(),
        },
    )


@policy_view("equipment.grades.decide")
@require_POST
def grades_action(request):
    year = _year(request.POST, timezone.localdate().year - 1)
    try:
        if request.POST.get("action") == "publish":
            count = services.publish_grades(actor=request.user, year=year)
            messages.success(request, f"已公布 {count} 家维保单位的{year}年度等级")
        else:
            count = services.compute_grades(actor=request.user, year=year)
            messages.success(request, f"已评定 {count} 家维保单位")
    except services.EquipmentError as exc:
        refuse(request, exc)
    return redirect(f"{reverse('equipment:grades')}?year={year}")


@public_view
def grades_public(request):
    """Published grades: no login (维保单位等级公示)."""
    chosen = _year(request.GET, None)
    year = str(chosen or "")
    rows = queries.published_grades(chosen)
    years = sorted(
        set(MaintenanceGrade.objects.filter(published=True).values_list("year", flat=True)), reverse=True
    )
    return render(
        request, "equipment/grades_public.html", {"rows": rows[:2000], "years": years, "year": year}
    )


@policy_view("equipment.view")
def accidents(request):
    return _accidents_page(request)


def _accidents_page(request, *, form: AccidentForm | None = None, status: int = 200):
    """The year's accidents and rates with the form; ``form`` is a refused record shown as typed."""
    year = _year(request.GET, timezone.localdate().year)
    rows = restrict(Accident.objects.select_related("district", "unit"), request.user).filter(
        occurred_on__year=year
    )
    if request.user.role in CITY_ROLES:
        rates = queries.accident_rate(year)
        city = queries.city_accident_rate(year)
    else:
        rates = queries.accident_rate(year, user_district_id(request.user))
        city = None
    return render(
        request,
        "equipment/accidents.html",
        {
            "rows": rows,
            "year": year,
            "rates": rates,
            "city": city,
            "form": form or AccidentForm(),
            "districts": county_units(),
            "can_record": request.user.role != Role.INSPECTOR,
        },
        status=status,
    )


@policy_view("equipment.register")
@require_POST
def accident_new(request):
    form = AccidentForm(request.POST)
    if not form.is_valid():
        return _accidents_page(request, form=form, status=400)
    data = dict(form.cleaned_data)
    code = data.pop("unit_code")
    unit = get_scoped(Unit.objects.all(), request.user, VIEW, code=code.upper()) if code else None
    district = data.pop("district") or user_district_id(request.user)
    category = data.pop("category") or ""
    done = attempt(
        request,
        services.record_accident,
        actor=request.user,
        unit=unit,
        district_id=district,
        category=category,
        **data,
        form=form,
        success="事故信息已录入",
    )
    if done is FAILED:
        return _accidents_page(request, form=form, status=400)
    return redirect(f"{reverse('equipment:accidents')}?year={data['occurred_on'].year}")


@policy_view("equipment.view")
def rules(request):
    rows = RuleValue.objects.filter(key__startswith="equipment.").order_by("key", "valid_from")
    pending = {r.pk for r in unconfirmed_rules()}
    return render(
        request,
        "equipment/rules.html",
        {
            "rows": rows,
            "pending": pending,
            "pending_keys": UNCONFIRMED_KEYS,
            "can_confirm": request.user.role == Role.CITY_ADMIN,
        },
    )


@policy_view("equipment.rules.confirm")
@require_POST
def rule_confirm(request, pk: int):
    rule = get_object_or_404(RuleValue, pk=pk, key__in=UNCONFIRMED_KEYS)
    try:
        services.confirm_rule(actor=request.user, rule=rule)
        messages.success(request, f"规则“{rule.key}”已确认")
    except services.EquipmentError as exc:
        refuse(request, exc)
    return redirect("equipment:rules")
