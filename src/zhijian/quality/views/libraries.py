"""The three cultivation libraries (三库): entries by stage, nomination, coaching, evidence, awards."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhijian.core.access import allows, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import filters_of, paginate
from zhijian.core.params import text_param
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped
from zhijian.core.uploads import upload_limit

from .. import services
from ..forms import AwardForm, CoachingForm, EvidenceForm, NominateForm, StageForm
from ..models import CultivationEntry, Library, Stage
from ..queries import library_counts, library_entries, library_indicators
from ..services.common import today
from . import run_form


@policy_view("quality.view")
def library_list(request):
    library, stage = text_param(request.GET, "library"), text_param(request.GET, "stage")
    rows = library_entries(
        request.user, library if library in Library.values else "", stage if stage in Stage.values else ""
    )
    form = NominateForm(request.POST or None) if allows(request.user, "quality.library.nominate") else None
    if request.method == "POST" and form is not None:
        done = run_form(
            request, form, services.nominate_firm, success="已推荐入库", redirect_to="quality:library_list"
        )
        if done:
            return done
    year = today().year
    import datetime as dt

    return render(
        request,
        "quality/library_list.html",
        {
            "page": paginate(request, rows, params=filters_of(request, "library", "stage")),
            "counts": library_counts(request.user),
            "libraries": Library.choices,
            "stages": Stage.choices,
            "form": form,
            "indicators": library_indicators(dt.date(year - 4, 1, 1), dt.date(year, 12, 31)),
        },
    )


def _entry(request, pk: int) -> CultivationEntry:
    return get_scoped(CultivationEntry.objects.select_related("jurisdiction"), request.user, VIEW, pk=pk)


@policy_view("quality.view")
def library_entry(request, pk: int):
    return _entry_page(request, pk)


def _entry_page(request, pk: int, *, status: int = 200, **bound):
    """A library entry with its record forms; ``bound`` is a refused one, shown as typed."""
    entry = _entry(request, pk)
    may_record = allows(request.user, "quality.library.record") and can(request.user, entry, CHANGE)
    may_advance = allows(request.user, "quality.library.advance")
    return render(
        request,
        "quality/library_entry.html",
        {
            "entry": entry,
            "coaching": entry.coaching.all(),
            "evidence": entry.evidence.all(),
            "awards": entry.awards.all(),
            "coaching_form": CoachingForm() if may_record else None,
            "evidence_form": EvidenceForm() if may_record else None,
            "award_form": AwardForm(initial={"year": today().year}) if may_advance else None,
            "stage_form": StageForm() if may_advance and entry.stage in ("candidate", "coached") else None,
            **bound,
        },
        status=status,
    )


ENTRY_FORMS = {
    CoachingForm: "coaching_form",
    EvidenceForm: "evidence_form",
    AwardForm: "award_form",
    StageForm: "stage_form",
}


def _post(request, pk, form_class, operation, success):
    """One record on a library entry; a refused one re-renders the entry with its form as typed."""
    entry = _entry(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if "file" in data:
            data["upload"] = data.pop("file")
        done = attempt(
            request, operation, actor=request.user, entry=entry, form=form, success=success, **data
        )
        if done is not FAILED:
            return redirect("quality:library_entry", pk=pk)
    return _entry_page(request, pk, status=400, **{ENTRY_FORMS[form_class]: form})


@require_POST
@policy_view("quality.library.record")
def library_coaching(request, pk: int):
    return _post(request, pk, CoachingForm, services.add_coaching, "已登记辅导记录")


@upload_limit("default")  # 20 MB, as the service checks
@require_POST
@policy_view("quality.library.record")
def library_evidence(request, pk: int):
    return _post(request, pk, EvidenceForm, services.add_evidence, "已添加证明材料")


@require_POST
@policy_view("quality.library.advance")
def library_award(request, pk: int):
    return _post(request, pk, AwardForm, services.record_award, "已登记获奖记录")


@require_POST
@policy_view("quality.library.advance")
def library_stage(request, pk: int):
    return _post(request, pk, StageForm, services.advance_stage, "已调整培育阶段")
