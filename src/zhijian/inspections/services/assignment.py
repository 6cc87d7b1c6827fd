"""Assigning inspectors to the drawn checks (随机匹配检查人员), with recusal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.models import Jurisdiction, User
from zhijian.registry.models import Entity

from ..assignment import REASONS, assign, assignment_seed, inputs_digest, result_digest
from ..models import (
    Absence,
    AssignmentRun,
    Conflict,
    Draw,
    Inspection,
    InspectionMember,
    Inspector,
    Task,
)
from ..topics import RESULT_TOPIC  # noqa: E402,F401 - the topic is declared with its schema
from ._common import InspectionError, _require_change, _require_staff
from .draws import _materialise_checks

# --- assignment -----------------------------------------------------------------------------------


def _county_code(entity: Entity) -> str:
    return entity.jurisdiction.code


def assignment_inputs(task: Task, draw: Draw, inspections: list[Inspection], on: dt.date) -> dict:
    """The snapshot the assignment runs on: pool, exclusions per firm, loads, the draw's seed."""
    departments = task.department_ids()
    firm_units = {i.entity.jurisdiction_id for i in inspections}
    pool = [
        i
        for i in Inspector.objects.filter(active=True).select_related("jurisdiction", "department")
        if i.jurisdiction_id in firm_units
        or (i.jurisdiction.level == Jurisdiction.Level.CITY and i.department_id in departments)
    ]
    away = set(
        Absence.objects.filter(inspector__in=pool, starts_on__lte=task.due_on, ends_on__gte=on).values_list(
            "inspector_id", flat=True
        )
    )
    open_load: dict[int, int] = {}
    for inspector_id in InspectionMember.objects.filter(
        inspector__in=pool, inspection__status=Inspection.Status.ASSIGNED
    ).values_list("inspector_id", flat=True):
        open_load[inspector_id] = open_load.get(inspector_id, 0) + 1
    entity_ids = [i.entity_id for i in inspections]
    conflicts: dict[int, dict[str, str]] = {}
    for entity_id, cert in Conflict.objects.filter(entity_id__in=entity_ids).values_list(
        "entity_id", "inspector__certificate_no"
    ):
        conflicts.setdefault(entity_id, {})[cert] = "conflict"
    previous: dict[int, tuple] = {}
    earlier = (
        InspectionMember.objects.filter(inspection__entity_id__in=entity_ids)
        .exclude(inspection__task=task)
        .exclude(inspection__status=Inspection.Status.CANCELLED)
        .values_list(
            "inspection__entity_id", "inspection__created_at", "inspection_id", "inspector__certificate_no"
        )
    )
    for entity_id, created_at, inspection_id, cert in earlier:
        key = (created_at, inspection_id)
        if entity_id not in previous or key > previous[entity_id][0]:
            previous[entity_id] = (key, {cert})
        elif key == previous[entity_id][0]:
            previous[entity_id][1].add(cert)
    firms = []
    for inspection in inspections:
        exclude = dict(conflicts.get(inspection.entity_id, {}))
        for cert in sorted(previous.get(inspection.entity_id, (None, set()))[1]):
            exclude.setdefault(cert, "previous")
        firms.append(
            {"uscc": inspection.entity.uscc, "district": _county_code(inspection.entity), "exclude": exclude}
        )
    return {
        "format": "zhijian-assign/1",
        "task": task.pk,
        "draw": draw.pk,
        "draw_seed": draw.seed,
        "on": on.isoformat(),
        "team_size": task.team_size,
        "required": sorted({item.specialty for item in task.items.all()}),
        "inspectors": [
            {
                "id": i.certificate_no,
                "district": "" if i.jurisdiction.level == Jurisdiction.Level.CITY else i.jurisdiction.code,
                "specialties": sorted(i.specialties),
                "load": open_load.get(i.pk, 0),
            }
            for i in sorted(pool, key=lambda i: i.certificate_no)
            if i.pk not in away
        ],
        "unavailable": sorted(i.certificate_no for i in pool if i.pk in away),
        "firms": firms,
    }


def assign_inspectors(*, actor, task: Task) -> AssignmentRun:
    """Match inspectors to the drawn firms still without a team (随机匹配检查人员), reproducibly."""
    _require_staff(actor)
    _require_change(actor, task)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        draw = task.current_draw()
        if draw is None or draw.status != Draw.Status.DRAWN:
            raise InspectionError("assign_before_draw", "请先完成抽取")
        created = _materialise_checks(draw)
        pending = list(
            draw.inspections.filter(status__in=[Inspection.Status.DRAWN, Inspection.Status.UNASSIGNABLE])
            .select_related("entity__jurisdiction")
            .order_by("stratum", "rank")
        )
        if not pending:
            raise InspectionError("assign_nothing", "没有待分派的检查对象")
        inputs = assignment_inputs(task, draw, pending, timezone.localdate())
        results = assign(inputs)
        certs = dict(
            Inspector.objects.filter(certificate_no__in={c for r in results for c in r["team"]}).values_list(
                "certificate_no", "pk"
            )
        )
        members: list[InspectionMember] = []
        assigned: list[int] = []
        unassignable: list[tuple[int, str]] = []
        for inspection, result in zip(pending, results, strict=True):
            if result["team"]:
                assigned.append(inspection.pk)
                members.extend(
                    InspectionMember(inspection=inspection, inspector_id=certs[c], lead=n == 0, position=n)
                    for n, c in enumerate(result["team"])
                )
            else:
                unassignable.append((inspection.pk, REASONS[result["reason"]]))
        InspectionMember.objects.bulk_create(members, batch_size=2000)
        Inspection.objects.filter(pk__in=assigned).update(
            status=Inspection.Status.ASSIGNED, assignment_note=""
        )
        for pk, note in unassignable:
            Inspection.objects.filter(pk=pk).update(
                status=Inspection.Status.UNASSIGNABLE, assignment_note=note
            )
        number = (draw.assignments.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        run = AssignmentRun.objects.create(
            draw=draw,
            number=number,
            inputs=inputs,
            inputs_sha256=inputs_digest(inputs),
            seed=assignment_seed(inputs).hex(),
            result_sha256=result_digest(results),
            assigned=len(assigned),
            unassignable=len(unassignable),
            created_by=actor if isinstance(actor, User) else None,
        )
        if assigned:
            task.status = Task.Status.ASSIGNED
            task.save(update_fields=["status"])
        audit.record(
            actor,
            audit.Change(
                "inspections.assign",
                "AssignmentRun",
                str(run.pk),
                None,
                {
                    "draw": draw.pk,
                    "inputs_sha256": run.inputs_sha256,
                    "result_sha256": run.result_sha256,
                    "assigned": run.assigned,
                    "unassignable": run.unassignable,
                    "checks_created": created,
                },
            ),
        )
    return run
