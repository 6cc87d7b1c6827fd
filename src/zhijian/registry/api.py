"""REST API of the register (/api/v1/entities…): the entities the caller may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema, Status

from zhijian.core.access import api_login
from zhijian.core.errors import ErrorOut as Error
from zhijian.core.params import Id
from zhijian.core.scoping import VIEW, get_scoped

from .models import Entity
from .queries import EntityFilter, search_entities

router = Router(tags=["registry"])


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
    jurisdiction: Id | None = None
    entity_type: str = ""
    status: str = ""
    industry: str = ""
    cluster: str = ""
    tag: str = ""
    offset: int = 0
    limit: int = 50


@router.get("/entities", response={200: EntityPage, 400: Error})
@api_login
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


@router.get("/entities/{uscc}", response={200: EntityOut, 404: Error})
@api_login
def get_entity(request, uscc: str):
    return get_scoped(Entity.objects.select_related("jurisdiction"), request.user, VIEW, uscc=uscc.upper())
