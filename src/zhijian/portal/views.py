"""The public register (no login): search and a detail view with public fields only."""

from __future__ import annotations

from django.shortcuts import render

from zhijian.core.access import public_view
from zhijian.core.scoping import VIEW, get_scoped, restrict
from zhijian.registry.industries import industry_label
from zhijian.registry.models import PUBLIC_FIELDS, Entity, LifecycleEvent
from zhijian.registry.queries import EntityFilter, search_entities
from zhijian.registry.views import page_number, page_of


@public_view
def register_search(request):
    flt = EntityFilter.from_params(request.GET)
    entities, page, has_next = [], 1, False
    if flt.q:
        need = page_number(request.GET) * 20 + 1
        qs = search_entities(None, EntityFilter(q=flt.q), public=True, need=need).only(
            *PUBLIC_FIELDS, "jurisdiction__name"
        )
        entities, page, has_next = page_of(qs, request.GET, size=20)
    return render(
        request, "portal/search.html", {"flt": flt, "entities": entities, "page": page, "has_next": has_next}
    )


@public_view
def register_detail(request, uscc: str):
    entity = get_scoped(
        Entity.objects.select_related("jurisdiction").only(*PUBLIC_FIELDS, "jurisdiction__name"),
        None,
        VIEW,
        uscc=uscc,
    )
    history = restrict(LifecycleEvent.objects.filter(entity=entity), None, VIEW).only("kind", "occurred_on")[
        :100
    ]
    return render(
        request,
        "portal/detail.html",
        {"entity": entity, "history": history, "industry": industry_label(entity.industry_code)},
    )
