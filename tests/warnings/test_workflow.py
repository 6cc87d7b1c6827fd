"""Sources, distribution and the closure rule of the early-warning platform."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import UserFactory
from tests.warnings.conftest import SYSTEM, batch_rows, write_rows
from zhijian.core.errors import Conflict, Forbidden
from zhijian.core.models import Department, OutboxEvent, Role
from zhijian.warnings import services
from zhijian.warnings.models import Notification, Observation, RiskWarning, Signal, Source
from zhijian.warnings.services.notify import RecordingSmsGateway

pytestmark = pytest.mark.django_db


def test_a_file_loads_all_or_nothing_once_with_its_lineage(outside, tmp_path, city):
    good = write_rows(tmp_path / "good.csv", batch_rows(dt.date(2026, 5, 13)), encoding="gb18030")
    bad_rows = batch_rows(dt.date(2026, 5, 13)) + [
        ["X1", "2026-13-01", "330203", "", "", "", "", "", "", "", 1, 2]
    ]
    bad = write_rows(tmp_path / "bad.csv", [[f"N{r[0]}", *r[1:]] for r in bad_rows])

    report = services.load_source_file(actor=SYSTEM, source=outside, path=bad)
    assert not report.ok and Observation.objects.count() == 0, report
    assert {i.column for i in report.issues} == {"日期", "不合格数"}, report.unreadable
    assert "导入失败" in Source.objects.get(pk=outside.pk).last_error

    report = services.load_source_file(actor=SYSTEM, source=outside, path=good)
    assert report.ok and report.created == 3 and report.encoding.lower().startswith("gb")
    load = outside.loads.get()
    assert load.sha256 and load.rows == 3 and load.loaded_by == "test"
    assert set(Observation.objects.values_list("load_id", flat=True)) == {load.pk}

    again = services.load_source_file(actor=SYSTEM, source=outside, path=good)
    assert again.already_loaded and Observation.objects.count() == 3


def test_a_district_officer_may_not_load_files(outside, tmp_path, users):
    with pytest.raises(Forbidden):
        services.load_source_file(actor=users["haishu"], source=outside, path=tmp_path / "x.csv")


def test_a_stale_source_raises_its_own_alarm_once(outside, city):
    now = timezone.now()
    Source.objects.update(last_data_at=now)
    Source.objects.filter(pk=outside.pk).update(
        last_data_at=now - dt.timedelta(days=outside.freshness_days + 1)
    )
    stale = services.check_stale_sources(actor=SYSTEM, now=now)
    assert [s.code for s in stale] == [outside.code]
    assert OutboxEvent.objects.filter(topic="warnings.source_stale").count() == 1
    services.check_stale_sources(actor=SYSTEM, now=now)
    assert OutboxEvent.objects.filter(topic="warnings.source_stale").count() == 1  # once, not every run


def test_the_warning_reaches_the_districts_where_the_batch_was_sampled_and_the_producer(
    batch_signal, city, users
):
    producer_home = city["330206"]  # 北仑: registered seat of the producer
    from tests.factories import EntityFactory

    EntityFactory(jurisdiction=producer_home, name="宁波甬鲜食品有限公司")
    office = UserFactory(
        username="t_food", role=Role.DEPARTMENT, department=Department.objects.get(code="food_coordination")
    )
    jiangbei = UserFactory(
        username="t_jiangbei", role=Role.DISTRICT, jurisdiction=city["330205"], email="jb@example.cn"
    )
    RecordingSmsGateway.sent.clear()
    with pytest.raises(Forbidden):
        services.raise_warning(
            actor=users["haishu"],
            signals=[batch_signal],
            title="x",
            classification="alert",
            risk_level="high",
            hazard="苯甲酸",
            product="酱腌菜",
        )
    warning = services.raise_warning(
        actor=office,
        signals=[batch_signal],
        title="酱腌菜苯甲酸超标",
        classification="alert",
        risk_level="high",
        hazard="苯甲酸",
        product="酱腌菜",
        producer="宁波甬鲜食品有限公司",
        lots="20260508",
        departments=[Department.objects.get(code="food_production")],
    )
    districts = {r.district.code: r for r in warning.recipients.exclude(district=None)}
    assert set(districts) == {"330203", "330205", "330212", "330206"}
    assert districts["330206"].reason == "生产者所在地"
    assert all(r.must_follow_up for r in districts.values())
    department = warning.recipients.get(department__code="food_production")
    assert not department.must_follow_up
    # 警示: one day (24 hours) from the raising, from the rule data
    assert districts["330203"].due_at - warning.raised_at == dt.timedelta(days=1)
    assert Signal.objects.get(pk=batch_signal.pk).state == Signal.State.RAISED
    assert Notification.objects.filter(user=jiangbei, warning=warning).exists()
    assert Notification.objects.filter(user=users["haishu"], warning=warning).exists()
    assert not Notification.objects.filter(user=users["inspector"]).exists()


def test_the_warning_closes_only_when_every_follow_up_is_answered_and_verified(
    batch_signal, city, users, django_capture_on_commit_callbacks
):
    office = UserFactory(username="t_food2", role=Role.DEPARTMENT)
    jiangbei = UserFactory(
        username="t_jb2", role=Role.DISTRICT, jurisdiction=city["330205"], email="jb2@example.cn"
    )
    RecordingSmsGateway.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        warning = services.raise_warning(
            actor=office,
            signals=[batch_signal],
            title="酱腌菜苯甲酸超标",
            classification="follow_up",
            risk_level="medium",
            hazard="苯甲酸",
            product="酱腌菜",
        )
    assert any(m.to == ["jb2@example.cn"] for m in mail.outbox)
    assert any(user == "t_jb2" for user, _ in RecordingSmsGateway.sent)
    recipients = {r.district.code: r for r in warning.recipients.all()}
    assert set(recipients) == {"330203", "330205", "330212"}

    with pytest.raises(Conflict, match="海曙区市场监督管理局未反馈"):
        services.close_warning(actor=office, warning=warning)
    with pytest.raises(Forbidden):  # 鄞州 cannot answer for 海曙
        services.answer_warning(
            actor=users["yinzhou"], recipient=recipients["330203"], findings="a", measures="b"
        )
    services.answer_warning(
        actor=users["haishu"], recipient=recipients["330203"], findings="在售3袋", measures="下架"
    )
    services.answer_warning(
        actor=jiangbei, recipient=recipients["330205"], findings="未发现", measures="巡查"
    )
    services.answer_warning(
        actor=users["yinzhou"], recipient=recipients["330212"], findings="在售1袋", measures="下架"
    )
    with pytest.raises(Conflict, match="措施未核实"):
        services.close_warning(actor=office, warning=warning)
    for recipient in warning.recipients.all():
        services.verify_measures(actor=office, recipient=recipient)
    closed = services.close_warning(actor=office, warning=warning)
    assert closed.state == RiskWarning.State.CLOSED
    assert OutboxEvent.objects.filter(topic="warnings.warning_closed").count() == 1


def test_dismissal_needs_a_reason_and_a_signal_is_triaged_once(batch_signal, users):
    office = users["department"]
    with pytest.raises(services.WarningsError):
        services.dismiss_signal(actor=office, signal=batch_signal, reason="  ")
    services.dismiss_signal(actor=office, signal=batch_signal, reason="同一批次已由省局通报处置")
    with pytest.raises(services.WarningsError):
        services.dismiss_signal(actor=office, signal=batch_signal, reason="again")


def test_an_outbreak_in_a_series_raises_a_statistical_signal(outside, tmp_path, city):
    rng = __import__("numpy").random.default_rng(1)
    last = dt.date(2026, 5, 11)
    rows = []
    for w in range(160):
        week = last - dt.timedelta(weeks=159 - w)
        failed = int(rng.poisson(2)) + (14 if w == 159 else 0)
        rows.append([f"W{w}", week.isoformat(), "330203", "糕点", "", "", "", "", "", failed, "", ""])
    services.load_source_file(
        actor=SYSTEM,
        source=Source.objects.get(code="outside.hospital_cases"),
        path=write_rows(tmp_path / "cases.csv", rows),
    )
    signals = services.run_detection(actor=SYSTEM, until=last + dt.timedelta(days=6), weeks=1)
    statistical = [s for s in signals if s.method == "farrington-improved"]
    assert len(statistical) == 1
    signal = statistical[0]
    assert signal.district.code == "330203" and signal.observed >= 14
    assert signal.evidence["counts"][-1] == signal.observed and len(signal.evidence["periods"]) == 60
    assert signal.observations.count() == 1
    # idempotent: running again makes no second signal
    assert services.run_detection(actor=SYSTEM, until=last + dt.timedelta(days=6), weeks=1) == []


def test_commands_load_check_and_detect(outside, tmp_path, city, capsys):
    from django.core.management import call_command

    path = write_rows(tmp_path / "cli.csv", batch_rows(dt.date(2026, 5, 13)))
    for expected in (0, 0):  # the second run recognises the file
        with pytest.raises(SystemExit) as done:
            call_command("warnings", "load-source", outside.code, str(path))
        assert done.value.code == expected
    assert Observation.objects.count() == 3
    call_command("warnings", "detect", "--until", "2026-05-13")
    assert "新增预警信号 1 个" in capsys.readouterr().out
    call_command("warnings", "check-sources")
    assert "超时信息源" in capsys.readouterr().out
