"""REST API v1 (/api/v1/): token auth for systems, session auth for the browser, same scoping as pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import authenticate
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from zhijian.core.errors import ErrorOut, install_api_handlers
from zhijian.core.scoping import VIEW, get_scoped
from zhijian.core.tokens import issue_token, user_for_token
from zhijian.registry.models import Entity
from zhijian.registry.queries import EntityFilter, search_entities


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The browser's session. Without a logged-in session the caller is unauthenticated (401) — the
    CSRF check applies only to a session that exists, so an anonymous POST is not told "CSRF failed"."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError as exc:
            raise HttpError(403, "CSRF") from exc


api = NinjaAPI(
    title="智监 Zhijian API",
    version="1",
    description=(
        "一体化智慧市监应用平台 REST API. Every error is `{code, message, fields}`: a stable English "
        "`code`, a Chinese `message`, and per-field messages for invalid input (docs/api.md lists the codes)."
    ),
    urls_namespace="api-v1",
    auth=[BearerToken(), BrowserSession()],
    docs_url="/docs",
)
install_api_handlers(api)
Error = ErrorOut  # the one error body; routers import it from here or from core.errors


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: Error}, tags=["auth"])
def create_token(request, body: TokenIn):
    user = authenticate(request, username=body.username, password=body.password)
    if user is None or not user.is_active:
        return Status(401, {"code": "invalid_credentials", "message": "用户名或密码错误"})
    token, row = issue_token(user)
    return Status(200, {"token": token, "expires_at": row.expires_at})


class EntityOut(Schema):
    uscc: str
    name: str
    entity_type: str
    entity_type_label: str
    legal_representative: str
    registered_capital: Decimal | None
    established_on: dt.date
    status: str
    status_label: str
    address: str
    jurisdiction: str
    industry_code: str
    cluster: str

    @staticmethod
    def resolve_entity_type_label(obj):
        return obj.get_entity_type_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code


class EntityPage(Schema):
    items: list[EntityOut]
    offset: int
    limit: int
    has_more: bool


class EntityQuery(Schema):
    q: str = ""
    jurisdiction: int | None = None
    entity_type: str = ""
    status: str = ""
    industry: str = ""
    cluster: str = ""
    tag: str = ""
    offset: int = 0
    limit: int = 50


@api.get("/entities", response={200: EntityPage, 400: Error}, tags=["registry"])
def list_entities(request, params: Query[EntityQuery]):
    """Entities the caller may see; ``q`` is a USCC (spaces and lower case tolerated) or a name fragment."""
    if not 1 <= params.limit <= 200 or params.offset < 0 or params.offset > 100_000:
        return Status(400, {"code": "bad_paging", "message": "limit须在1–200之间，offset须在0–100000之间"})
    flt = EntityFilter.from_params({k: str(v) for k, v in params.dict().items() if v is not None})
    need = params.offset + params.limit + 1
    rows = list(search_entities(request.user, flt, need=need)[params.offset : need])
    return Status(
        200,
        {
            "items": rows[: params.limit],
            "offset": params.offset,
            "limit": params.limit,
            "has_more": len(rows) > params.limit,
        },
    )


@api.get("/entities/{uscc}", response={200: EntityOut, 404: Error}, tags=["registry"])
def get_entity(request, uscc: str):
    return get_scoped(Entity.objects.select_related("jurisdiction"), request.user, VIEW, uscc=uscc.upper())


from zhijian.credit.api import router as credit_router  # noqa: E402 - routers register after the API exists

api.add_router("/credit", credit_router)

from zhijian.inspections.api import router as inspections_router  # noqa: E402

api.add_router("/inspections/", inspections_router)

api.add_router("/sampling/", "zhijian.sampling.api.router")
api.add_router("/quality/", "zhijian.quality.api.router")
