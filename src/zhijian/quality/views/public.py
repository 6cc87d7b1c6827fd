"""Public pages (no login): the list of firms and products that met the benchmark (对标达标名单)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from zhijian.core.access import public_view

from ..models import Campaign
from ..queries import cluster_names, public_benchmark_list


@public_view
def benchmark(request):
    year = request.GET.get("year", "")
    rows = public_benchmark_list(request.GET.get("q", ""), int(year) if year.isdigit() else None)
    return render(
        request,
        "quality/public_benchmark.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "years": Campaign.objects.values_list("year", flat=True),
            "clusters": cluster_names(),
            "q": request.GET.get("q", ""),
            "year": year,
        },
    )
