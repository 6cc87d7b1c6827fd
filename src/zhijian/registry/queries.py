"""Read paths of the register; every one goes through :func:`zhijian.core.scoping.restrict`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from zhijian.core.codes import looks_like_uscc, normalize_uscc
from zhijian.core.scoping import VIEW, restrict

from .models import Entity, EntityStatus, EntityType, Tag
from .search import name_bigrams


@dataclass(frozen=True)
class EntityFilter:
    """The filters of the entity list, shared by the page, the API and the export."""

    q: str = ""
    jurisdiction: int | None = None
    entity_type: str = ""
    status: str = ""
    industry: str = ""
    cluster: str = ""
    tag: str = ""

    @classmethod
    def from_params(cls, params) -> EntityFilter:
        def text(name: str) -> str:
            return (params.get(name) or "").strip()

        jurisdiction = text("jurisdiction")
        return cls(
            q=text("q")[:100],
            jurisdiction=int(jurisdiction) if jurisdiction.isdigit() else None,
            entity_type=text("entity_type") if text("entity_type") in EntityType.values else "",
            status=text("status") if text("status") in EntityStatus.values else "",
            industry=text("industry").upper()[:5],
            cluster=text("cluster")[:24],
            tag=text("tag") if text("tag") in Tag.values else "",
        )

    def as_params(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in ("", None)}


def name_fragment(fragment: str) -> Q:
    """Entities whose name contains ``fragment``; on PostgreSQL through the bigram index (search.py)."""
    condition = Q(name__contains=fragment)
    grams = name_bigrams(fragment)
    if grams and connection.vendor == "postgresql":
        condition &= Q(name_grams__contains_all=grams)
    return condition


def search_entities(user, flt: EntityFilter, *, public: bool = False) -> QuerySet[Entity]:
    """Entities ``user`` may see that match ``flt``, newest first. ``public`` ignores the login."""
    qs = restrict(Entity.objects.all(), None if public else user, VIEW)
    if flt.q:
        if looks_like_uscc(flt.q):
            qs = qs.filter(uscc=normalize_uscc(flt.q))
        else:
            qs = qs.filter(name_fragment(flt.q))
    if flt.jurisdiction:
        qs = qs.filter(jurisdiction_id=flt.jurisdiction)
    if flt.entity_type:
        qs = qs.filter(entity_type=flt.entity_type)
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.industry:
        qs = qs.filter(industry_code__startswith=flt.industry)
    if flt.cluster:
        qs = qs.filter(cluster=flt.cluster)
    if flt.tag:
        qs = qs.filter(tags__tag=flt.tag)
    return qs.select_related("jurisdiction").order_by("-id")
