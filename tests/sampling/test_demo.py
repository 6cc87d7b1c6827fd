"""The synthetic sampling of the demo: deterministic for a seed, and it obeys every rule real data does."""

import io

import pytest
from rich.console import Console

from zhijian.core import audit
from zhijian.core.access import SystemActor
from zhijian.demo.generator import EntityGenerator, write_csv
from zhijian.demo.sampling import loader as demo
from zhijian.registry.importing import import_entities
from zhijian.sampling.models import Announcement, LoopStatus, PostProcessingCase, Sample, TestResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(city, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    path = tmp_path / "register.csv"
    write_csv(path, EntityGenerator(11, 3000).rows())
    assert import_entities(path, actor=SystemActor("test")).ok


def test_the_same_seed_gives_the_same_samples(register):
    console = Console(file=io.StringIO())
    demo.load_reference(actor=SystemActor("test"))
    demo.ensure_laboratories()
    first = demo.World(5, "test")
    demo.add_local_makers(first, 60, console)
    a = demo.generate_samples(first, 2025, demo.dt.date(2025, 1, 2), demo.dt.date(2025, 12, 31), 120, 20)
    b = demo.generate_samples(
        demo.World(5, "test"), 2025, demo.dt.date(2025, 1, 2), demo.dt.date(2025, 12, 31), 120, 20
    )
    shape = [
        (s.sample_no, s.category, s.unit, s.stage, s.seller[1], s.sampled_on, tuple(s.failing)) for s in a
    ]
    assert shape == [
        (s.sample_no, s.category, s.unit, s.stage, s.seller[1], s.sampled_on, tuple(s.failing)) for s in b
    ]
    assert len(a) == 140


def test_the_loader_builds_a_year_with_its_loop_and_announcements(register):
    out = io.StringIO()
    demo.load(seed=3, scale="test", console=Console(file=out, width=200))
    assert Sample.objects.count() > 200
    reported = Sample.objects.filter(status="reported")
    assert reported.count() == TestResult.objects.values("sample_id").distinct().count()
    assert (
        Sample.objects.filter(judgement="fail").exists() and Sample.objects.filter(judgement="pass").exists()
    )
    closed = Sample.objects.filter(loop_status=LoopStatus.CLOSED, sampled_on__year=2025).count()
    failed_2025 = Sample.objects.filter(loop_status__in=["open", "closed"], sampled_on__year=2025).count()
    assert closed >= 0.8 * failed_2025
    assert PostProcessingCase.objects.filter(status="closed").exclude(evidence=None).count() == (
        PostProcessingCase.objects.filter(status="closed").count()
    )
    assert Announcement.objects.filter(published=True).count() >= 12
    assert audit.verify()[1] == []
    assert "lab_food" in out.getvalue()
    before = (Sample.objects.count(), TestResult.objects.count(), PostProcessingCase.objects.count())
    demo.load(seed=3, scale="test", console=Console(file=io.StringIO()))  # a second run adds nothing
    assert (Sample.objects.count(), TestResult.objects.count(), PostProcessingCase.objects.count()) == before
