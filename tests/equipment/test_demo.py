"""The synthetic special equipment of the demo: deterministic, through the real import and services."""

from __future__ import annotations

import io
import time

import pytest
from rich.console import Console

from zhijian.core import audit
from zhijian.core.access import SystemActor
from zhijian.demo.equipment import loader as demo
from zhijian.demo.generator import EntityGenerator, write_csv
from zhijian.equipment.models import Accident, Alarm, Device, MaintenanceGrade, RescueCase, Unit
from zhijian.registry.importing import import_entities

CLI = SystemActor("cli")

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(city, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    path = tmp_path / "register.csv"
    write_csv(path, EntityGenerator(11, 3000).rows())
    assert import_entities(path, actor=CLI).ok


def test_the_demo_loads_fast_and_has_every_story(register, tmp_path):
    out = io.StringIO()
    started = time.monotonic()
    demo.load(seed=7, scale="demo", console=Console(file=out))
    elapsed = time.monotonic() - started
    assert Unit.objects.count() >= 400
    assert Unit.objects.filter(category="3000").count() > Unit.objects.exclude(category="3000").count()
    assert RescueCase.objects.filter(escalated_at__isnull=False, status="closed").count() == 1
    assert RescueCase.objects.exclude(status="closed").count() == 2
    assert Alarm.objects.filter(kind="trapped").count() >= 3
    assert Device.objects.filter(silent=True).count() == 5
    assert Accident.objects.count() == 2
    assert MaintenanceGrade.objects.filter(published=True).exists()
    assert audit.verify()[1] == []
    assert elapsed < 60, out.getvalue()


def test_the_same_seed_writes_the_same_register(register, tmp_path):
    import datetime as dt

    day = dt.date(2026, 6, 1)
    demo.write_register(tmp_path / "a.csv", seed=3, today=day)
    demo.write_register(tmp_path / "b.csv", seed=3, today=day)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
