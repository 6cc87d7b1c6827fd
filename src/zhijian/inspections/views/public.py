"""Public pages (no login): draws with their frozen inputs and lists, published results, and the
firm's verification page reached by its code (URL or QR)."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zhijian.core.access import public_view
from zhijian.core.lists import Sort, paginate
from zhijian.core.scoping import VIEW, get_scoped
from zhijian.registry.models import Entity

from .. import algorithm, queries, snapshot
from ..models import Draw, Inspection
from ..qr import qr_svg
from ..services import legal_basis_text
from ..verification import draw_package

LIST_SHOWN = 2000  # the page's share of a city-scale list; the package holds all of it
DRAWS_SHOWN = 30  # the latest draws; each task's page and its JSON package keep the rest
RESULT_SORTS = {
    "completed_on": Sort("完成日期", ("completed_on",)),
    "published_at": Sort("公示日期", ("published_at",)),
}


@public_view
def index(request):
    text = (request.GET.get("q") or "").strip()[:100]
    page = paginate(
        request,
        queries.public_results(text),
        sorts=RESULT_SORTS,
        params={"q": text},
        bounded_sorts=True,
        default_size=20,
    )
    return render(
        request,
        "inspections/public_index.html",
        {"draws": queries.public_draws()[:DRAWS_SHOWN], "results": page.rows, "page": page, "q": text},
    )


@public_view
def draw_detail(request, pk: int):
    draw = get_scoped(Draw.objects.select_related("task", "task__jurisdiction"), None, VIEW, pk=pk)
    selected: list[tuple[str, str]] = []
    text = (request.GET.get("q") or "").strip()[:100]
    if draw.revealed:
        usccs = sorted(s.uscc for s in snapshot.selected_of(draw.pk))
        if text:
            wanted = set(usccs)
            found = Entity.objects.filter(Q(uscc=text.upper()) | Q(name__contains=text)).values_list(
                "uscc", flat=True
            )
            usccs = sorted(u for u in found[:5000] if u in wanted)
        usccs = usccs[:LIST_SHOWN]
        names = dict(Entity.objects.filter(uscc__in=usccs).values_list("uscc", "name"))
        selected = [(u, names.get(u, "")) for u in usccs]
    return render(
        request,
        "inspections/public_draw.html",
        {
            "draw": draw,
            "task": draw.task,
            "items": draw.task.items.select_related("department"),
            "selected": selected,
            "shown": LIST_SHOWN,
            "q": text,
            "superseded_by": draw.task.draws.filter(number=draw.number + 1).first(),
            "replaces": draw.task.draws.filter(number=draw.number - 1).first(),
            "overdue": draw.status == Draw.Status.COMMITTED and timezone.now() >= draw.beacon_due_at,
            "beacon_template": (
                algorithm.GAMES[draw.beacon_game].template if draw.beacon_game in algorithm.GAMES else ""
            ),
        },
    )


@public_view
def draw_json(request, pk: int):
    draw = get_scoped(Draw.objects.select_related("task", "task__jurisdiction"), None, VIEW, pk=pk)
    response = JsonResponse(draw_package(draw, full=False), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="draw-{draw.task_id}-{draw.number}.json"'
    return response


@public_view
def verify(request):
    code = "".join(ch for ch in (request.GET.get("code") or "").upper() if ch.isalnum())
    if code:
        return redirect("inspections_public:verify_code", code=code)
    return render(request, "inspections/public_verify.html", {})


def _check(code: str) -> Inspection:
    inspection = queries.by_verification_code(code)
    if inspection is None or inspection.status == Inspection.Status.CANCELLED:
        raise Http404
    return inspection


@public_view
def verify_code(request, code: str):
    inspection = _check(code)
    url = request.build_absolute_uri(
        reverse("inspections_public:verify_code", args=[inspection.verification_code])
    )
    return render(
        request,
        "inspections/public_check.html",
        {
            "inspection": inspection,
            "task": inspection.task,
            "members": inspection.members.select_related("inspector"),
            "items": inspection.task.items.select_related("department"),
            "basis": legal_basis_text(inspection.task),
            "url": url,
        },
    )


@public_view
def verify_qr(request, code: str):
    inspection = _check(code)
    url = request.build_absolute_uri(
        reverse("inspections_public:verify_code", args=[inspection.verification_code])
    )
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")
