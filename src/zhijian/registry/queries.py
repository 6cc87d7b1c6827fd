"""Read paths of the register; every one goes through :func:`zhijian.core.scoping.restrict`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Max, Q, QuerySet

from zhijian.core.codes import looks_like_uscc, normalize_uscc
from zhijian.core.params import int_param
from zhijian.core.scoping import VIEW, get_scoped, restrict

from .models import Entity, EntityStatus, EntityTag, EntityType, LifecycleEvent, Tag
from .search import bigram_statistics, name_bigrams


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

        return cls(
            q=text("q")[:100],
            jurisdiction=int_param(params, "jurisdiction"),
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


# Newest-first windows (in entity ids) tried before the bigram index; see search_entities.
NEWEST_WINDOWS = (10_000, 100_000)
# Below this many possible matches the bigram index answers at once: no window is tried.
INDEX_IS_CHEAP = 3_000


def search_entities(
    user, flt: EntityFilter, *, public: bool = False, need: int | None = None
) -> QuerySet[Entity]:
    """Entities ``user`` may see that match ``flt``, newest first. ``public`` ignores the login.

    ``need`` is how many rows the caller will read (a page: offset + limit + 1). A name fragment
    that many names contain ("零部件": 54,000 of 1.5 million) is best found by walking the newest
    entities until ``need`` match; a rare one ("恒达机械") through the bigram index. The planner
    cannot tell them apart (it takes a fragment's bigrams as independent, so it thinks every
    fragment rare), so on PostgreSQL a fragment whose rarest bigram is common enough first has
    its matches counted among the newest NEWEST_WINDOWS ids — a bounded walk — and the first window
    that holds ``need`` of them is kept.
    """
    qs = restrict(Entity.objects.all(), None if public else user, VIEW)
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
    if flt.q and looks_like_uscc(flt.q):
        qs = qs.filter(uscc=normalize_uscc(flt.q))
    elif flt.q:
        bound = _newest_window(qs, flt.q, need)
        if bound is not None:
            qs = qs.filter(id__gt=bound, name__contains=flt.q)
        else:
            qs = qs.filter(name_fragment(flt.q))
    return qs.select_related("jurisdiction").order_by("-id")


def _newest_window(qs: QuerySet[Entity], fragment: str, need: int | None) -> int | None:
    """The lowest id bound of a newest window holding ``need`` matches of ``fragment``, or None."""
    if need is None or connection.vendor != "postgresql":
        return None
    statistics = bigram_statistics()
    if statistics is not None and statistics.most_matches(fragment) < INDEX_IS_CHEAP:
        return None
    top = Entity.objects.aggregate(top=Max("id"))["top"]
    for window in NEWEST_WINDOWS:
        bound = (top or 0) - window
        if bound <= 0:
            return None
        if qs.filter(id__gt=bound, name__contains=fragment).order_by()[:need].count() >= need:
            return bound
    return None


@dataclass(frozen=True)
class EntityDetail:
    """What the detail page shows of one entity: the entity, its tags' labels, its history."""

    entity: Entity
    tags: list[str]
    history: list[LifecycleEvent]


def entity_detail(user, uscc: str, *, history_limit: int = 200) -> EntityDetail:
    """The entity ``uscc`` if ``user`` may see it (else Http404), with its tags and history.

    The register's most-visited page: the entity is read through the scoping function; its tags
    and history belong to it and are read by its id alone, without the bigram column.
    """
    entity = get_scoped(
        Entity.objects.select_related("jurisdiction", "office").defer("name_grams"), user, VIEW, uscc=uscc
    )
    labels = dict(Tag.choices)
    tags = [
        str(labels.get(t, t))
        for t in EntityTag.objects.filter(entity_id=entity.pk).values_list("tag", flat=True)
    ]
    history = list(
        LifecycleEvent.objects.filter(entity_id=entity.pk).order_by("-occurred_on", "-id")[:history_limit]
    )
    return EntityDetail(entity, tags, history)
