"""The public register (no login): search and a detail view with public fields only."""

from __future__ import annotations

from django.shortcuts import render

from zhijian.core.access import public_view
from zhijian.core.lists import paginate
from zhijian.core.scoping import VIEW, get_scoped, restrict
from zhijian.registry.industries import industry_label
from zhijian.registry.models import PUBLIC_FIELDS, Entity, LifecycleEvent
from zhijian.registry.queries import EntityFilter, search_entities
from zhijian.registry.views import page_number


@public_view
def register_search(request):
    flt = EntityFilter.from_params(request.GET)
    page = None
    if flt.q:
        need = page_number(request.GET) * 100 + 1
        public = EntityFilter(q=flt.q)
        page = paginate(
            request,
            search_entities(None, public, public=True).only(*PUBLIC_FIELDS, "jurisdiction__name"),
            sliced=search_entities(None, public, public=True, need=need).only(
                *PUBLIC_FIELDS, "jurisdiction__name"
            ),
            params={"q": flt.q},
            default_size=20,
        )
    return render(
        request, "portal/search.html", {"flt": flt, "entities": page.rows if page else [], "page": page}
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
