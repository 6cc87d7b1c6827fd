"""Public pages (no login): the list of firms and products that met the benchmark (对标达标名单)."""

from __future__ import annotations

from django.shortcuts import render

from zhijian.core.access import public_view
from zhijian.core.lists import Sort, paginate
from zhijian.core.params import int_param, text_param

from ..models import Campaign
from ..queries import cluster_names, public_benchmark_list

BENCHMARK_SORTS = {
    "entity_name": Sort("企业名称", ("entity_name",)),
    "published_on": Sort("公布日期", ("published_on",)),
}


@public_view
def benchmark(request):
    year = int_param(request.GET, "year", minimum=2000, maximum=2100)
    q = text_param(request.GET, "q")
    rows = public_benchmark_list(q, year)
    return render(
        request,
        "quality/public_benchmark.html",
        {
            "page": paginate(
                request,
                rows,
                sorts=BENCHMARK_SORTS,
                params={"year": "" if year is None else str(year), "q": q},
                default_size=20,
            ),
            "years": Campaign.objects.values_list("year", flat=True),
            "clusters": cluster_names(),
            "q": q,
            "year": "" if year is None else str(year),
        },
    )
