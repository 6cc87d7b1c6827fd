"""Scheduled jobs run by the clock, once per slot, and a failure is visible (core/schedule.py)."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zhijian.core import schedule
from zhijian.core.hooks import todos_for
from zhijian.core.models import ScheduledRun
from zhijian.core.schedule import Scheduled

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALLS: list[str] = []


def tick() -> dict:
    CALLS.append("tick")
    return {"done": len(CALLS)}


def broken() -> dict:
    raise RuntimeError("数据源不可用")


@pytest.fixture
def clock(monkeypatch):
    CALLS.clear()
    declared = {
        "test.minutes": Scheduled(
            "test.minutes", f"{__name__}.tick", "每五分钟", every=dt.timedelta(minutes=5)
        ),
        "test.daily": Scheduled("test.daily", f"{__name__}.tick", "每天", daily_at="06:30"),
        "test.broken": Scheduled("test.broken", f"{__name__}.broken", "总是失败", daily_at="00:00"),
    }
    monkeypatch.setattr(schedule, "jobs", lambda: declared)
    return declared


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_slots_follow_local_time():
    daily = Scheduled("x", "x.y", "", daily_at="06:30")
    assert daily.slot(at("2026-12-01 06:29")) == "2026-11-30"
    assert daily.slot(at("2026-12-01 06:30")) == "2026-12-01"
    # 23:00 UTC is already the next morning in Ningbo.
    assert daily.slot(dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)) == "2026-12-01"
    every = Scheduled("x", "x.y", "", every=dt.timedelta(minutes=5))
    assert every.slot(at("2026-12-01 10:04:59")) == "2026-12-01T10:00"
    assert every.slot(at("2026-12-01 10:05:00")) == "2026-12-01T10:05"
    with pytest.raises(ValueError):
        Scheduled("x", "x.y", "", every=dt.timedelta(minutes=5), daily_at="06:30")
    with pytest.raises(ValueError):
        Scheduled("x", "x.y", "", every=dt.timedelta(seconds=10))


def test_each_slot_runs_once_and_the_next_slot_runs_again(clock):
    first = schedule.run_due(at("2026-12-01 10:01"))
    assert sorted(r.job for r in first) == ["test.broken", "test.daily", "test.minutes"]
    assert schedule.run_due(at("2026-12-01 10:04")) == []
    again = schedule.run_due(at("2026-12-01 10:05"))
    assert [r.job for r in again] == ["test.minutes"]
    assert CALLS == ["tick", "tick", "tick"]
    assert ScheduledRun.objects.get(job="test.minutes", slot="2026-12-01T10:05").result == {"done": 3}


def test_a_failed_slot_is_tried_again_a_minute_later_three_times_in_all(clock, monkeypatch):
    monkeypatch.setattr(schedule.timezone, "now", lambda: at("2026-12-01 10:01"))
    schedule.run_due(at("2026-12-01 10:01"))
    failed = ScheduledRun.objects.get(job="test.broken")
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert schedule.run_due(at("2026-12-01 10:01:30")) == []  # not yet: a minute between attempts
    for attempt, minute in ((2, "10:03"), (3, "10:05")):
        monkeypatch.setattr(schedule.timezone, "now", lambda m=minute: at(f"2026-12-01 {m}"))
        retried = [r for r in schedule.run_due(at(f"2026-12-01 {minute}")) if r.job == "test.broken"]
        assert [(r.status, r.attempts) for r in retried] == [("failed", attempt)]
    assert not [r for r in schedule.run_due(at("2026-12-01 10:09")) if r.job == "test.broken"]
    assert ScheduledRun.objects.filter(job="test.broken").count() == 1  # one row per slot


def test_a_retry_that_succeeds_clears_the_failure(clock, monkeypatch):
    flaky = Scheduled("test.flaky", f"{__name__}.broken", "", daily_at="00:00")
    monkeypatch.setattr(schedule.timezone, "now", lambda: at("2026-12-01 10:01"))
    schedule.run(flaky, "2026-12-01")
    fixed = Scheduled("test.flaky", f"{__name__}.tick", "", daily_at="00:00")
    record = ScheduledRun.objects.get(job="test.flaky")
    monkeypatch.setattr(schedule.timezone, "now", lambda: at("2026-12-01 10:03"))
    again = schedule._retry(fixed, record, at("2026-12-01 10:03"))
    assert (again.status, again.attempts, again.message) == ("succeeded", 2, "")


def test_frequent_jobs_have_a_lane_of_their_own(clock):
    assert schedule.lane_of(clock["test.minutes"]) == "frequent"
    assert schedule.lane_of(clock["test.daily"]) == "long"
    ran = schedule.run_due(at("2026-12-01 10:01"), lane="frequent")
    assert [r.job for r in ran] == ["test.minutes"]
    ran = schedule.run_due(at("2026-12-01 10:01"), lane="long")
    assert sorted(r.job for r in ran) == ["test.broken", "test.daily"]


def test_two_workers_racing_for_a_slot_run_it_once(clock):
    claimed = [
        schedule.run(clock["test.daily"], "2026-12-01"),
        schedule.run(clock["test.daily"], "2026-12-01"),
    ]
    assert [r is not None for r in claimed] == [True, False]
    assert CALLS == ["tick"]


def test_a_failed_run_is_recorded_and_shown_to_the_administrator(clock, users, client):
    schedule.run_due(at("2026-12-01 10:01"))
    failed = ScheduledRun.objects.get(job="test.broken")
    assert failed.status == ScheduledRun.Status.FAILED
    assert "数据源不可用" in failed.message and "RuntimeError" in failed.detail
    assert [r.job for r in schedule.failing()] == ["test.broken"]
    admin = users["admin"]
    labels = {t.label: t.count for t in todos_for(admin)}
    assert labels["定时任务最近一次运行失败"] == 1
    client.force_login(admin)
    page = client.get(reverse("core:schedule")).content.decode()
    assert "test.broken" in page and "数据源不可用" in page and "失败" in page
    # A later success clears it.
    monkey_ok = Scheduled("test.broken", f"{__name__}.tick", "修好了", daily_at="00:00")
    schedule.run(monkey_ok, "2026-12-02")
    assert schedule.failing() == []


def test_the_command_runs_a_job_now_and_refuses_an_unknown_one(clock):
    call_command("schedule", "run", "test.daily")
    assert CALLS == ["tick"]
    with pytest.raises(CommandError, match="没有名为 nope 的定时任务"):
        call_command("schedule", "run", "nope")
    with pytest.raises(CommandError, match="运行失败"):
        call_command("schedule", "run", "test.broken")


def test_every_declared_job_names_a_callable_and_settings_can_move_or_stop_one(settings):
    from django.utils.module_loading import import_string

    schedule.jobs.cache_clear()
    try:
        declared = schedule.jobs()
        assert {"equipment.sweep", "warnings.detect", "sampling.escalate"} <= set(declared)
        for job in declared.values():
            assert callable(import_string(job.call)), job.name
        settings.SCHEDULE = {"warnings.detect": {"daily_at": "05:15"}, "equipment.sweep": {"off": True}}
        schedule.jobs.cache_clear()
        moved = schedule.jobs()
        assert moved["warnings.detect"].daily_at == "05:15"
        assert moved["equipment.sweep"].slot(at("2026-12-01 10:00")) is None
    finally:
        schedule.jobs.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_the_worker_loop_runs_due_jobs(clock):
    stop = threading.Event()
    from zhijian.core.management.commands.worker import schedule_loop

    thread = threading.Thread(target=schedule_loop, args=(stop, 0.05))  # every lane
    thread.start()
    try:
        for _ in range(100):
            if ScheduledRun.objects.filter(job="test.minutes").exists():
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert ScheduledRun.objects.filter(job="test.minutes", status=ScheduledRun.Status.SUCCEEDED).exists()
