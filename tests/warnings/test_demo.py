"""The demo: injected outbreaks become signals, a warning reaches three districts, one has answered."""

from __future__ import annotations

import pytest
from rich.console import Console

from zhijian.demo.warnings.loader import load
from zhijian.warnings.models import RiskWarning, Signal

pytestmark = pytest.mark.django_db


def test_demo_shows_signals_a_warning_and_its_follow_up(city):
    load(seed=7, scale="small", console=Console(quiet=True))
    methods = set(Signal.objects.values_list("method", flat=True))
    assert "rule-producer" in methods
    assert "farrington-improved" in methods  # the seasonal rise of illness cases
    # the rise of food complaints in 海曙, judged on the complaints series of its own
    complaints = Signal.objects.filter(series_key__startswith="source=own.complaints|")
    assert complaints.filter(district__code="330203", dimensions__category="食品").exists()
    warning = RiskWarning.objects.get()
    districts = set(warning.recipients.exclude(district=None).values_list("district__code", flat=True))
    assert {"330203", "330205", "330212"} <= districts
    assert warning.recipients.exclude(answered_at=None).count() == 1
    load(seed=7, scale="small", console=Console(quiet=True))  # a second run adds nothing
    assert RiskWarning.objects.count() == 1
