from __future__ import annotations

import pytest

from tests.factories import UserFactory
from zhijian.core.models import Department, Role


@pytest.fixture
def staff(city):
    """Department staff of the city bureau (信用监管处) and district staff of 海曙 and 鄞州."""
    return {
        "department": UserFactory(
            username="i_dept",
            role=Role.DEPARTMENT,
            department=Department.objects.get(code="credit"),
            display_name="王科长",
        ),
        "haishu": UserFactory(username="i_haishu", role=Role.DISTRICT, jurisdiction=city["330203"]),
        "yinzhou": UserFactory(username="i_yinzhou", role=Role.DISTRICT, jurisdiction=city["330212"]),
        "admin": UserFactory(username="i_admin", role=Role.CITY_ADMIN),
    }


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.fixture
def city(city):
    """The reference data and the rule data (both flushed after a transactional test)."""
    from .factories import ensure_rules

    ensure_rules()
    return city
