"""The enterprise's own view (我的质量服务): its enrolments, library status and service requests."""

from __future__ import annotations

from django.shortcuts import render

from zhijian.core.access import policy_view
from zhijian.core.scoping import VIEW, restrict

from ..models import CultivationEntry, Enrolment, ServiceRequest
from ..queries import cluster_names


@policy_view("quality.mine")
def mine(request):
    user = request.user
    return render(
        request,
        "quality/mine.html",
        {
            "enrolments": restrict(
                Enrolment.objects.select_related(
                    "campaign", "executed_standard", "compared_standard", "laboratory"
                ),
                user,
                VIEW,
            ),
            "entries": restrict(CultivationEntry.objects.prefetch_related("awards"), user, VIEW),
            "requests": restrict(ServiceRequest.objects.select_related("provider"), user, VIEW),
            "clusters": cluster_names(),
        },
    )
