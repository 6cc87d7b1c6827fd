"""A task over special-equipment user units (抽查对象：特种设备使用单位), reached through the equipment
app's provider: key units at the key ratio, the others at the normal one, verifiable like any draw."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from tests.factories import PASSWORD
from zhijian.equipment.models import UserUnitRisk
from zhijian.inspections import services, snapshot
from zhijian.inspections.models import Draw, Inspection, ObjectKind, Task
from zhijian.inspections.services import InspectionError, objects
from zhijian.inspections.verification import draw_package, verify_draw
from zhijian.registry.models import EntityStatus

from .factories import InspectorFactory, committed, drawn, firms, plan_for, task_for
from .test_draw import _run_verifier

pytestmark = pytest.mark.django_db
EQUIPMENT = ObjectKind.SPECIAL_EQUIPMENT


def _user_units(entities, *, key: bool = False, risk: str = "1") -> list[str]:
    UserUnitRisk.objects.bulk_create(
        [
            UserUnitRisk(
                uscc=e.uscc,
                name=e.name,
                district_id=e.jurisdiction_id,
                units=2,
                key_unit=key,
                risk_class=risk,
            )
            for e in entities
        ]
    )
    return [e.uscc for e in entities]


@pytest.fixture
def user_units(city):
    """海曙: 10 key user units (schools, hospitals …), 5 of risk class 3 or 4 (also key), 40 others, a
    deregistered one and one the register does not know; 鄞州: 12 user units of its own."""
    haishu, yinzhou = city["330203"], city["330212"]
    key = _user_units(firms(haishu, 10, start=300), key=True)
    risky = _user_units(firms(haishu, 3, start=320), risk="3") + _user_units(
        firms(haishu, 2, start=330), risk="4"
    )
    normal = _user_units(firms(haishu, 40, start=400), risk="2")
    gone = _user_units(firms(haishu, 1, start=480, status=EntityStatus.DEREGISTERED), key=True)
    UserUnitRisk.objects.create(
        uscc="91330203MA2XXXXX0X", name="未登记单位", district=haishu, units=1, key_unit=True, risk_class="1"
    )
    other = _user_units(firms(yinzhou, 12, start=500), key=True)
    firms(haishu, 20, start=600)  # market entities with no special equipment
    return {"key": key + risky, "normal": normal, "gone": gone, "yinzhou": other}


def equipment_task(actor, jurisdiction, **extra) -> Task:
    return task_for(
        actor, plan_for(actor, jurisdiction), title="特种设备使用单位抽查", object_kind=EQUIPMENT, **extra
    )


def test_key_user_units_are_drawn_at_the_key_ratio_and_the_draw_verifies(staff, city, user_units, tmp_path):
    task = equipment_task(staff["haishu"], city["330203"])
    assert task.ratios == {"K": "0.2", "N": "0.05"}  # equipment.spot_check_ratio.key / .normal
    assert (
        "学校、医院、商场、车站" in task.ratio_basis and "equipment.spot_check_ratio.key" in task.ratio_basis
    )
    draw = drawn(staff["haishu"], task)
    # The district's active user units only: 15 key (10 key places + 5 of risk class 3–4), 40 others.
    assert draw.object_kind == EQUIPMENT and draw.strata_counts == {"K": 15, "N": 40}
    assert draw.ratios == {"K": "0.2", "N": "0.05"}
    rows = dict(line.decode().split(",") for line in snapshot.canonical_snapshot(draw.pk).splitlines())
    assert {u for u, s in rows.items() if s == "K"} == set(user_units["key"])
    assert {u for u, s in rows.items() if s == "N"} == set(user_units["normal"])
    selected = snapshot.selected_of(draw.pk)
    by_stratum = {s: [x.uscc for x in selected if x.stratum == s] for s in ("K", "N")}
    assert (len(by_stratum["K"]), len(by_stratum["N"])) == (3, 2)  # ⌈15 × 0.2⌉, ⌈40 × 0.05⌉
    assert set(by_stratum["K"]) <= set(user_units["key"]) and set(by_stratum["N"]) <= set(
        user_units["normal"]
    )
    assert verify_draw(draw) == []
    for full in (False, True):
        code, out = _run_verifier(draw_package(draw, full=full), tmp_path)
        assert code == 0 and "VERIFIED" in out and "FAIL" not in out, out
    # Downstream unchanged: checks are made and staffed, and verify still holds.
    for _ in range(3):
        InspectorFactory(jurisdiction=city["330203"])
    run = services.assign_inspectors(actor=staff["haishu"], task=task)
    assert run.assigned == 5
    checks = Inspection.objects.filter(draw=draw)
    assert sorted(checks.values_list("stratum", flat=True)) == ["K"] * 3 + ["N"] * 2
    assert sorted(c.stratum_label for c in checks) == ["一般使用单位"] * 2 + ["重点使用单位"] * 3
    assert verify_draw(Draw.objects.get(pk=draw.pk)) == []


def test_the_frozen_text_names_the_objects_and_a_changed_kind_fails_verification(staff, city, user_units):
    draw = drawn(staff["haishu"], equipment_task(staff["haishu"], city["330203"]))
    package = draw_package(draw, full=False)
    assert package["frozen"]["objects"] == EQUIPMENT and package["frozen"]["counts"] == {"K": 15, "N": 40}
    assert "stratum" not in json.dumps(package) and draw.salt not in json.dumps(package)
    from zhijian.core.models import AuditEntry

    archived = bytes(
        AuditEntry.objects.get(action="inspections.commit_draw", object_id=str(draw.pk)).attachment
    ).decode()
    assert "objects=special_equipment\neligible_count=55\ncount.K=15\ncount.N=40\n" in archived
    Draw.objects.filter(pk=draw.pk).update(object_kind=ObjectKind.ENTITIES)
    assert verify_draw(Draw.objects.get(pk=draw.pk))  # the K/N list is not a credit-class list


def test_a_district_officer_gets_only_her_districts_user_units(staff, city, user_units):
    draw = committed(staff["yinzhou"], equipment_task(staff["yinzhou"], city["330212"]))
    population = draw_package(draw, full=False)["population"]
    assert sorted(population) == sorted(user_units["yinzhou"]) and draw.strata_counts == {"K": 12, "N": 0}
    with pytest.raises(PermissionDenied):  # 海曙's plan is not hers, nor its task's draw
        plan_for(staff["yinzhou"], city["330203"])
    theirs = equipment_task(staff["haishu"], city["330203"])
    with pytest.raises(PermissionDenied):
        committed(staff["yinzhou"], theirs)


def test_a_city_task_draws_user_units_of_every_chosen_district(staff, city, user_units):
    draw = committed(staff["department"], equipment_task(staff["department"], city["330200"]))
    assert draw.eligible_count == 15 + 40 + 12


def test_ratios_come_from_the_equipment_rules_and_cannot_be_set_by_the_task(staff, city, user_units):
    plan = plan_for(staff["haishu"], city["330203"])
    with pytest.raises(InspectionError) as custom:
        task_for(staff["haishu"], plan, object_kind=EQUIPMENT, ratios={"K": "0.5", "N": "0.05"})
    assert custom.value.code == "task_ratios"
    with pytest.raises(InspectionError) as scoped:
        task_for(staff["haishu"], plan, object_kind=EQUIPMENT, entity_types=["llc"])
    assert scoped.value.code == "task_objects"
    same = task_for(staff["haishu"], plan, object_kind=EQUIPMENT, ratios={"K": "0.20", "N": "0.050"})
    assert same.ratios == {"K": "0.2", "N": "0.05"}


def test_the_option_is_absent_without_the_provider(staff, city, user_units, monkeypatch):
    monkeypatch.setattr(objects, "provider", lambda name: None)
    assert dict(services.available_kinds()) == {"entities": "市场主体"}
    with pytest.raises(InspectionError) as refused:
        equipment_task(staff["haishu"], city["330203"])
    assert refused.value.code == "task_objects" and not Task.objects.exists()
    client = Client()
    assert client.login(username=staff["haishu"].username, password=PASSWORD)
    page = client.get("/inspections/tasks/new/").content.decode()
    assert "特种设备使用单位" not in page


def test_an_equipment_task_without_the_provider_at_draw_time_is_refused(staff, city, user_units, monkeypatch):
    task = equipment_task(staff["haishu"], city["330203"])
    monkeypatch.setattr(objects, "provider", lambda name: None)
    with pytest.raises(InspectionError) as refused:
        committed(staff["haishu"], task)
    assert refused.value.code == "objects_unavailable" and not Draw.objects.exists()


def test_the_pages_say_which_ratios_applied_and_why(staff, city, user_units):
    client = Client()
    assert client.login(username=staff["haishu"].username, password=PASSWORD)
    form = client.get("/inspections/tasks/new/").content.decode()
    assert "特种设备使用单位" in form and "学校、医院、商场、车站" in form
    plan = plan_for(staff["haishu"], city["330203"])
    response = client.post(
        "/inspections/tasks/new/",
        {
            "plan": plan.pk,
            "title": "海曙区特种设备使用单位抽查",
            "object_kind": EQUIPMENT,
            "items": [task_for(staff["haishu"], plan).items.first().pk],
            **{
                f"ratio_{s}": r
                for s, r in {"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "0.03"}.items()
            },
            "team_size": 2,
            "starts_on": "2026-11-02",
            "due_on": "2026-12-31",
        },
    )
    task = Task.objects.get(title="海曙区特种设备使用单位抽查")
    assert response.url == f"/inspections/tasks/{task.pk}/" and task.object_kind == EQUIPMENT
    draw = drawn(staff["haishu"], task)
    page = client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert "重点使用单位 0.2" in page and "一般使用单位 0.05" in page
    assert "学校、医院、商场、车站" in page and "风险等级为3、4级" in page
    assert "重点使用单位 15 户 × 0.2 → 抽 3 户" in page
    public = Client().get(f"/public/inspections/draws/{draw.pk}/").content.decode()
    assert "特种设备使用单位" in public and "重点使用单位 0.2" in public


def test_the_demo_draws_a_task_over_user_units_after_every_loader(city, tmp_path, settings):
    """The demo command runs every app's loader, then every finisher: the equipment register exists
    when the inspections finisher draws its task over user units (reached through the provider)."""
    import io

    from rich.console import Console

    from zhijian.core.access import SystemActor
    from zhijian.demo.equipment import loader as equipment_demo
    from zhijian.demo.generator import EntityGenerator, write_csv
    from zhijian.demo.inspections import loader as inspections_demo
    from zhijian.registry.importing import import_entities

    settings.VAR_DIR = tmp_path
    path = tmp_path / "register.csv"
    write_csv(path, EntityGenerator(11, 3000).rows())
    assert import_entities(path, actor=SystemActor("cli")).ok
    console = Console(file=io.StringIO())
    inspections_demo.load(seed=7, scale="demo", console=console)
    equipment_demo.load(seed=7, scale="demo", console=console)
    inspections_demo.finish(seed=7, scale="demo", console=console)
    task = Task.objects.get(object_kind=EQUIPMENT)
    draw = task.current_draw()
    assert draw.status == Draw.Status.DRAWN and draw.strata_counts["K"] > 0 and draw.strata_counts["N"] > 0
    assert verify_draw(draw) == []


NODE = shutil.which("node") or ""


@pytest.mark.skipif(not NODE, reason="the in-browser check is run under Node")
def test_the_public_pages_in_browser_check_verifies_an_equipment_draw(staff, city, user_units, tmp_path):
    """static/inspections/verify-draw.js, the public page's check, on both kinds of draw; a changed
    kind of object fails it (the frozen text no longer rebuilds)."""
    root = Path(__file__).resolve().parents[2]
    script = root / "src" / "zhijian" / "static" / "inspections" / "verify-draw.js"
    harness = Path(__file__).with_name("verify_draw_harness.js")

    def check(package: dict) -> dict:
        path = tmp_path / "package.json"
        path.write_text(json.dumps(package, ensure_ascii=False, cls=DjangoJSONEncoder), encoding="utf-8")
        out = subprocess.run(
            [NODE, str(harness), str(script), str(path)], capture_output=True, text=True, timeout=60
        )
        return json.loads(out.stdout)

    equipment = draw_package(
        drawn(staff["haishu"], equipment_task(staff["haishu"], city["330203"])), full=False
    )
    result = check(equipment)
    assert result["summary"] == "验证通过" and len(result["checks"]) >= 14, result
    firms(city["330203"], 10, start=700)
    entities = task_for(staff["haishu"], plan_for(staff["haishu"], city["330203"]), title="主体任务")
    assert check(draw_package(drawn(staff["haishu"], entities), full=False))["summary"] == "验证通过"
    equipment["frozen"]["objects"] = "entities"
    assert check(equipment)["summary"] != "验证通过"
