"""REST API of the core: API tokens for systems (/api/v1/auth/…).

A token is issued for a username and password (repeated failures lock the username out, as on the
login page); its holder lists their tokens, revokes one, or logs out (revokes the token in use).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from ninja import Router, Schema, Status

from .access import api_login, api_public
from .auth import LOCKED_OUT_MESSAGE
from .errors import ERRORS
from .errors import ErrorOut as Error
from .tokens import issue_token, live_tokens, revoke_token

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class TokenInfo(Schema):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    current: bool


@router.post("/token", auth=None, response={200: TokenOut, 401: Error, 429: Error})
@api_public
def create_token(request, body: TokenIn):
    user = authenticate(request, username=body.username, password=body.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, {"code": "locked_out", "message": LOCKED_OUT_MESSAGE})
    if user is None or not user.is_active:
        return Status(401, {"code": "invalid_credentials", "message": "用户名或密码错误"})
    token, row = issue_token(user)
    return Status(200, {"token": token, "expires_at": row.expires_at})


@router.get("/tokens", response={200: list[TokenInfo], **ERRORS})
@api_login
def list_tokens(request):
    """The caller's live tokens; ``current`` marks the one this request carries."""
    current = getattr(getattr(request, "api_token", None), "pk", None)
    return [
        {
            "id": t.pk,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "current": t.pk == current,
        }
        for t in live_tokens(request.user)
    ]


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
@api_login
def delete_token(request, token_id: int):
    if not revoke_token(actor=request.user, token_id=token_id):
        return Status(404, {"code": "not_found", "message": "令牌不存在或已撤销"})
    return Status(204, None)


@router.post("/logout", response={204: None, **ERRORS})
@api_login
def logout(request):
    """Revoke the token this request carries (a browser session logs out at /logout/)."""
    row = getattr(request, "api_token", None)
    if row is None:
        return Status(400, {"code": "no_token", "message": "此请求未使用接口令牌"})
    revoke_token(actor=request.user, token_id=row.pk)
    return Status(204, None)
