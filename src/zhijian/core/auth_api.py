"""API endpoints of a caller's own tokens: list, revoke one, log out (revoke the token in use)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status

from .tokens import live_tokens, revoke_token

router = Router(tags=["auth"])


class TokenInfo(Schema):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    current: bool


class Problem(Schema):
    code: str
    message: str


@router.get("/tokens", response=list[TokenInfo])
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


@router.delete("/tokens/{token_id}", response={204: None, 404: Problem})
def delete_token(request, token_id: int):
    if not revoke_token(actor=request.user, token_id=token_id):
        return Status(404, {"code": "not_found", "message": "令牌不存在或已撤销"})
    return Status(204, None)


@router.post("/logout", response={204: None, 400: Problem})
def logout(request):
    """Revoke the token this request carries (a browser session logs out at /logout/)."""
    row = getattr(request, "api_token", None)
    if row is None:
        return Status(400, {"code": "no_token", "message": "此请求未使用接口令牌"})
    revoke_token(actor=request.user, token_id=row.pk)
    return Status(204, None)
