"""The API answers as its OpenAPI document says, whatever it is sent (issue 15 item 4).

Schemathesis (pinned in pyproject.toml) generates requests for every operation of
``/api/v1/openapi.json`` — valid ones and ones that break the document — and calls the WSGI app in
process, authenticated with a token of a city administrator on a small demo-like data set (both
districts' entities, a credit record and classification, a sampling task and sample). Every response
must pass every check: no server error, a documented status code, a documented content type and
body (errors as ``{code, message, fields}``), invalid input refused, valid input accepted.

Examples are bounded per operation (``SCHEMATHESIS_EXAMPLES``, default 15) so the suite stays fast;
CI runs it with the rest of the tests on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.factories import UserFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Role
from zhijian.core.tokens import issue_token

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))

# A schema-valid request may still be refused by the domain (400 with the operation's own code: a period
# that ends before it starts, a state that does not allow the action); it must never be refused as
# breaking the document (422) or fail (5xx). A public form may also answer 429 when one client files too often.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests run in the test's transaction: the WSGI handler must not close its connection
    (Django's test client disconnects the same signal handlers)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_intake_rate_limit(settings):
    """Every example comes from one client within a minute: the public filing's per-client limit (its
    429 is tested in tests/complaints/test_intake.py) would refuse valid filings after the tenth."""
    settings.COMPLAINTS_RATE_LIMITS = {"file": 1_000_000, "track": 1_000_000}


@pytest.fixture
def demo_token(city, entities):
    """A city administrator's token on a small data set like the demo's."""
    from zhijian.credit import services as credit
    from zhijian.credit.classify import rescore_all

    credit.record_penalty(
        actor=SystemActor("test"), entity=entities["haishu"], measures=["fine"], title="销售不合格产品",
        occurred_on=dt.date(2026, 9, 1),
    )  # fmt: skip
    rescore_all(actor=SystemActor("test"))
    admin = UserFactory(username="st_admin", role=Role.CITY_ADMIN)
    return issue_token(admin)[0]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_answers_as_documented(case, demo_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {demo_token}"})
