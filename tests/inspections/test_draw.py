"""Committing, drawing, redrawing and verifying on the database (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.models import AuditEntry, Jurisdiction
from zhijian.inspections import algorithm, services, snapshot
from zhijian.inspections.models import (
    AssignmentRun,
    Draw,
    DrawSnapshot,
    Inspection,
    InspectionMember,
    Plan,
    Task,
)
from zhijian.inspections.services import InspectionError
from zhijian.inspections.verification import draw_package, verify_draw
from zhijian.registry.models import EntityStatus

from .factories import (
    CheckItemFactory,
    InspectorFactory,
    after_the_lottery,
    classify,
    committed,
    drawn,
    firms,
    next_issue,
    plan_for,
    services_clock,
    task_for,
)

pytestmark = pytest.mark.django_db

SECRET = "5e" * 32
SALT = "a7" * 32
BEACON = "07 12 18 25 29 33 + 11"
# Pinned on any database: the same register, time, lottery, secret, salt and result give these bits.
GOLDEN = {
    "eligible_sha256": "e7f03b282013f0293b56ef3cf994909961818df70631e075159c5dc150f40375",
    "frozen_sha256": "9748d25c9a5a0df306368b4a539936705a47a2e6379b93e562303ad057e09b80",
    "seed": "5ab444222678124463e412e87ee0822f4a04d2fdb3ab73019389f25a08a2df96",
    "selected_sha256": "2606be6de69da057be9d40d80023710d35c83a1111ef29ca2279f02f86bd737f",
    "drawn_sha256": "e7443c16fcce528718d3b0a79f56254fbac6b27633dbd9107b1ce3539167c473",
}
GOLDEN_COMMITTED_AT = dt.datetime(2026, 11, 16, 10, 0, tzinfo=algorithm.BEIJING)
GOLDEN_LOTTERY = {"beacon_game": "ssq", "beacon_issue": "2026133", "beacon_date": dt.date(2026, 11, 17)}


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
    with services_clock(GOLDEN_COMMITTED_AT):
        draw = drawn(staff["haishu"], task, beacon=BEACON, secret=SECRET, salt=SALT, **GOLDEN_LOTTERY)
    assert draw.strata_counts == {"A": 24, "B": 24, "C": 24, "D": 24, "U": 24}
    assert (draw.selected_count, len(snapshot.selected_of(draw.pk))) == (2 + 3 + 8 + 2, 15)
    pinned = {k: getattr(draw, k) for k in GOLDEN}
    assert pinned == GOLDEN, f"{connection.vendor} drew differently: {pinned}"
    assert verify_draw(draw) == []


def test_the_snapshot_keeps_the_canonical_list_exactly(staff, city, register):
    task = golden_task(staff, city)
    draw = committed(staff["haishu"], task)
    canonical = snapshot.canonical_snapshot(draw.pk)
    assert algorithm.salted_sha256(draw.salt, canonical) == draw.eligible_sha256
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


def test_the_seed_cannot_be_completed_before_the_lottery_is_drawn(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    past = next_issue(timezone.now() - dt.timedelta(days=8))
    with pytest.raises(InspectionError) as drawn_already:
        services.commit_draw(actor=staff["haishu"], task=task, **past)
    assert drawn_already.value.code == "beacon_due" and not Draw.objects.exists()
    draw = services.commit_draw(actor=staff["haishu"], task=task, **next_issue())
    with pytest.raises(InspectionError) as early:
        services.perform_draw(actor=staff["haishu"], draw=draw, beacon_value="01 02 03 04 05 06 + 07")
    assert early.value.code == "beacon_pending"
    assert snapshot.selected_of(draw.pk) == []


def test_the_lottery_must_be_named_exactly(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    lottery = next_issue()
    for wrong in (
        {"beacon_game": "双色球"},
        {"beacon_issue": "第" + lottery["beacon_issue"] + "期"},
        {"beacon_issue": lottery["beacon_issue"][2:]},
        {"beacon_date": lottery["beacon_date"] + dt.timedelta(days=1)},  # not a 双色球 day
    ):
        with pytest.raises(InspectionError) as refused:
            services.commit_draw(actor=staff["haishu"], task=task, **{**lottery, **wrong})
        assert refused.value.code == "beacon_source", wrong
    assert not Draw.objects.exists()
    draw = services.commit_draw(actor=staff["haishu"], task=task, **lottery)
    assert (draw.beacon_game, draw.beacon_issue) == ("ssq", lottery["beacon_issue"])
    assert timezone.localtime(draw.beacon_due_at).strftime("%H:%M") == "21:15"
    assert draw.beacon_source == f"中国福利彩票双色球第{lottery['beacon_issue']}期开奖号码"


@pytest.mark.parametrize(
    "spelling",
    ["3 11 19 24 27 30 + 9", "03,11,19,24,27,30+09", "03 11 19 24 27 30 +09", "03 11 19 24 27 30 + 09 "],
)
def test_an_equivalent_spelling_of_the_result_is_refused_and_changes_nothing(staff, city, register, spelling):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = committed(staff["haishu"], task)
    with after_the_lottery(draw), pytest.raises(InspectionError) as refused:
        services.perform_draw(actor=staff["haishu"], draw=draw, beacon_value=spelling)
    assert refused.value.code == "beacon_value" and "规范格式" in str(refused.value)
    draw.refresh_from_db()
    assert draw.status == Draw.Status.COMMITTED and not draw.seed and snapshot.selected_of(draw.pk) == []


def test_the_commitment_is_archived_in_the_audit_chain(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = committed(staff["haishu"], task)
    entry = AuditEntry.objects.get(action="inspections.commit_draw", object_id=str(draw.pk))
    archived = bytes(entry.attachment)
    assert algorithm.sha256_hex(archived) == draw.frozen_sha256 == entry.after["frozen_sha256"]
    assert archived.decode() == services.frozen_text_of(draw)
    assert "salt" not in entry.after and draw.salt not in archived.decode()
    assert audit.verify()[1] == []
    # A draw row rewritten to match a new frozen text no longer matches the archive.
    Draw.objects.filter(pk=draw.pk).update(beacon_issue=str(int(draw.beacon_issue) - 1))
    draw.refresh_from_db()
    Draw.objects.filter(pk=draw.pk).update(
        frozen_sha256=algorithm.sha256_hex(services.frozen_text_of(draw).encode())
    )
    draw.refresh_from_db()
    assert {p.what for p in verify_draw(draw)} == {"archive"}


def _redraw_kwargs(**extra):
    return {"reason": "公共随机数来源开奖延期，改用下一期", **next_issue(), **extra}


def test_redraw_needs_a_reason_is_published_chained_and_voids_the_first(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    first = drawn(staff["haishu"], task)
    InspectorFactory(jurisdiction=city["330203"]), InspectorFactory(jurisdiction=city["330203"])
    services.assign_inspectors(actor=staff["haishu"], task=task)
    with pytest.raises(InspectionError) as no_reason:
        services.redraw(actor=staff["haishu"], task=task, **_redraw_kwargs(reason=" "))
    assert no_reason.value.code == "redraw_reason"
    second = services.redraw(actor=staff["haishu"], task=task, **_redraw_kwargs())
    first.refresh_from_db()
    assert first.status == Draw.Status.SUPERSEDED and second.number == 2
    assert second.reason == "公共随机数来源开奖延期，改用下一期"
    assert second.replaces_sha256 == first.frozen_sha256 and second.redraw_limit == first.redraw_limit == 2
    frozen = services.frozen_text_of(second)
    assert f"replaces={first.frozen_sha256}\n" in frozen
    assert f"reason_sha256={algorithm.sha256_hex(second.reason.encode())}\n" in frozen
    assert set(Inspection.objects.filter(draw=first).values_list("status", flat=True)) == {"cancelled"}
    assert verify_draw(first) == []  # a superseded draw stays verifiable
    assert verify_draw(second) == []
    assert AuditEntry.objects.filter(action="inspections.redraw", object_id=str(second.pk)).count() == 1
    public = draw_package(first, full=False)
    assert public["draw"]["status"] == "superseded" and public["selected"]


def test_redraws_are_limited_by_rule_data(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    committed(staff["haishu"], task)
    for _ in range(2):  # inspections.draw.redraw_limit = 2
        services.redraw(actor=staff["haishu"], task=task, **_redraw_kwargs())
    with pytest.raises(InspectionError) as limit:
        services.redraw(actor=staff["haishu"], task=task, **_redraw_kwargs())
    assert limit.value.code == "redraw_limit" and "最多重新抽取2次" in str(limit.value)
    assert Draw.objects.filter(task=task).count() == 3
    # A draw numbered beyond the published limit fails verification.
    third = Draw.objects.get(task=task, number=3)
    Draw.objects.filter(pk=third.pk).update(redraw_limit=1)
    third.refresh_from_db()
    assert "redraw_limit" in {p.what for p in verify_draw(third)}


def test_a_drawn_lottery_must_be_performed_before_a_redraw(staff, city, register):
    """Otherwise the operator, who knows the secret, could compute the list privately after the
    lottery and redraw until it suits: the list a redraw replaces is always published."""
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = committed(staff["haishu"], task)
    with after_the_lottery(draw), pytest.raises(InspectionError) as refused:
        services.redraw(
            actor=staff["haishu"],
            task=task,
            **_redraw_kwargs(**next_issue(draw.beacon_due_at + dt.timedelta(days=1))),
        )
    assert refused.value.code == "redraw_after_beacon"
    assert Draw.objects.get(pk=draw.pk).status == Draw.Status.COMMITTED
    # … and the public page says that the lottery is out and the draw not yet performed.
    from django.test import Client

    page = Client().get(f"/public/inspections/draws/{draw.pk}/").content.decode()
    assert 'id="draw-overdue"' not in page
    with after_the_lottery(draw):
        from zhijian.inspections.views import public

        with mock.patch.object(public, "timezone", services.timezone):
            page = Client().get(f"/public/inspections/draws/{draw.pk}/").content.decode()
    assert 'id="draw-overdue"' in page and "尚未执行" in page


def test_verify_names_a_tampered_snapshot_and_a_swapped_firm(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = drawn(staff["haishu"], task)
    services.assign_inspectors(actor=staff["haishu"], task=task)  # the checks exist now
    assert verify_draw(draw) == []
    chosen = Inspection.objects.filter(draw=draw).first()
    drawn_ids = set(Inspection.objects.values_list("entity_id", flat=True))
    other = next(e for e in register if e.pk not in drawn_ids)
    Inspection.objects.filter(pk=chosen.pk).update(entity_id=other.pk)
    assert {p.what for p in verify_draw(draw)} >= {"checks"}
    packed = bytes(DrawSnapshot.objects.get(draw=draw).members)
    moved = packed.replace(other.uscc.encode() + b"\n", b"", 1).replace(
        b"|", b"|" + other.uscc.encode() + b"\n", 1
    )
    DrawSnapshot.objects.filter(draw=draw).update(members=moved)  # the firm moved to another stratum
    assert {"eligible", "counts"} <= {p.what for p in verify_draw(draw)}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("strata_counts", {"A": 25, "B": 23, "C": 24, "D": 24, "U": 24}),
        ("beacon_issue", "2026001"),
        ("reason", "事后补写的理由"),
        ("redraw_limit", 5),
        ("ratios", {"A": "0", "B": "0.03", "C": "0.1", "D": "0.5", "U": "0.03"}),
    ],
)
def test_verify_fails_when_a_frozen_field_is_changed(staff, city, register, field, value):
    """Strata counts, the lottery, the reason, the limit: each is in the frozen hash (issue 15: the
    counts and the lottery's due time were outside every hash)."""
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = drawn(staff["haishu"], task)
    assert verify_draw(draw) == []
    Draw.objects.filter(pk=draw.pk).update(**{field: value})
    draw.refresh_from_db()
    assert "frozen" in {p.what for p in verify_draw(draw)}


def test_verify_fails_when_the_lottery_time_is_moved(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = drawn(staff["haishu"], task)
    Draw.objects.filter(pk=draw.pk).update(beacon_due_at=draw.beacon_due_at + dt.timedelta(days=7))
    draw.refresh_from_db()
    assert "frozen" in {p.what for p in verify_draw(draw)}


def test_public_package_hides_strata_salt_and_keys_and_the_full_package_has_them(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = committed(staff["haishu"], task)
    before = draw_package(draw, full=False)
    assert before["secret"] is None and before["selected"] is None and len(before["population"]) == 120
    with after_the_lottery(draw):
        draw = services.perform_draw(actor=staff["haishu"], draw=draw, beacon_value=BEACON)
    public, full = draw_package(draw, full=False), draw_package(draw, full=True)
    text = json.dumps(public, ensure_ascii=False)
    assert draw.salt not in text and "stratum" not in text and 'eligible"' not in text
    assert public["selected"] == sorted(public["selected"]) and all(
        isinstance(u, str) for u in public["selected"]
    )
    assert public["secret"] == draw.secret and public["seed"] == draw.seed
    assert public["frozen"]["counts"] == {"A": 24, "B": 24, "C": 24, "D": 24, "U": 24}
    assert len(full["eligible"]) == 120 and full["eligible"][0].endswith(tuple(",ABCDU"))
    assert {s["stratum"] for s in full["ranked"]} <= set("BCDU") and full["salt"] == draw.salt


def _run_verifier(package: dict, tmp_path) -> tuple[int, str]:
    import contextlib
    import importlib.util
    import io
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "verify_draw", Path(__file__).resolve().parents[2] / "tools" / "verify_draw.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package, ensure_ascii=False, cls=DjangoJSONEncoder), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = module.main(str(path))
    return code, out.getvalue()


def test_the_outsiders_verifier_checks_draw_assignment_and_lead_flags(staff, city, register, tmp_path):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = drawn(staff["haishu"], task)
    for _ in range(3):
        InspectorFactory(jurisdiction=city["330203"])
    services.assign_inspectors(actor=staff["haishu"], task=task)
    assert verify_draw(draw) == []
    for full in (False, True):
        code, out = _run_verifier(draw_package(draw, full=full), tmp_path)
        assert code == 0 and "VERIFIED" in out and "FAIL" not in out, out
    # The lead flag moved to the second member: the server's verify and the outsider's both notice.
    member = InspectionMember.objects.filter(inspection__draw=draw, position=1).first()
    InspectionMember.objects.filter(inspection=member.inspection).update(lead=False)
    InspectionMember.objects.filter(pk=member.pk).update(lead=True)
    assert {p.what for p in verify_draw(draw)} == {"assignment_team"}
    code, out = _run_verifier(draw_package(draw, full=True), tmp_path)
    assert code == 1 and "FAIL  every stored team" in out
    # Strata counts changed in the package: the frozen hash no longer holds.
    package = draw_package(draw, full=False)
    package["frozen"]["counts"]["B"] += 1
    package["frozen"]["counts"]["C"] -= 1
    code, out = _run_verifier(package, tmp_path)
    assert code == 1 and "FAIL  frozen inputs hash" in out


def test_the_assignment_snapshot_must_use_the_draws_seed(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = drawn(staff["haishu"], task)
    for _ in range(3):
        InspectorFactory(jurisdiction=city["330203"])
    run = services.assign_inspectors(actor=staff["haishu"], task=task)
    from zhijian.inspections.assignment import assign, assignment_seed, inputs_digest, result_digest

    inputs = {**run.inputs, "draw_seed": "0" * 64}  # a consistent run, on another seed
    AssignmentRun.objects.filter(pk=run.pk).update(
        inputs=inputs,
        inputs_sha256=inputs_digest(inputs),
        seed=assignment_seed(inputs).hex(),
        result_sha256=result_digest(assign(inputs)),
    )
    assert "assignment_inputs" in {p.what for p in verify_draw(draw)}


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


def test_the_demo_draws_are_drawn_at_once_and_verify(staff, city, register):
    """The demo commits the day before a past lottery day and draws after it (the services' clock
    only): its draws are complete, verifiable, and the same for the same seed on the same day."""
    from zhijian.demo.inspections import loader as demo

    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = demo._commit_and_draw(staff["haishu"], task, 7, "测试", "05 08 16 21 29 32 + 14")
    assert draw.status == Draw.Status.DRAWN and verify_draw(draw) == []
    assert draw.committed_at < draw.beacon_due_at < draw.drawn_at
    assert draw.secret == demo._secret(7, "测试") and draw.salt == demo._secret(7, "测试 salt")


def test_each_commitment_is_named_for_the_signed_audit_head(staff, city, register, monkeypatch):
    """Where the core archives commitments into its signed heads (core.audit.archive_commitment),
    the freeze and the draw each name theirs, and verify holds them to it."""
    calls = []

    def archive_commitment(*, actor, kind, key, sha256, detail=None):
        calls.append((kind, key, sha256))
        return audit.record(
            actor,
            audit.Change(
                "audit.commitment",
                "Commitment",
                key,
                None,
                {"kind": kind, "key": key, "sha256": sha256, "detail": detail or {}},
            ),
        )

    monkeypatch.setattr(audit, "archive_commitment", archive_commitment, raising=False)
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    draw = drawn(staff["haishu"], task)
    assert calls == [
        ("inspections.draw", f"draw:{draw.pk}:frozen", draw.frozen_sha256),
        ("inspections.draw", f"draw:{draw.pk}:drawn", draw.drawn_sha256),
    ]
    assert verify_draw(draw) == []
    Draw.objects.filter(pk=draw.pk).update(drawn_sha256="0" * 64)
    draw.refresh_from_db()
    assert "archive" in {p.what for p in verify_draw(draw)}


def test_a_task_left_with_a_committed_draw_of_the_old_format_is_redrawn(staff, city, register):
    task = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]))
    old = committed(staff["haishu"], task)
    Draw.objects.filter(pk=old.pk).update(algorithm="zhijian-draw/1")
    old.refresh_from_db()
    with after_the_lottery(old):
        with pytest.raises(InspectionError) as refused:
            services.perform_draw(actor=staff["haishu"], draw=old, beacon_value=BEACON)
        assert refused.value.code == "draw_format"
        new = services.redraw(
            actor=staff["haishu"],
            task=task,
            **_redraw_kwargs(**next_issue(old.beacon_due_at + dt.timedelta(days=1))),
        )
    assert new.algorithm == algorithm.FORMAT and new.number == 2
    assert [p.what for p in verify_draw(Draw.objects.get(pk=old.pk))] == ["format"]
