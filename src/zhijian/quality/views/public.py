"""Public pages (no login): the list of firms and products that met the benchmark (对标达标名单)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from zhijian.core.access import public_view
from zhijian.core.params import int_param, page_param, text_param

from ..models import Campaign
from ..queries import cluster_names, public_benchmark_list


@public_view
def benchmark(request):
    year = int_param(request.GET, "year", minimum=2000, maximum=2100)
    q = text_param(request.GET, "q")
    rows = public_benchmark_list(q, year)
    return render(
        request,
        "quality/public_benchmark.html",
        {
            "page": Paginator(rows, 50).get_page(page_param(request.GET)),
            "years": Campaign.objects.values_list("year", flat=True),
            "clusters": cluster_names(),
            "q": q,
            "year": "" if year is None else str(year),
        },
    )
