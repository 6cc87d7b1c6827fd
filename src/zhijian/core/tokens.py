"""API tokens: random secrets handed out once; only their SHA-256 digest is kept.

A user sees their tokens and revokes them one by one (page /account/tokens/, API
``/api/v1/auth/tokens``); ``POST /api/v1/auth/logout`` revokes the token it is called with, and a
new password revokes every token of the user (the old password may be what leaked).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from . import audit
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


def token_for(token: str) -> ApiToken | None:
    """The live token row with its user (and the user's jurisdiction), or None."""
    row = (
        ApiToken.objects.select_related("user", "user__jurisdiction")
        .filter(digest=_digest(token), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    if row.last_used_at is None or timezone.now() - row.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row


def user_for_token(token: str):
    row = token_for(token)
    return None if row is None else row.user


def live_tokens(user):
    """The user's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created_at")


def revoke_token(*, actor, token_id: int) -> bool:
    """Revoke one of the actor's own tokens (撤销令牌); False when they hold no such token."""
    with transaction.atomic():
        row = ApiToken.objects.filter(user=actor, pk=token_id).first()
        if row is None:
            return False
        row.delete()
        audit.record(
            actor,
            audit.Change("core.api_token.revoke", "ApiToken", str(token_id), {"user": actor.pk}, None),
        )
    return True


def revoke_all_tokens(*, user, reason: str) -> int:
    """Revoke every token of ``user`` (on a new password); return how many there were."""
    with transaction.atomic():
        count, _ = ApiToken.objects.filter(user=user).delete()
        if count:
            audit.record(
                user,
                audit.Change(
                    "core.api_token.revoke_all", "User", str(user.pk), {"tokens": count}, {"reason": reason}
                ),
            )
    return count


def revoke_on_new_password(sender, instance, created, **kwargs):
    """post_save of User: a password set since the last save revokes the user's tokens.

    ``set_password`` keeps the raw password in ``_password`` until the save that stores it.
    """
    if not created and getattr(instance, "_password", None) is not None:
        revoke_all_tokens(user=instance, reason="password_changed")
