"""API tokens: random secrets handed out once; only their SHA-256 digest is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

TOKEN_LIFETIME = dt.timedelta(hours=12)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, digest=_digest(token), expires_at=timezone.now() + TOKEN_LIFETIME
    )
    return token, row


def user_for_token(token: str):
    row = (
        ApiToken.objects.select_related("user", "user__jurisdiction")
        .filter(digest=_digest(token), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    if row.last_used_at is None or timezone.now() - row.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
