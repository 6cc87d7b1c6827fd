"""The list and the register (一单两库): spot-check items and inspectors; the object register is
the market-entity register's own list with its filters."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhijian.core.access import allows, policy_view
from zhijian.core.codes import normalize_uscc
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import Sort, paginate
from zhijian.core.models import User
from zhijian.core.scoping import CHANGE, VIEW, get_scoped, restrict
from zhijian.registry.models import Entity

from .. import queries, services
from ..forms import AbsenceForm, CheckItemForm, ConflictForm, InspectorForm
from ..models import CheckItem, Specialty


@policy_view("inspections.manage")
def items(request):
    may_edit = allows(request.user, "inspections.catalogue.edit")
    form = CheckItemForm(request.POST or None, initial={"department": request.user.department_id})
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            code, department = data.pop("code"), data.pop("department")
            item = attempt(
                request,
                services.save_check_item,
                actor=request.user,
                code=code,
                department=department,
                fields=data,
                form=form,
            )
            if item is not FAILED:
                messages.success(request, f"已保存抽查事项：{item}")
                return redirect("inspections:items")
    catalogue = CheckItem.objects.select_related("department").order_by("-active", "code")
    return render(request, "inspections/items.html", {"items": catalogue, "form": form, "may_edit": may_edit})


INSPECTOR_SORTS = {"name": Sort("姓名", ("name",)), "certificate_no": Sort("执法证号", ("certificate_no",))}


@policy_view("inspections.manage")
def inspectors(request):
    form = InspectorForm(request.POST or None, initial={"jurisdiction": request.user.jurisdiction_id})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        username = data.pop("username")
        user = User.objects.filter(username=username).first() if username else None
        if username and user is None:
            form.add_error("username", f"账户“{username}”不存在")
        else:
            inspector = attempt(
                request, services.save_inspector, actor=request.user, user=user, **data, form=form
            )
            if inspector is not FAILED:
                messages.success(request, f"已登记执法检查人员：{inspector}")
                return redirect("inspections:inspectors")
    register = queries.visible_inspectors(request.user).prefetch_related("absences")
    page = paginate(request, register, sorts=INSPECTOR_SORTS)
    return render(
        request,
        "inspections/inspectors.html",
        {"inspectors": page.rows, "page": page, "form": form, "specialties": dict(Specialty.choices)},
    )


@policy_view("inspections.work")
def inspector_detail(request, pk: int):
    return _inspector_page(request, pk)


def _inspector_page(request, pk: int, *, status: int = 200, **bound):
    """An inspector with the absence and conflict forms; ``bound`` is a refused one, as typed."""
    inspector = get_scoped(queries.visible_inspectors(request.user), request.user, VIEW, pk=pk)
    return render(
        request,
        "inspections/inspector_detail.html",
        {
            "inspector": inspector,
            "absences": inspector.absences.all(),
            "conflicts": inspector.conflicts.select_related("entity"),
            "checks": inspector.memberships.select_related("inspection__entity", "inspection__task").order_by(
                "-id"
            )[:50],
            "absence_form": AbsenceForm(),
            "conflict_form": ConflictForm(),
            **bound,
        },
        status=status,
    )


@policy_view("inspections.manage")
@require_POST
def inspector_absence(request, pk: int):
    inspector = get_scoped(queries.visible_inspectors(request.user), request.user, CHANGE, pk=pk)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.record_absence,
            actor=request.user,
            inspector=inspector,
            **form.cleaned_data,
            form=form,
            success="已登记",
        )
        if done is not FAILED:
            return redirect("inspections:inspector_detail", pk=pk)
    return _inspector_page(request, pk, status=400, absence_form=form)


@policy_view("inspections.work")
@require_POST
def inspector_conflict(request, pk: int):
    inspector = get_scoped(queries.visible_inspectors(request.user), request.user, VIEW, pk=pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        entity = (
            restrict(Entity.objects.all(), request.user, VIEW)
            .filter(uscc=normalize_uscc(form.cleaned_data["uscc"]))
            .first()
        )
        if entity is None:
            form.add_error("uscc", "未找到该企业，或不在您的辖区")
        elif (
            attempt(
                request,
                services.declare_conflict,
                actor=request.user,
                inspector=inspector,
                entity=entity,
                reason=form.cleaned_data["reason"],
                form=form,
                success=f"已登记回避：{entity.name}",
            )
            is not FAILED
        ):
            return redirect("inspections:inspector_detail", pk=pk)
    return _inspector_page(request, pk, status=400, conflict_form=form)
