"""Inspector assignment: recusal, jurisdiction and qualification are never broken; teams of two or more;
balanced and reproducible. Property-based on the pure algorithm, then on the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from zhijian.inspections import services
from zhijian.inspections.assignment import REASON_TOO_FEW, REASON_UNCOVERED, assign
from zhijian.inspections.models import Inspection, InspectionMember, Specialty
from zhijian.inspections.verification import verify_draw

from .factories import CheckItemFactory, InspectorFactory, drawn, firms, plan_for, task_for

DISTRICTS = ["330203", "330212", "330205"]
SPECIALTIES = ["general", "food", "metrology"]


@st.composite
def assignment_inputs(draw):
    inspectors = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "district": st.sampled_from([*DISTRICTS, ""]),
                    "specialties": st.lists(
                        st.sampled_from(SPECIALTIES), min_size=1, max_size=3, unique=True
                    ),
                    "load": st.integers(min_value=0, max_value=5),
                }
            ),
            min_size=0,
            max_size=14,
        )
    )
    for n, inspector in enumerate(inspectors):
        inspector["id"] = f"C{n:03d}"
    ids = [i["id"] for i in inspectors]
    firms = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "district": st.sampled_from(DISTRICTS),
                    "exclude": st.dictionaries(
                        st.sampled_from(ids), st.sampled_from(["conflict", "previous"]), max_size=6
                    )
                    if ids
                    else st.just({}),
                }
            ),
            min_size=1,
            max_size=25,
        )
    )
    for n, firm in enumerate(firms):
        firm["uscc"] = f"91330203{n:010d}"
    return {
        "draw_seed": draw(st.binary(min_size=32, max_size=32)).hex(),
        "team_size": draw(st.integers(min_value=2, max_value=3)),
        "required": draw(st.lists(st.sampled_from(SPECIALTIES), min_size=1, max_size=2, unique=True)),
        "inspectors": inspectors,
        "firms": firms,
    }


def lawful(inspector, firm, required) -> bool:
    return (
        inspector["district"] in ("", firm["district"])
        and inspector["id"] not in firm["exclude"]
        and bool(set(required) & set(inspector["specialties"]))
    )


@settings(max_examples=300, deadline=None)
@given(inputs=assignment_inputs())
def test_recusal_jurisdiction_and_qualification_are_never_violated(inputs):
    results = assign(inputs)
    by_id = {i["id"]: i for i in inputs["inspectors"]}
    assert [r["uscc"] for r in results] == [f["uscc"] for f in inputs["firms"]]
    for firm, result in zip(inputs["firms"], results, strict=True):
        eligible = [i for i in inputs["inspectors"] if lawful(i, firm, inputs["required"])]
        covered = set().union(*(set(i["specialties"]) for i in eligible)) >= set(inputs["required"])
        if result["team"]:
            team = [by_id[m] for m in result["team"]]
            assert len(team) >= inputs["team_size"] >= 2
            assert len(set(result["team"])) == len(team)
            assert all(
                lawful(m, firm, inputs["required"]) for m in team
            )  # never a conflict, the previous team,
            assert set().union(*(set(m["specialties"]) for m in team)) >= set(
                inputs["required"]
            )  # jurisdiction
        else:
            # Left unassigned only when no lawful team exists.
            assert result["reason"] == (REASON_UNCOVERED if not covered else REASON_TOO_FEW)
            assert not covered or len(eligible) < inputs["team_size"]


@settings(max_examples=100, deadline=None)
@given(
    pool=st.integers(min_value=2, max_value=12),
    visits=st.integers(min_value=1, max_value=60),
    team_size=st.integers(min_value=2, max_value=3),
    seed=st.binary(min_size=32, max_size=32),
)
def test_workload_is_balanced_within_one_visit(pool, visits, team_size, seed):
    if team_size > pool:
        team_size = pool
    inputs = {
        "draw_seed": seed.hex(),
        "team_size": max(team_size, 2),
        "required": ["general"],
        "inspectors": [
            {"id": f"C{n}", "district": "330203", "specialties": ["general"], "load": 0} for n in range(pool)
        ],
        "firms": [{"uscc": f"F{n}", "district": "330203", "exclude": {}} for n in range(visits)],
    }
    loads = dict.fromkeys((i["id"] for i in inputs["inspectors"]), 0)
    for result in assign(inputs):
        for member in result["team"]:
            loads[member] += 1
    assert max(loads.values()) - min(loads.values()) <= 1
    assert assign(inputs) == assign(inputs)  # reproducible


def test_the_seed_changes_the_teams():
    base = {
        "team_size": 2,
        "required": ["general"],
        "inspectors": [
            {"id": f"C{n}", "district": "330203", "specialties": ["general"], "load": 0} for n in range(8)
        ],
        "firms": [{"uscc": f"F{n}", "district": "330203", "exclude": {}} for n in range(8)],
    }
    teams = {str(assign({**base, "draw_seed": f"{n:064x}"})) for n in range(5)}
    assert len(teams) > 1


@pytest.mark.django_db
def test_assignment_on_the_database_respects_conflicts_previous_teams_absence_and_districts(city, users):
    haishu, yinzhou = city["330203"], city["330212"]
    actor = users["haishu"]
    register = firms(haishu, 40, start=3000)
    pool = [InspectorFactory(jurisdiction=haishu) for _ in range(6)]
    outsider = InspectorFactory(jurisdiction=yinzhou)
    food_only = InspectorFactory(jurisdiction=haishu, specialties=[Specialty.FOOD])
    away = InspectorFactory(jurisdiction=haishu)
    away.absences.create(
        starts_on=timezone.localdate(), ends_on=timezone.localdate() + dt.timedelta(days=3), reason="培训"
    )
    for entity in register:
        services.declare_conflict(actor=actor, inspector=pool[0], entity=entity, reason="近亲属任该企业股东")
    plan = plan_for(actor, haishu)
    items = [CheckItemFactory(is_key=True)]
    first = task_for(
        actor, plan, items=items, ratios={"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "0.25"}
    )
    drawn(actor, first)
    services.assign_inspectors(actor=actor, task=first)
    previous = {
        i.entity_id: set(i.members.values_list("inspector_id", flat=True))
        for i in Inspection.objects.filter(task=first)
    }
    second = task_for(
        actor, plan, items=items, ratios={"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "1"}
    )
    draw = drawn(actor, second)
    run = services.assign_inspectors(actor=actor, task=second)
    assert run.assigned == 40 and run.unassignable == 0
    for inspection in Inspection.objects.filter(task=second).prefetch_related("members"):
        team = [m.inspector_id for m in inspection.members.all()]
        assert len(team) >= 2 and inspection.status == Inspection.Status.ASSIGNED
        assert (
            pool[0].pk not in team
            and outsider.pk not in team
            and food_only.pk not in team
            and away.pk not in team
        )
        assert not set(team) & previous.get(inspection.entity_id, set())
        assert inspection.members.filter(lead=True).count() == 1
    loads = [InspectionMember.objects.filter(inspection__task=second, inspector=i).count() for i in pool[1:]]
    assert sum(loads) == 80
    assert verify_draw(draw) == []  # the assignment re-runs to the same teams


@pytest.mark.django_db
def test_a_firm_without_a_lawful_team_is_left_unassigned_with_the_reason(city, users):
    haishu = city["330203"]
    actor = users["haishu"]
    firms(haishu, 5, start=3100)
    InspectorFactory(jurisdiction=haishu)  # only one: no team of two
    task = task_for(
        actor,
        plan_for(actor, haishu),
        items=[CheckItemFactory(is_key=True)],
        ratios={"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "1"},
    )
    drawn(actor, task)
    run = services.assign_inspectors(actor=actor, task=task)
    assert (run.assigned, run.unassignable) == (0, 5)
    inspection = Inspection.objects.filter(task=task).first()
    assert inspection.status == Inspection.Status.UNASSIGNABLE and "不足" in inspection.assignment_note
    assert not InspectionMember.objects.exists()
    InspectorFactory(jurisdiction=haishu)
    again = services.assign_inspectors(actor=actor, task=task)
    assert (again.number, again.assigned) == (2, 5)
