"""Fixtures of the credit tests: a credit officer, a fixed classification date, Java for Spark."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.factories import UserFactory
from zhijian.core.analytics import java_available
from zhijian.core.models import Department, Role

AS_OF = dt.date(2026, 11, 2)


@pytest.fixture
def officer(city):
    department, _ = Department.objects.get_or_create(code="credit", defaults={"name": "信用监管处"})
    return UserFactory(username="t_credit", role=Role.DEPARTMENT, department=department)


@pytest.fixture
def reviewer(city):
    department, _ = Department.objects.get_or_create(code="credit", defaults={"name": "信用监管处"})
    return UserFactory(username="t_credit2", role=Role.DEPARTMENT, department=department)


def require_java():
    """Spark needs Java: skip with a visible reason on a developer's machine, fail in CI."""
    if java_available():
        return
    if os.environ.get("CI") or os.environ.get("ZHIJIAN_REQUIRE_SPARK"):
        pytest.fail("Java is missing but CI must run the Spark tests (.ci/run installs default-jre-headless)")
    pytest.skip("java is missing: Spark tests are SKIPPED (install a Java 17 runtime to run them)")
