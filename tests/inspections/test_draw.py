"""Committing, drawing, redrawing and verifying on the database (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from zhijian.core.models import AuditEntry, Jurisdiction
from zhijian.inspections import algorithm, services, snapshot
from zhijian.inspections.models import Draw, DrawSnapshot, Inspection, Plan, Task
from zhijian.inspections.services import InspectionError
from zhijian.inspections.verification import draw_package, verify_draw
from zhijian.registry.models import EntityStatus

from .factories import (
    CheckItemFactory,
    InspectorFactory,
    classify,
    committed,
    drawn,
    firms,
    plan_for,
    task_for,
)

pytestmark = pytest.mark.django_db

SECRET = "5e" * 32
BEACON = "07 12 18 25 29 33 + 11"
# Pinned on any database: the same register, secret and beacon give these bits.
GOLDEN = {
    "eligible_sha256": "82121dad0cbb7c42f84dbab94ae8923329c361f5dea18dece7704d5f3bc7f9fb",
    "frozen_sha256": "afb34673a2b57a6f2dbee71ba2506837bad2b4370dbdb4f18a616679e03cd09b",
    "seed": "8c4888776b41fb12c98dbb7f343edf386e733cb7f710e95bb68bb7c029288586",
    "selected_sha256": "705498193e7c8ee71caa40eaeb4f554892eb72a27bf815700b3ef1aac24349f0",
}


@pytest.fixture
def register(city):
    """120 firms in 海曙 across the classes (24 each, U = unclassified), plus firms that are not eligible."""
    haishu = city["330203"]
    everyone = firms(haishu, 120, start=500)
    for n, cls in enumerate("ABCD"):
        classify(everyone[n * 24 : (n + 1) * 24], cls)
    firms(haishu, 3, start=900, status=EntityStatus.DEREGISTERED)
    firms(city["330212"], 5, start=950)
    return everyone


def golden_task(staff, city) -> Task:
    """A task with a fixed id, so that its frozen text (which names the task) is the same everywhere."""
    plan = Plan.objects.create(year=2026, title="固定计划", jurisdiction=city["330203"])
    task = Task.objects.create(
        pk=4242,
        plan=plan,
        title="固定任务",
        jurisdiction=city["330203"],
        ratios={"A": "0", "B": "0.05", "C": "0.1", "D": "0.3", "U": "0.05"},
        ratio_source="测试",
        team_size=2,
        starts_on=dt.date(2026, 11, 2),
        due_on=dt.date(2026, 12, 31),
    )
    task.items.set([CheckItemFactory()])
    return task


def test_a_draw_is_bit_identical_on_sqlite_and_postgresql(staff, city, register):
    task = golden_task(staff, city)
    draw = drawn(staff["haishu"], task, beacon=BEACON, secret=SECRET)
    assert draw.strata_counts == {"A": 24, "B": 24, "C": 24, "D": 24, "U": 24}
    assert (draw.selected_count, len(snapshot.selected_of(draw.pk))) == (2 + 3 + 8 + 2, 15)
    pinned = {k: getattr(draw, k) for k in GOLDEN}
    assert pinned == GOLDEN, f"{connection.vendor} drew differently: {pinned}"
    assert verify_draw(draw) == []


def test_the_snapshot_keeps_the_canonical_list_exactly(staff, city, register):
    task = golden_task(staff, city)
    draw = committed(staff["haishu"], task)
    canonical = snapshot.canonical_snapshot(draw.pk)
    assert algorithm.sha256_hex(canonical) == draw.eligible_sha256
    assert snapshot.unpack_members(snapshot.pack_members(canonical)) == algorithm.parse_canonical(canonical)
    assert snapshot.canonical_from_members(algorithm.parse_canonical(canonical)) == canonical


def test_eligible_list_holds_active_firms_of_the_territory_with_their_class(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = committed(staff["haishu"], task)
    rows = dict(line.decode().split(",") for line in snapshot.canonical_snapshot(draw.pk).splitlines())
    assert len(rows) == 120 and draw.eligible_count == 120
    assert rows[register[0].uscc] == "A" and rows[register[119].uscc] == "U"
    assert draw.secret and draw.commitment == algorithm.commitment_of(draw.secret)
    assert Task.objects.get(pk=task.pk).status == Task.Status.COMMITTED


def test_the_seed_cannot_be_completed_before_the_beacon_is_public(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    with pytest.raises(InspectionError) as past:
        services.commit_draw(
            actor=staff["haishu"],
            task=task,
            beacon_source="双色球",
            beacon_due_at=timezone.now() - dt.timedelta(hours=1),
        )
    assert past.value.code == "beacon_due" and not Draw.objects.exists()
    draw = services.commit_draw(
        actor=staff["haishu"],
        task=task,
        beacon_source="双色球",
        beacon_due_at=timezone.now() + dt.timedelta(hours=2),
    )
    with pytest.raises(InspectionError) as early:
        services.perform_draw(actor=staff["haishu"], draw=draw, beacon_value="01 02 03")
    assert early.value.code == "beacon_pending"
    assert snapshot.selected_of(draw.pk) == []


def test_redraw_needs_a_reason_is_published_and_voids_the_first(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    first = drawn(staff["haishu"], task)
    InspectorFactory(jurisdiction=city["330203"]), InspectorFactory(jurisdiction=city["330203"])
    services.assign_inspectors(actor=staff["haishu"], task=task)
    kwargs = {"beacon_source": "大乐透第26137期", "beacon_due_at": timezone.now() + dt.timedelta(hours=1)}
    with pytest.raises(InspectionError) as no_reason:
        services.redraw(actor=staff["haishu"], task=task, reason=" ", **kwargs)
    assert no_reason.value.code == "redraw_reason"
    second = services.redraw(
        actor=staff["haishu"], task=task, reason="公共随机数来源开奖延期，改用下一期", **kwargs
    )
    first.refresh_from_db()
    assert first.status == Draw.Status.SUPERSEDED and second.number == 2
    assert second.reason == "公共随机数来源开奖延期，改用下一期"
    assert set(Inspection.objects.filter(draw=first).values_list("status", flat=True)) == {"cancelled"}
    assert verify_draw(first) == []  # a superseded draw stays verifiable
    assert AuditEntry.objects.filter(action="inspections.redraw").count() == 1


def test_verify_names_a_tampered_snapshot_and_a_swapped_firm(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = drawn(staff["haishu"], task)
    services.assign_inspectors(actor=staff["haishu"], task=task)  # the checks exist now
    assert verify_draw(draw) == []
    chosen = Inspection.objects.filter(draw=draw).first()
    drawn_ids = set(Inspection.objects.values_list("entity_id", flat=True))
    other = next(e for e in register if e.pk not in drawn_ids)
    Inspection.objects.filter(pk=chosen.pk).update(entity_id=other.pk)
    assert {p.what for p in verify_draw(draw)} == {"checks"}
    packed = bytes(DrawSnapshot.objects.get(draw=draw).members)
    moved = packed.replace(other.uscc.encode() + b"\n", b"", 1).replace(
        b"|", b"|" + other.uscc.encode() + b"\n", 1
    )
    DrawSnapshot.objects.filter(draw=draw).update(members=moved)  # the firm moved to another stratum
    assert {"eligible", "counts"} <= {p.what for p in verify_draw(draw)}


def test_public_package_hides_strata_and_the_full_package_has_them(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = committed(staff["haishu"], task)
    before = draw_package(draw, full=False)
    assert before["secret"] is None and before["selected"] is None and len(before["population"]) == 120
    draw = services.perform_draw(actor=staff["haishu"], draw=draw, beacon_value=BEACON)
    public, full = draw_package(draw, full=False), draw_package(draw, full=True)
    assert "eligible" not in public and all(set(s) == {"uscc", "key"} for s in public["selected"])
    assert public["secret"] == draw.secret and public["seed"] == draw.seed
    assert len(full["eligible"]) == 120 and full["eligible"][0].endswith(tuple(",ABCDU"))
    assert {s["stratum"] for s in full["selected"]} <= set("BCDU")


def test_task_rules_a_class_basis_ratio_cap_and_team_size(staff, city):
    plan = plan_for(staff["haishu"], city["330203"])
    with pytest.raises(InspectionError) as a_class:
        task_for(
            staff["haishu"], plan, ratios={"A": "0.01", "B": "0.03", "C": "0.1", "D": "0.3", "U": "0.03"}
        )
    assert a_class.value.code == "task_a_basis"
    allowed = task_for(
        staff["haishu"],
        plan,
        ratios={"A": "0.01", "B": "0.03", "C": "0.1", "D": "0.3", "U": "0.03"},
        a_class_basis="市局专项部署（甬市监信〔2026〕1号）",
    )
    assert allowed.ratios["A"] == "0.01" and "自定" in allowed.ratio_source
    with pytest.raises(InspectionError) as cap:
        task_for(staff["haishu"], plan, ratios={"A": "0", "B": "0.03", "C": "0.1", "D": "0.5", "U": "0.03"})
    assert cap.value.code == "task_ratio_cap"
    key = task_for(
        staff["haishu"],
        plan,
        items=[CheckItemFactory(is_key=True)],
        ratios={"A": "0", "B": "0.03", "C": "0.1", "D": "0.5", "U": "0.03"},
    )
    assert key.ratios["D"] == "0.5"
    with pytest.raises(InspectionError) as team:
        task_for(staff["haishu"], plan, team_size=1)
    assert team.value.code == "task_team_size" and "两" not in str(team.value) and "2人" in str(team.value)
    default = task_for(staff["haishu"], plan)
    assert default.ratios == {"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "0.03"}
    assert default.team_size == 2 and default.applies_credit


def test_district_staff_cannot_plan_or_draw_for_another_district(staff, city, register):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        plan_for(staff["yinzhou"], city["330203"])
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    with pytest.raises(PermissionDenied):
        committed(staff["yinzhou"], task)
    assert not Draw.objects.exists()


def test_city_task_draws_across_districts(staff, city, register):
    plan = plan_for(staff["department"], Jurisdiction.objects.get(code="330200"))
    task = task_for(staff["department"], plan, districts=[city["330203"], city["330212"]])
    draw = committed(staff["department"], task)
    assert draw.eligible_count == 125
