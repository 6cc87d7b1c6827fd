"""Shared fixtures: the city's reference data, users of every role, entities in two districts."""

from __future__ import annotations

import os
import socket

import pytest

from tests.factories import EntityFactory, UserFactory
from zhijian.core.models import Jurisdiction, Role
from zhijian.core.reference import load_city

os.environ.setdefault("ZHIJIAN_MODE", "test")  # a spawned child process (parallel import) reads it


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests talk to the database and to 127.0.0.1 only."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "localhost", "::1")
            and not host.startswith("/")
        ):
            raise RuntimeError(f"network access to {host} blocked in tests")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _fresh_user_cache():
    """Each test starts with no user remembered by the authentication backend (ids are reused)."""
    from zhijian.core import auth

    auth._recent.clear()
    yield
    auth._recent.clear()


# The rule data the migrations seeded (statutory time limits, ratios), as the test database had it
# before any test: transactional tests end with a flush that empties the table.
_SEEDED_RULES: list[dict] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from zhijian.core.models import RuleValue

    with django_db_blocker.unblock():
        load_city("ningbo")
        _SEEDED_RULES[:] = list(RuleValue.objects.values())


def _restore_seeded_rules() -> None:
    """Put back the migrations' rule data a flush removed (any app's: its pages read its rules)."""
    from zhijian.core.models import RuleValue

    present = set(RuleValue.objects.values_list("key", "valid_from"))
    missing = [RuleValue(**row) for row in _SEEDED_RULES if (row["key"], row["valid_from"]) not in present]
    if missing:
        RuleValue.objects.bulk_create(missing, ignore_conflicts=True)


@pytest.fixture
def city(db):
    """The reference data, reloaded for tests whose database is flushed between tests."""
    if not Jurisdiction.objects.exists():
        load_city("ningbo")
    _restore_seeded_rules()
    return {j.code: j for j in Jurisdiction.objects.all()}


@pytest.fixture
def haishu(city):
    return city["330203"]


@pytest.fixture
def yinzhou(city):
    return city["330212"]


@pytest.fixture
def users(city):
    """One user of every role; two district users in different districts."""
    return {
        "admin": UserFactory(username="t_admin", role=Role.CITY_ADMIN),
        "department": UserFactory(username="t_dept", role=Role.DEPARTMENT),
        "haishu": UserFactory(username="t_haishu", role=Role.DISTRICT, jurisdiction=city["330203"]),
        "haishu_office": UserFactory(
            username="t_hs_office", role=Role.DISTRICT, jurisdiction=city["33020301"]
        ),
        "yinzhou": UserFactory(username="t_yinzhou", role=Role.DISTRICT, jurisdiction=city["330212"]),
        "inspector": UserFactory(username="t_insp", role=Role.INSPECTOR, jurisdiction=city["330203"]),
    }


@pytest.fixture
def entities(city):
    """An entity in 海曙 and one in 鄞州."""
    return {
        "haishu": EntityFactory(jurisdiction=city["330203"], name="宁波海曙恒达机械有限公司"),
        "yinzhou": EntityFactory(jurisdiction=city["330212"], name="宁波鄞州瑞华贸易有限公司"),
    }


@pytest.fixture
def enterprise_user(entities):
    return UserFactory(username="t_ent", role=Role.ENTERPRISE, entity_uscc=entities["haishu"].uscc)


@pytest.fixture(autouse=True)
def _empty_audit_before_flush(request):
    """Transactional tests end with a flush, which the append-only triggers would refuse."""
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional:
        yield
        return
    if marker is None:
        request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM core_auditentry")
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
        else:
            from importlib import import_module

            triggers = import_module("zhijian.core.migrations.0002_audit_append_only_and_rules")
            for sql in triggers.SQLITE_DOWN:
                cursor.execute(sql)
            cursor.execute("DELETE FROM core_auditentry")
            for sql in triggers.SQLITE_UP:
                cursor.execute(sql)
