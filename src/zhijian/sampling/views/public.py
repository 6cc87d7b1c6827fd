"""The public sampling announcements (抽检信息公告) on the portal: no login, published rows only."""

from __future__ import annotations

from django.shortcuts import render

from zhijian.core.access import public_view
from zhijian.core.scoping import VIEW, get_scoped
from zhijian.registry.views import page_of

from ..models import Announcement, Judgement
from ..queries import announced_samples, failures_with_results, public_announcements


@public_view
def announcements(request):
    rows, page, has_next = page_of(public_announcements(), request.GET, size=20)
    return render(
        request, "sampling/public_list.html", {"announcements": rows, "page": page, "has_next": has_next}
    )


@public_view
def announcement(request, pk: int):
    item = get_scoped(Announcement.objects.all(), None, VIEW, pk=pk)
    failures = list(announced_samples(item, Judgement.FAIL))
    passes, page, has_next = page_of(announced_samples(item, Judgement.PASS), request.GET, size=100)
    return render(
        request,
        "sampling/public_detail.html",
        {
            "announcement": item,
            "failures": failures_with_results(failures),
            "passes": passes,
            "page": page,
            "has_next": has_next,
        },
    )
