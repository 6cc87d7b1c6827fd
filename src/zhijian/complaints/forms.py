"""Form plumbing: reading a filing from POST data, the public form's verification step, the rate limit.

The verification step (人机验证) is a small sum the visitor answers; the question travels signed with
a timestamp (``django.core.signing``), so no state is kept between showing the form and sending it.
The rate limit counts submissions per client and minute in the database, so every web worker shares it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils import timezone

from .models import IntakeThrottle
from .services.intake import CaseIn

CHALLENGE_SALT = "complaints.challenge"
CHALLENGE_MAX_AGE = 3600
FIELDS = (
    "kind",
    "subject",
    "description",
    "respondent_name",
    "category",
    "person_name",
    "person_phone",
    "person_id_number",
    "person_address",
    "respondent_uscc",
    "respondent_address",
    "platform_uscc",
    "place",
    "product",
    "demand",
    "amount_claimed",
)


def case_in_from(post, *, received_on: dt.date | None = None) -> CaseIn:
    values = {f: post.get(f, "") for f in FIELDS}
    return CaseIn(**values, anonymous=post.get("anonymous") == "1", received_on=received_on)


def new_challenge() -> tuple[str, str]:
    """(question, signed token) for the verification step."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"s": a + b, "n": uuid.uuid4().hex[:8]}, salt=CHALLENGE_SALT)
    return f"{a} + {b} = ?", token


def check_challenge(token: str, answer: str) -> str | None:
    """None when answered right; else the Chinese message."""
    try:
        expected = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)["s"]
    except (signing.BadSignature, KeyError, TypeError):
        return "验证已过期，请重新填写验证题"
    if answer.strip() != str(expected):
        return "验证题答案不正确"
    return None


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def client_key(request, purpose: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{purpose}:{address}".encode()).hexdigest()[:32]


def per_minute(purpose: str) -> int:
    limits = getattr(settings, "COMPLAINTS_RATE_LIMITS", {})
    return int(limits.get(purpose, {"file": 10, "track": 30}.get(purpose, 10)))


def throttled(request, purpose: str) -> bool:
    """Count this request; True when the client went over the limit for this minute."""
    minute = timezone.now().replace(second=0, microsecond=0)
    key = client_key(request, purpose)
    table = IntakeThrottle._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (client, minute, count) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (client, minute) DO UPDATE SET count = "
            f"{table}.count + 1 RETURNING count",
            [key, minute],
        )
        (count,) = cursor.fetchone()
    return count > per_minute(purpose)
