"""Register pages: the district's overview and due lists, units, a unit's file, the import."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import login_view, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.jobs import start_upload_job
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.models import Role
from zhijian.core.params import page_param
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped, restrict
from zhijian.core.uploads import upload_limit

from .. import queries, services
from ..forms import ImportForm, InspectionForm, MaintenanceForm, StatusForm
from ..models import Category, Device, RiskClass, Unit, UnitStatus
from ..services.records import unconfirmed_rules
from ..tasks import import_units_task
from .common import STAFF_ROLES, page_district


@policy_view("equipment.view")
def home(request):
    district = page_district(request)
    counts = queries.due_counts(request.user, district)
    return render(
        request,
        "equipment/home.html",
        {
            "due": [(kind, label, counts[kind]) for kind, label in queries.DUE_KINDS.items()],
            "district": district,
            "districts": county_units(),
            "rescues": list(queries.open_rescues(request.user, district)[:20]),
            "silent": queries.silent_devices(request.user, district).count(),
            "pending_rules": unconfirmed_rules(),
            "can_import": request.user.role in (Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT),
        },
    )


@policy_view("equipment.view")
def due_list(request, kind: str):
    if kind not in queries.DUE_KINDS:
        raise Http404
    district = page_district(request)
    data = queries.due_page(request.user, kind, district, page=page_param(request.GET))
    return render(
        request,
        "equipment/due_list.html",
        {
            **data,
            "kinds": queries.DUE_KINDS,
            "district": district,
            "districts": county_units(),
            "pending_rules": unconfirmed_rules(),
        },
    )


UNIT_SORTS = {
    "code": Sort("设备代码", ("code",)),
    "inspection_valid_until": Sort("下次检验", ("inspection_valid_until", "id")),
}


@login_view
def unit_list(request):
    flt = queries.UnitFilter.from_params(request.GET)
    page = paginate(
        request,
        queries.search_units(request.user, flt),
        sorts=UNIT_SORTS,
        params=flt.as_params(),
        bounded_sorts=True,  # a city's 150,000 units keep their default order; a filtered list sorts
    )
    return render(
        request,
        "equipment/unit_list.html",
        {
            "flt": flt,
            "units": page.rows,
            "page": page,
            "districts": visible_districts(request.user, county_units()),
            "categories": Category.choices,
            "statuses": UnitStatus.choices,
            "risks": RiskClass.choices,
        },
    )


@login_view
def unit_detail(request, code: str):
    return _unit_page(request, code)


def _unit_page(request, code: str, *, status: int = 200, **bound):
    """A unit's file with its record forms; ``bound`` is a refused one, shown again as typed."""
    unit = get_scoped(Unit.objects.select_related("district"), request.user, VIEW, code=code)
    user = request.user
    return render(
        request,
        "equipment/unit_detail.html",
        {
            "unit": unit,
            "history": unit.history.all()[:50],
            "inspections": unit.inspections.all()[:20],
            "maintenance": unit.maintenance.all()[:20],
            "alarms": unit.alarms.all()[:20],
            "rescues": unit.rescues.all()[:10],
            "devices": restrict(Device.objects.filter(unit=unit), user),
            "can_inspect": user.role == Role.LAB
            and unit.institute_uscc == user.entity_uscc
            or user.role in STAFF_ROLES
            and can(user, unit, CHANGE)
            or user.role == Role.ENTERPRISE
            and unit.user_unit_uscc == user.entity_uscc,
            "can_maintain": user.role == Role.ENTERPRISE and unit.maintenance_uscc == user.entity_uscc,
            "can_change": user.role in STAFF_ROLES and can(user, unit, CHANGE),
            "inspection_form": InspectionForm(),
            "maintenance_form": MaintenanceForm(initial={"performed_on": timezone.localdate()}),
            "status_form": StatusForm(initial={"status": unit.status, "on": timezone.localdate()}),
            **bound,
        },
        status=status,
    )


def _record(request, unit: Unit, form, name: str, operation, success: str):
    """Run a unit's record form; a refusal re-renders the unit's file with the form as typed."""
    if form.is_valid():
        done = attempt(
            request, operation, actor=request.user, unit=unit, **form.cleaned_data, form=form, success=success
        )
        if done is not FAILED:
            return redirect("equipment:unit_detail", code=unit.code)
    return _unit_page(request, unit.code, status=400, **{name: form})


@policy_view("equipment.records")
@require_POST
def unit_inspection(request, code: str):
    unit = get_scoped(Unit.objects.all(), request.user, VIEW, code=code)
    return _record(
        request,
        unit,
        InspectionForm(request.POST),
        "inspection_form",
        services.record_inspection,
        "检验结论已录入",
    )


@policy_view("equipment.records")
@require_POST
def unit_maintenance(request, code: str):
    unit = get_scoped(Unit.objects.all(), request.user, VIEW, code=code)
    return _record(
        request,
        unit,
        MaintenanceForm(request.POST),
        "maintenance_form",
        services.record_maintenance,
        "维保记录已录入",
    )


@policy_view("equipment.register")
@require_POST
def unit_status(request, code: str):
    unit = get_scoped(Unit.objects.all(), request.user, CHANGE, code=code)
    return _record(
        request, unit, StatusForm(request.POST), "status_form", services.change_unit_status, "设备状态已变更"
    )


@policy_view("equipment.register")
@upload_limit("equipment.import")
def import_form(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(
            owner=request.user,
            kind="equipment.import",
            title="特种设备台账导入",
            upload=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            task=import_units_task,
        )
        return redirect("job_detail", pk=job.pk)
    return render(request, "equipment/import.html", {"form": form})
