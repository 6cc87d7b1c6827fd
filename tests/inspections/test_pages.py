"""Pages, API, CLI and the stand-alone verifier, end to end through Django's test client."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD
from zhijian.core.models import Jurisdiction
from zhijian.core.tokens import issue_token
from zhijian.inspections import services
from zhijian.inspections.models import Draw, Inspection, InspectionMember, Task

from .factories import (
    CheckItemFactory,
    after_the_lottery,
    classify,
    drawn,
    firms,
    inspector_user,
    next_issue,
    plan_for,
    task_for,
)

pytestmark = pytest.mark.django_db
VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_draw.py"


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def scene(city, users):
    """A 海曙 task drawn and assigned: 30 firms over the classes, two inspectors with accounts."""
    haishu = city["330203"]
    register = firms(haishu, 30, start=8000)
    classify(register[:10], "B")
    classify(register[10:20], "C")
    classify(register[20:], "D")
    zhou, li = inspector_user("p_zhou", haishu), inspector_user("p_li", haishu)
    task = task_for(
        users["haishu"],
        plan_for(users["haishu"], haishu),
        items=[CheckItemFactory(is_key=True)],
        ratios={"A": "0", "B": "0.2", "C": "0.3", "D": "0.5", "U": "0.1"},
    )
    draw = drawn(users["haishu"], task)
    services.assign_inspectors(actor=users["haishu"], task=task)
    return {"task": task, "draw": draw, "zhou": zhou, "li": li, "register": register}


def run_verifier(tmp_path, package: dict) -> subprocess.CompletedProcess:
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60
    )


def test_the_stand_alone_verifier_agrees_on_public_and_full_packages(scene, users, tmp_path):
    draw = scene["draw"]
    public = Client().get(f"/public/inspections/draws/{draw.pk}.json")
    assert public.status_code == 200
    result = run_verifier(tmp_path, public.json())
    assert result.returncode == 0, result.stdout
    assert "VERIFIED" in result.stdout and "completeness needs the full package" in result.stdout
    full = client_for(users["haishu"]).get(f"/inspections/draws/{draw.pk}/full.json").json()
    result = run_verifier(tmp_path, full)
    assert result.returncode == 0, result.stdout
    assert "re-drawing gives exactly the published ranked list" in result.stdout
    assert "every stored team (members, positions, lead flags) is the re-run's" in result.stdout
    # The verifier can fail: swap one drawn firm for one that was not drawn.
    chosen = {s["uscc"] for s in full["ranked"]}
    intruder = next(line[:18] for line in full["eligible"] if line[:18] not in chosen)
    full["ranked"][0]["uscc"] = intruder
    result = run_verifier(tmp_path, full)
    assert result.returncode == 1 and "FAIL  re-drawing" in result.stdout
    public = public.json()
    public["beacon_value"] = "01 02 03 04 05 06 + 07"
    assert run_verifier(tmp_path, public).returncode == 1


def test_public_pages_show_commitment_list_and_results_but_never_strata(scene, users):
    draw = scene["draw"]
    anonymous = Client()
    page = anonymous.get(f"/public/inspections/draws/{draw.pk}/").content.decode()
    assert draw.commitment in page and draw.seed in page and draw.eligible_sha256 in page
    for inspection in Inspection.objects.filter(draw=draw).select_related("entity"):
        assert inspection.entity.uscc in page
    package = anonymous.get(f"/public/inspections/draws/{draw.pk}.json").json()
    assert "eligible" not in package and all("stratum" not in s for s in package["selected"])
    assert anonymous.get(f"/inspections/draws/{draw.pk}/full.json").status_code == 302  # to the login page
    inspection = Inspection.objects.filter(draw=draw).first()
    services.record_result(
        actor=scene["zhou"].user
        if inspection.members.filter(inspector=scene["zhou"]).exists()
        else users["haishu"],
        inspection=inspection,
        result_code="no_problem",
        completed_on=timezone.localdate(),
    )
    assert (
        inspection.entity.name
        not in anonymous.get("/public/inspections/?q=" + inspection.entity.uscc)
        .content.decode()
        .split("抽查结果")[-1]
    )
    services.publish_results(actor=users["haishu"], task=scene["task"])
    index = anonymous.get("/public/inspections/?q=" + inspection.entity.uscc).content.decode()
    assert "未发现问题" in index and inspection.entity.name in index


def test_the_firm_verifies_its_check_by_code_and_qr(scene):
    inspection = Inspection.objects.filter(draw=scene["draw"]).prefetch_related("members__inspector").first()
    code = inspection.verification_code
    anonymous = Client()
    dashed = f"{code[:4]}-{code[4:8]}-{code[8:]}".lower()
    response = anonymous.get("/public/inspections/verify/", {"code": dashed})
    assert response.status_code == 302 and response.url.endswith(f"/v/{code}/")
    page = anonymous.get(response.url).content.decode()
    for member in inspection.members.all():
        assert member.inspector.name in page and member.inspector.certificate_no in page
    assert "《企业信息公示暂行条例》第十四条" in page and "尚未检查" in page
    qr = anonymous.get(f"/public/inspections/v/{code}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.lstrip().startswith(b"<?xml")
    assert anonymous.get("/public/inspections/v/ZZZZZZZZZZZZ/").status_code == 404
    api = anonymous.get(f"/api/v1/inspections/verify/{code}").json()
    assert api["uscc"] == inspection.entity.uscc and len(api["inspectors"]) >= 2


def test_staff_create_a_task_commit_and_draw_through_the_pages(city, users):
    haishu = city["330203"]
    firms(haishu, 40, start=8500)
    item = CheckItemFactory()
    plan = plan_for(users["haishu"], haishu)
    client = client_for(users["haishu"])
    assert client.get("/inspections/tasks/new/").status_code == 200
    form = {
        "plan": plan.pk,
        "title": "2026年海曙区企业公示信息抽查",
        "items": [item.pk],
        "ratio_A": "0",
        "ratio_B": "0.03",
        "ratio_C": "0.1",
        "ratio_D": "0.3",
        "ratio_U": "0.05",
        "team_size": 2,
        "starts_on": "2026-11-02",
        "due_on": "2026-12-31",
    }
    bad = client.post("/inspections/tasks/new/", {**form, "team_size": 1})
    assert "检查组不得少于2人" in bad.content.decode() and not Task.objects.exists()
    response = client.post("/inspections/tasks/new/", form)
    task = Task.objects.get()
    assert response.url == f"/inspections/tasks/{task.pk}/"
    lottery = next_issue()
    client.post(
        f"/inspections/tasks/{task.pk}/commit/",
        {**lottery, "beacon_date": lottery["beacon_date"].isoformat()},
    )
    draw = Draw.objects.get(task=task)
    early = client.post(f"/inspections/tasks/{task.pk}/draw/", {"beacon_value": "1 2 3"}, follow=True)
    assert "尚未产生" in early.content.decode()
    with after_the_lottery(draw):
        wrong = client.post(
            f"/inspections/tasks/{task.pk}/draw/", {"beacon_value": "1 7 13 22 28 31 + 5"}, follow=True
        )
        assert "应写作“01 07 13 22 28 31 + 05”" in wrong.content.decode()
        # a refused draw comes back (400) with the value as typed, and nothing was drawn
        assert wrong.status_code == 400 and 'value="1 7 13 22 28 31 + 5"' in wrong.content.decode()
        assert Draw.objects.get(pk=draw.pk).status == "committed"
        client.post(f"/inspections/tasks/{task.pk}/draw/", {"beacon_value": "01 07 13 22 28 31 + 05"})
    draw.refresh_from_db()
    assert draw.status == "drawn" and draw.selected_count == 2  # ⌈40 × 0.05⌉ unclassified firms
    page = client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert draw.seed in page and "随机匹配检查人员" in page


def test_district_staff_see_only_their_own_tasks_and_checks(scene, users):
    task, other = scene["task"], client_for(users["yinzhou"])
    assert other.get(f"/inspections/tasks/{task.pk}/").status_code == 404
    inspection = Inspection.objects.filter(task=task).first()
    assert other.get(f"/inspections/checks/{inspection.pk}/").status_code == 404
    assert other.post(f"/inspections/tasks/{task.pk}/assign/").status_code == 404
    assert client_for(users["inspector"]).get("/inspections/").status_code == 403
    assert client_for(users["haishu"]).get(f"/inspections/checks/{inspection.pk}/").status_code == 200


def test_an_inspector_sees_her_assignments_records_a_result_and_uploads_a_photo(scene, media):
    zhou = scene["zhou"]
    mine = Inspection.objects.filter(members__inspector=zhou).first()
    others = Inspection.objects.exclude(members__inspector=zhou).filter(task=scene["task"]).first()
    client = client_for(zhou.user)
    today = client.get("/inspections/field/").content.decode()
    assert mine.entity.name in today
    if others:
        assert client.get(f"/inspections/field/{others.pk}/").status_code == 404
    response = client.post(
        f"/inspections/field/{mine.pk}/",
        {
            "result_code": "unreachable",
            "completed_on": timezone.localdate().isoformat(),
            "findings": "住所无人",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.result_code == "unreachable"
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("门头.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, content_type="image/jpeg")
    client.post(f"/inspections/field/{mine.pk}/photo/", {"photo": photo})
    attachment = mine.attachments.get()
    assert client.get(f"/inspections/attachments/{attachment.pk}/").status_code == 200
    fake = SimpleUploadedFile("x.jpg", b"GIF89a....", content_type="image/jpeg")
    page = client.post(f"/inspections/field/{mine.pk}/photo/", {"photo": fake}, follow=True).content.decode()
    assert "只能上传JPEG" in page and mine.attachments.count() == 1


def test_api_figures_tasks_and_results(scene, users):
    token, _ = issue_token(users["haishu"])
    api = Client(headers={"Authorization": f"Bearer {token}"})
    figures = {
        f["key"]: f
        for f in api.get("/api/v1/inspections/figures", {"year": scene["task"].starts_on.year}).json()
    }
    assert (
        figures["credit_application_rate"]["numerator"] == 1
        and figures["credit_application_rate"]["denominator"] == 1
    )
    assert figures["double_random_share"]["target"] == 0.6 and figures["joint_task_share"]["value"] == 0
    assert [t["id"] for t in api.get("/api/v1/inspections/tasks").json()] == [scene["task"].pk]
    inspection = Inspection.objects.filter(task=scene["task"]).first()
    bad = api.post(
        f"/api/v1/inspections/checks/{inspection.pk}/result",
        {"result_code": "x", "completed_on": "2026-11-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "result_code"
    token, _ = issue_token(users["yinzhou"])
    other = Client(headers={"Authorization": f"Bearer {token}"})
    assert (
        other.post(
            f"/api/v1/inspections/checks/{inspection.pk}/result",
            {"result_code": "no_problem", "completed_on": "2026-11-01"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_cli_verify_passes_and_fails_on_tampering(scene, capsys):
    draw = scene["draw"]
    call_command("inspections", "verify", str(draw.pk))
    assert "核验通过" in capsys.readouterr().out
    victim = Inspection.objects.filter(draw=draw).first()
    outsider = next(e for e in scene["register"] if not Inspection.objects.filter(entity=e).exists())
    Inspection.objects.filter(pk=victim.pk).update(entity=outsider)
    with pytest.raises(SystemExit) as exit_code:
        call_command("inspections", "verify", str(draw.pk))
    assert exit_code.value.code == 1 and "核验失败" in capsys.readouterr().out


def test_cli_verify_fails_when_a_lead_flag_is_moved(scene, capsys):
    """Issue 15: `inspections verify` did not check the assignment's lead flag (组长)."""
    draw = scene["draw"]
    call_command("inspections", "verify", str(draw.pk))
    assert "核验通过" in capsys.readouterr().out
    member = InspectionMember.objects.filter(inspection__draw=draw, position=1).first()
    InspectionMember.objects.filter(inspection=member.inspection, lead=True).update(lead=False)
    InspectionMember.objects.filter(pk=member.pk).update(lead=True)
    with pytest.raises(SystemExit) as exit_code:
        call_command("inspections", "verify", str(draw.pk))
    out = capsys.readouterr().out
    assert exit_code.value.code == 1 and "检查组（成员、顺序或组长）与重算结果不符" in out


def test_figures_count_joint_tasks_credit_and_on_time_publicity(city, users):
    from zhijian.core.models import Department
    from zhijian.inspections.queries import cockpit_figures

    firms(city["330203"], 20, start=8800)
    plan = plan_for(users["department"], Jurisdiction.objects.get(code="330200"))
    items = [
        CheckItemFactory(is_key=True),
        CheckItemFactory(department=Department.objects.get(code="product")),
    ]
    joint = task_for(
        users["department"],
        plan,
        districts=[city["330203"]],
        items=items,
        ratios=dict.fromkeys("ABCDU", "0.1"),
        a_class_basis="市局年度部署：全覆盖抽查",
    )
    drawn(users["department"], joint)
    inspector_user("f_a", city["330203"]), inspector_user("f_b", city["330203"])
    services.assign_inspectors(actor=users["department"], task=joint)
    year = joint.starts_on.year
    figures = {f.key: f for f in cockpit_figures(users["department"], year)}
    assert (figures["joint_task_share"].numerator, figures["joint_task_share"].denominator) == (1, 1)
    assert figures["credit_application_rate"].numerator == 0  # one ratio for every class: credit not applied
    assert (figures["double_random_share"].numerator, figures["double_random_share"].denominator) == (2, 2)
    inspection = Inspection.objects.filter(task=joint).first()
    services.record_result(
        actor=users["department"],
        inspection=inspection,
        result_code="no_problem",
        completed_on=timezone.localdate(),
    )
    services.publish_results(actor=users["department"], task=joint)
    on_time = {f.key: f for f in cockpit_figures(users["department"], year)}["on_time_publicity_rate"]
    assert (on_time.numerator, on_time.denominator) == (1, 1)
    assert {f.key: f for f in cockpit_figures(users["yinzhou"], year)}["joint_task_share"].denominator == 0


def test_an_inspector_declares_her_own_conflict_from_her_page(scene):
    zhou = scene["zhou"]
    client = client_for(zhou.user)
    assert f"/inspections/inspectors/{zhou.pk}/" in client.get("/inspections/field/").content.decode()
    firm = scene["register"][0]
    client.post(
        f"/inspections/inspectors/{zhou.pk}/conflict/",
        {"uscc": firm.uscc.lower(), "reason": "配偶在该企业任职"},
    )
    assert zhou.conflicts.get().entity == firm
    other = scene["li"]
    client.post(f"/inspections/inspectors/{other.pk}/conflict/", {"uscc": firm.uscc, "reason": "代他人声明"})
    assert not other.conflicts.exists()  # only her own, or staff for her


def test_cli_commits_to_a_lottery_issue_and_refuses_a_wrong_day(city, users, capsys):
    haishu = city["330203"]
    firms(haishu, 6, start=8700)
    task = task_for(users["haishu"], plan_for(users["haishu"], haishu))
    lottery = next_issue()
    wrong_day = (
        lottery["beacon_date"] + dt.timedelta(days=1)
    ).isoformat()  # 双色球 never draws two days running
    args = ["inspections", "commit", str(task.pk), "--game", "ssq", "--issue", lottery["beacon_issue"]]
    with pytest.raises(CommandError, match="不开奖"):
        call_command(*args, "--draw-date", wrong_day, "--as", users["haishu"].username)
    call_command(*args, "--draw-date", lottery["beacon_date"].isoformat(), "--as", users["haishu"].username)
    draw = Draw.objects.get(task=task)
    assert "承诺值" in capsys.readouterr().out and draw.beacon_issue == lottery["beacon_issue"]


def test_a_refused_conflict_declaration_comes_back_with_what_was_typed(scene):
    zhou = scene["zhou"]
    client = client_for(zhou.user)
    response = client.post(
        f"/inspections/inspectors/{zhou.pk}/conflict/",
        {"uscc": "91330203MA2XXXXXX0", "reason": "配偶在该企业任职"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "未找到该企业" in page and 'value="配偶在该企业任职"' in page
    assert not zhou.conflicts.exists()
