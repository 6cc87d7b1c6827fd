"""The public sampling announcements (抽检信息公告) on the portal: no login, published rows only."""

from __future__ import annotations

from django.shortcuts import render

from zhijian.core.access import public_view
from zhijian.core.lists import Sort, paginate
from zhijian.core.scoping import VIEW, get_scoped

from ..models import Announcement, Judgement
from ..queries import announced_samples, failures_with_results, public_announcements

PUBLIC_SORTS = {"published_on": Sort("发布日期", ("published_on",))}


@public_view
def announcements(request):
    page = paginate(request, public_announcements(), sorts=PUBLIC_SORTS, default_size=20)
    return render(request, "sampling/public_list.html", {"announcements": page.rows, "page": page})


@public_view
def announcement(request, pk: int):
    item = get_scoped(Announcement.objects.all(), None, VIEW, pk=pk)
    failures = list(announced_samples(item, Judgement.FAIL))
    page = paginate(request, announced_samples(item, Judgement.PASS), default_size=100)
    return render(
        request,
        "sampling/public_detail.html",
        {
            "announcement": item,
            "failures": failures_with_results(failures),
            "passes": page.rows,
            "page": page,
        },
    )
