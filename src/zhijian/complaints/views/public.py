"""Public pages, no login: filing (登记), following a case by its code (查询), the firm disclosure (公示).

Nothing personal is shown here: the tracking page names the case's status and steps only, the
disclosure counts and outcomes per firm.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from zhijian.core.access import public_view
from zhijian.core.params import text_param
from zhijian.core.reference import county_units
from zhijian.registry.queries import EntityFilter, search_entities

from .. import queries
from ..forms import case_in_from, check_challenge, new_challenge, new_idempotency_key, throttled
from ..models import Case, Category, Channel, Kind
from ..services import ComplaintsError
from ..services._base import ACTOR_PUBLIC
from ..services.intake import file_case


def _options(choices, chosen: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of a select's options, worked out here: the template's per-option
    lookups and lazy labels were most of the cost of rendering the form."""
    return [(value, str(label), value == chosen) for value, label in choices]


def _form_context(post=None, errors=None, status_message=""):
    question, token = new_challenge()
    post = post or {}
    return {
        "post": post,
        "errors": errors or {},
        "message": status_message,
        "question": question,
        "challenge": token,
        "idempotency_key": post.get("idempotency_key") or new_idempotency_key(),
        "kinds": _options(Kind.choices, post.get("kind", "")),
        "categories": _options(Category.choices, post.get("category", "")),
        "places": _options(county_units().values_list("code", "name"), post.get("place", "")),
    }


@public_view
@require_http_methods(["GET", "POST"])
def file(request):
    """The public filing form: phone-friendly, no login; a verification question, a rate limit and an
    idempotency key (a double submit shows the first filing's code and files nothing more)."""
    if request.method == "GET":
        return render(request, "complaints/public_file.html", _form_context())
    post = request.POST
    if throttled(request, "file"):
        return render(
            request,
            "complaints/public_file.html",
            _form_context(post, status_message="提交过于频繁，请一分钟后再试"),
            status=429,
        )
    problem = check_challenge(post.get("challenge", ""), post.get("answer", ""))
    if problem:
        return render(
            request,
            "complaints/public_file.html",
            _form_context(post, {"answer": problem}, problem),
            status=400,
        )
    key = post.get("idempotency_key", "")[:64] or None
    try:
        case, created = file_case(
            actor=ACTOR_PUBLIC, data=case_in_from(post), channel=Channel.WEB, idempotency_key=key
        )
    except ComplaintsError as exc:
        return render(
            request, "complaints/public_file.html", _form_context(post, exc.fields, exc.message), status=400
        )
    return render(request, "complaints/public_filed.html", {"case": case, "created": created})


@public_view
@require_http_methods(["GET", "POST"])
def track(request):
    """Follow a case by its tracking code and the last four digits of the phone (查询办理进度)."""
    context: dict = {"code": request.POST.get("code", request.GET.get("code", "")).strip().upper()}
    if request.method == "POST":
        if throttled(request, "track"):
            context["error"] = "查询过于频繁，请一分钟后再试"
            return render(request, "complaints/public_track.html", context, status=429)
        phone4 = request.POST.get("phone4", "").strip()
        case = Case.objects.filter(code=context["code"]).first() if context["code"] else None
        if case is None or case.anonymous or len(phone4) != 4 or not case.person_phone.endswith(phone4):
            context["error"] = "查询码或手机号后四位不正确"
            return render(request, "complaints/public_track.html", context, status=404)
        context["case"] = case
        context["steps"] = case.steps.filter(public=True)
    return render(request, "complaints/public_track.html", context)


@public_view
def respondent_lookup(request):
    """Name-fragment or USCC search of the public register for the form's respondent field (JSON)."""
    q = text_param(request.GET, "q", max_length=40)
    if len(q) < 2:
        return JsonResponse({"items": []})
    rows = search_entities(None, EntityFilter.from_params({"q": q}), public=True, need=10)[:10]
    return JsonResponse(
        {"items": [{"uscc": e.uscc, "name": e.name, "jurisdiction": e.jurisdiction.short_name} for e in rows]}
    )


@public_view
def disclosure(request):
    q = text_param(request.GET, "q", max_length=40)
    return render(request, "complaints/public_disclosure.html", {"q": q, "firms": queries.disclosure_list(q)})


@public_view
def disclosure_firm(request, uscc: str):
    found = queries.disclosure_of(uscc.upper())
    if found is None:
        raise Http404
    return render(request, "complaints/public_disclosure_firm.html", {"firm": found})
