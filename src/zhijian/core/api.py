"""REST API of the core: API tokens for systems (/api/v1/auth/…)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from ninja import Router, Schema, Status

from .access import api_public
from .errors import ErrorOut as Error
from .tokens import issue_token

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


@router.post("/token", auth=None, response={200: TokenOut, 401: Error})
@api_public
def create_token(request, body: TokenIn):
    user = authenticate(request, username=body.username, password=body.password)
    if user is None or not user.is_active:
        return Status(401, {"code": "invalid_credentials", "message": "用户名或密码错误"})
    token, row = issue_token(user)
    return Status(200, {"token": token, "expires_at": row.expires_at})
