"""Results, rectification and re-check, referral, attachments, publicity deadlines, the result event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from zhijian.core.models import AuditEntry, Deadline, OutboxEvent
from zhijian.inspections import services
from zhijian.inspections.models import Attachment, Draw, Inspection, ResultCode, Task
from zhijian.inspections.services import InspectionError

from .factories import CheckItemFactory, drawn, firms, inspector_user, plan_for, task_for

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.fixture
def visit(city, users):
    """One firm drawn and assigned to a team of two inspectors (周明 and 李华) in 海曙."""
    haishu = city["330203"]
    firm = firms(haishu, 1, start=7000)[0]
    zhou = inspector_user("i_zhou", haishu)
    li = inspector_user("i_li", haishu)
    item = CheckItemFactory(is_key=True, legal_basis="《企业信息公示暂行条例》第十四条")
    task = task_for(
        users["haishu"],
        plan_for(users["haishu"], haishu),
        items=[item],
        ratios={"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "1"},
    )
    draw = drawn(users["haishu"], task)
    Draw.objects.filter(pk=draw.pk).update(drawn_at=timezone.make_aware(dt.datetime(2026, 9, 1, 10)))
    services.assign_inspectors(actor=users["haishu"], task=task)
    inspection = Inspection.objects.get(task=task)
    return {"inspection": inspection, "zhou": zhou, "li": li, "firm": firm, "task": task}


def deadline(inspection, kind):
    return Deadline.objects.get(object_type="inspections.Inspection", object_id=str(inspection.pk), kind=kind)


def test_recording_a_result_emits_the_event_and_starts_the_publicity_clock_over_the_holidays(visit):
    inspection, zhou = visit["inspection"], visit["zhou"].user
    services.record_result(
        actor=zhou,
        inspection=inspection,
        result_code=ResultCode.UNREACHABLE,
        completed_on=dt.date(2026, 9, 25),
        findings="登记住所已无该企业，电话无人接听",
    )
    inspection.refresh_from_db()
    assert (
        inspection.status == Inspection.Status.COMPLETED
        and inspection.result_label == "通过登记的住所（经营场所）无法联系"
    )
    # Friday 2026-09-25 + 20 working days: the National Day week is skipped, Saturday 10-10 is worked.
    publicity = deadline(inspection, "publicity")
    assert (publicity.due, publicity.provisional) == (dt.date(2026, 10, 29), False)
    event = OutboxEvent.objects.get(topic="inspections.result_recorded")
    assert event.payload == {
        "inspection_id": inspection.pk,
        "task_id": visit["task"].pk,
        "entity_id": visit["firm"].pk,
        "uscc": visit["firm"].uscc,
        "result_code": "unreachable",
        "result_label": "通过登记的住所（经营场所）无法联系",
        "completed_on": "2026-09-25",
        "department": "海曙区市场监督管理局",  # a district bureau's own task
        "legal_basis": "《企业信息公示暂行条例》第十四条",
        "public": True,
        "task_title": "企业公示信息抽查",
        "verification_code": inspection.verification_code,
    }
    assert Task.objects.get(pk=visit["task"].pk).status == Task.Status.COMPLETED
    assert AuditEntry.objects.filter(
        action="inspections.record_result", object_id=str(inspection.pk)
    ).exists()


def test_a_deadline_running_into_2027_is_provisional(visit, monkeypatch):
    inspection, zhou = visit["inspection"], visit["zhou"].user
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None: real(value) if value else dt.date(2026, 12, 28)
    )
    services.record_result(
        actor=zhou,
        inspection=inspection,
        result_code=ResultCode.PENDING,
        completed_on=dt.date(2026, 12, 21),
        findings="未按规定公示年度报告",
        rectification_due=dt.date(2026, 12, 31),
    )
    assert deadline(inspection, "publicity").provisional
    services.report_rectification(actor=zhou, inspection=inspection, reported_on=dt.date(2026, 12, 24))
    recheck = deadline(inspection, "recheck")
    assert recheck.provisional and recheck.due > dt.date(2026, 12, 31)


def test_rectification_recheck_turns_the_result_into_rectified_and_announces_it_again(visit):
    inspection, zhou = visit["inspection"], visit["zhou"].user
    with pytest.raises(InspectionError) as missing_due:
        services.record_result(
            actor=zhou, inspection=inspection, result_code="pending", completed_on=dt.date(2026, 9, 25)
        )
    assert missing_due.value.code == "result_rectification_due"
    services.record_result(
        actor=zhou,
        inspection=inspection,
        result_code="pending",
        completed_on=dt.date(2026, 9, 25),
        rectification_due=dt.date(2026, 10, 20),
        findings="未公示即时信息",
    )
    with pytest.raises(InspectionError):
        services.record_recheck(
            actor=zhou, inspection=inspection, rechecked_on=dt.date(2026, 10, 15), rectified=True
        )
    services.report_rectification(actor=zhou, inspection=inspection, reported_on=dt.date(2026, 10, 9))
    # Friday 10-09 + 10 working days: 10-10 (a worked Saturday), 10-12 … 10-16, 10-19 … 10-22.
    assert deadline(inspection, "recheck").due == dt.date(2026, 10, 22)
    services.record_recheck(
        actor=zhou, inspection=inspection, rechecked_on=dt.date(2026, 10, 15), rectified=True
    )
    inspection.refresh_from_db()
    assert inspection.result_code == ResultCode.RECTIFIED
    codes = [
        e.payload["result_code"]
        for e in OutboxEvent.objects.filter(topic="inspections.result_recorded").order_by("id")
    ]
    assert codes == ["pending", "rectified"]


def test_not_rectified_can_be_referred_for_a_case(visit):
    inspection, li = visit["inspection"], visit["li"].user
    services.record_result(
        actor=li,
        inspection=inspection,
        result_code="violation",
        violated_regulation="《中华人民共和国产品质量法》",
        completed_on=dt.date(2026, 9, 25),
        findings="销售不合格产品",
    )
    inspection.refresh_from_db()
    assert inspection.result_label == "违反《中华人民共和国产品质量法》相关规定"
    services.refer_case(actor=li, inspection=inspection, note="涉嫌销售不合格产品，移送执法大队立案")
    inspection.refresh_from_db()
    assert inspection.referred_at is not None
    with pytest.raises(InspectionError) as twice:
        services.refer_case(actor=li, inspection=inspection, note="再次移送")
    assert twice.value.code == "referral_exists"


def test_only_the_team_or_district_staff_record_results(visit, city, users):
    outsider = inspector_user("i_other", city["330203"])
    with pytest.raises(PermissionDenied):
        services.record_result(
            actor=outsider.user,
            inspection=visit["inspection"],
            result_code="no_problem",
            completed_on=dt.date(2026, 9, 25),
        )
    with pytest.raises(PermissionDenied):
        services.record_result(
            actor=users["yinzhou"],
            inspection=visit["inspection"],
            result_code="no_problem",
            completed_on=dt.date(2026, 9, 25),
        )
    services.record_result(
        actor=users["haishu"],
        inspection=visit["inspection"],
        result_code="no_problem",
        completed_on=dt.date(2026, 9, 25),
    )


@pytest.mark.parametrize(
    ("bad", "code", "value"),
    [
        ({"result_code": "nonsense"}, "result_code", None),
        ({"completed_on": dt.date(2099, 1, 1)}, "result_date", None),
        ({"completed_on": dt.date(2026, 8, 1)}, "result_date", None),
        ({"result_code": "violation"}, "result_regulation", None),
    ],
)
def test_bad_results_are_refused_and_change_nothing(visit, bad, code, value):
    kwargs = {"result_code": "no_problem", "completed_on": dt.date(2026, 9, 25), **bad}
    with pytest.raises(InspectionError) as refused:
        services.record_result(actor=visit["zhou"].user, inspection=visit["inspection"], **kwargs)
    assert refused.value.code == code
    visit["inspection"].refresh_from_db()
    assert visit["inspection"].status == Inspection.Status.ASSIGNED
    assert not OutboxEvent.objects.filter(topic="inspections.result_recorded").exists()


def test_attachments_are_checked_for_type_and_size(visit, media):
    inspection, zhou = visit["inspection"], visit["zhou"].user
    photo = services.attach_file(actor=zhou, inspection=inspection, name="门头.jpg", data=JPEG)
    assert (photo.kind, photo.content_type, photo.size) == ("photo", "image/jpeg", len(JPEG))
    assert (media / photo.file.name).read_bytes() == JPEG
    assert services.attach_file(actor=zhou, inspection=inspection, name="a.png", data=PNG).kind == "photo"
    assert (
        services.attach_file(actor=zhou, inspection=inspection, name="笔录.pdf", data=PDF).kind == "document"
    )
    with pytest.raises(InspectionError) as wrong_type:
        services.attach_file(
            actor=zhou, inspection=inspection, name="evil.jpg", data=b"MZ\x90\x00not a photo"
        )
    assert wrong_type.value.code == "attachment_type"
    with pytest.raises(InspectionError) as too_big:
        services.attach_file(
            actor=zhou, inspection=inspection, name="big.jpg", data=JPEG + b"\x00" * 10 * 1024 * 1024
        )
    assert too_big.value.code == "attachment_size"
    assert Attachment.objects.count() == 3


def test_publishing_marks_results_public_and_is_audited(visit, users):
    inspection = visit["inspection"]
    services.record_result(
        actor=visit["zhou"].user,
        inspection=inspection,
        result_code="no_problem",
        completed_on=dt.date(2026, 9, 25),
    )
    assert services.publish_results(actor=users["haishu"], task=visit["task"]) == 1
    assert services.publish_results(actor=users["haishu"], task=visit["task"]) == 0
    inspection.refresh_from_db()
    assert inspection.published_at is not None
    assert AuditEntry.objects.filter(action="inspections.publish").count() == 1


def test_a_refused_follow_up_comes_back_on_the_check_page_with_what_was_typed(visit):
    from django.test import Client

    from tests.factories import PASSWORD

    inspection, zhou = visit["inspection"], visit["zhou"].user
    services.record_result(
        actor=zhou,
        inspection=inspection,
        result_code="pending",
        completed_on=dt.date(2026, 9, 25),
        rectification_due=dt.date(2026, 10, 20),
        findings="未公示即时信息",
    )
    client = Client()
    assert client.login(username=zhou.username, password=PASSWORD)
    url = f"/inspections/checks/{inspection.pk}/"
    assert "确认移送立案" in client.get(url).content.decode()
    # A rectification report dated before the check: refused beside the date, the date kept
    response = client.post(url + "rectification/", {"on": "2026-09-01"})
    page = response.content.decode()
    assert response.status_code == 400 and 'value="2026-09-01"' in page and "须在检查日期与今天之间" in page
    inspection.refresh_from_db()
    assert inspection.rectification_reported_on is None
