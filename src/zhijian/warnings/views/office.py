"""Staff pages: cockpit, signals and their triage, warnings and their distribution, sources, records."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijian.core.access import SystemActor, allows, policy_view
from zhijian.core.errors import FAILED, attempt
from zhijian.core.lists import Sort, paginate, visible_districts
from zhijian.core.params import date_param, int_param, text_param
from zhijian.core.reference import county_units
from zhijian.core.scoping import CHANGE, VIEW, can, get_scoped, restrict
from zhijian.core.uploads import upload_limit

from .. import services
from ..forms import AnswerForm, DismissForm, LoadForm, NoticeForm, RaiseForm
from ..models import Notification, Observation, Recipient, RiskWarning, Signal, Source
from ..queries import cockpit as cockpit_figures
from ..queries import observations_for, signals_for, warnings_for


@policy_view("warnings.view")
def cockpit(request):
    notices = Notification.objects.filter(user=request.user).select_related("warning")[:10]
    return render(
        request,
        "warnings/cockpit.html",
        {"c": cockpit_figures(request.user), "today": timezone.localdate(), "notifications": notices},
    )


SIGNAL_SORTS = {
    "week": Sort("周", ("week", "id")),
    "score": Sort("评分", ("score", "id")),
}
WARNING_SORTS = {"raised_at": Sort("发布时间", ("raised_at", "id"))}
RECORD_SORTS = {"occurred_on": Sort("日期", ("occurred_on", "id"))}


@policy_view("warnings.view")
def signal_list(request):
    state = text_param(request.GET, "state")
    signals = signals_for(request.user)
    if state in Signal.State.values:
        signals = signals.filter(state=state)
    page = paginate(request, signals, sorts=SIGNAL_SORTS, params={"state": state} if state else {})
    return render(
        request,
        "warnings/signal_list.html",
        {"signals": page.rows, "page": page, "state": state, "states": Signal.State.choices},
    )


@policy_view("warnings.view")
def signal_detail(request, pk: int):
    signal = get_scoped(
        Signal.objects.select_related("district", "warning", "merged_into"), request.user, VIEW, pk=pk
    )
    evidence = signal.evidence or {}
    series = list(
        zip(
            evidence.get("periods", []),
            evidence.get("counts", []),
            evidence.get("upperbounds", []),
            strict=False,
        )
    )
    others = signals_for(request.user).filter(state=Signal.State.NEW).exclude(pk=signal.pk)[:50]
    first = signal.observations.first()
    initial = {
        "title": f"{signal.dimensions.get('category') or first.category if first else ''}风险预警",
        "hazard": (first.hazard if first else "") or signal.dimensions.get("hazard", ""),
        "product": (first.product if first else "") or signal.dimensions.get("category", ""),
        "producer": (first.producer if first else "") or signal.dimensions.get("producer", ""),
        "lots": "、".join(sorted({o.lot for o in signal.observations.all() if o.lot})),
        "classification": "follow_up",
        "risk_level": "medium",
    }
    return render(
        request,
        "warnings/signal_detail.html",
        {
            "signal": signal,
            "series": series[-30:],
            "observations": signal.observations.select_related("district")[:200],
            "dismiss_form": DismissForm(),
            "raise_form": RaiseForm(initial=initial),
            "others": others,
            "can_triage": allows(request.user, "warnings.triage") and signal.state == Signal.State.NEW,
        },
    )


def _signal_to_triage(request, pk: int) -> Signal:
    return get_scoped(Signal.objects.all(), request.user, CHANGE, pk=pk)


@require_POST
@policy_view("warnings.triage")
def signal_dismiss(request, pk: int):
    signal = _signal_to_triage(request, pk)
    form = DismissForm(request.POST)
    reason = form.data.get("reason", "")
    attempt(
        request,
        services.dismiss_signal,
        actor=request.user,
        signal=signal,
        reason=reason,
        success="信号已排除",
    )
    return redirect("warnings:signal_detail", pk=pk)


@require_POST
@policy_view("warnings.triage")
def signal_merge(request, pk: int):
    target = _signal_to_triage(request, pk)
    others = list(
        restrict(Signal.objects.all(), request.user, CHANGE).filter(pk__in=request.POST.getlist("others"))
    )
    attempt(
        request,
        services.merge_signals,
        actor=request.user,
        target=target,
        others=others,
        success="信号已合并",
    )
    return redirect("warnings:signal_detail", pk=pk)


@require_POST
@policy_view("warnings.triage")
def signal_raise(request, pk: int):
    signal = _signal_to_triage(request, pk)
    form = RaiseForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        departments = list(data.pop("departments"))
        merged = list(signal.merged.all())
        warning = attempt(
            request,
            services.raise_warning,
            actor=request.user,
            signals=[signal, *merged],
            departments=departments,
            form=form,
            success="预警已发布并分发",
            **data,
        )
        if warning is not FAILED:
            return redirect("warnings:warning_detail", pk=warning.pk)
    return redirect("warnings:signal_detail", pk=pk)


@policy_view("warnings.view")
def warning_list(request):
    state = text_param(request.GET, "state")
    warnings = warnings_for(request.user)
    if state in RiskWarning.State.values:
        warnings = warnings.filter(state=state)
    page = paginate(request, warnings, sorts=WARNING_SORTS, params={"state": state} if state else {})
    return render(
        request,
        "warnings/warning_list.html",
        {"warnings": page.rows, "page": page, "state": state, "states": RiskWarning.State.choices},
    )


@policy_view("warnings.view")
def warning_detail(request, pk: int):
    warning = get_scoped(RiskWarning.objects.all(), request.user, VIEW, pk=pk)
    recipients = list(warning.recipients.select_related("district", "department"))
    for r in recipients:
        r.mine = can(request.user, r, CHANGE) and not allows(request.user, "warnings.triage")
    return render(
        request,
        "warnings/warning_detail.html",
        {
            "warning": warning,
            "recipients": recipients,
            "missing": services.open_items(warning),
            "answer_form": AnswerForm(),
            "notice_form": NoticeForm(initial={"text": warning.consumer_notice}),
            "can_triage": allows(request.user, "warnings.triage"),
            "signals": warning.signals.all(),
        },
    )


@require_POST
@policy_view("warnings.answer")
def recipient_answer(request, pk: int):
    recipient = get_scoped(Recipient.objects.select_related("warning"), request.user, CHANGE, pk=pk)
    attempt(
        request,
        services.answer_warning,
        actor=request.user,
        recipient=recipient,
        findings=request.POST.get("findings", ""),
        measures=request.POST.get("measures", ""),
        success="已反馈",
    )
    return redirect("warnings:warning_detail", pk=recipient.warning_id)


@require_POST
@policy_view("warnings.triage")
def recipient_verify(request, pk: int):
    recipient = get_scoped(Recipient.objects.select_related("warning"), request.user, VIEW, pk=pk)
    attempt(request, services.verify_measures, actor=request.user, recipient=recipient, success="措施已核实")
    return redirect("warnings:warning_detail", pk=recipient.warning_id)


@require_POST
@policy_view("warnings.triage")
def warning_close(request, pk: int):
    warning = get_scoped(RiskWarning.objects.all(), request.user, CHANGE, pk=pk)
    attempt(request, services.close_warning, actor=request.user, warning=warning, success="预警已关闭")
    return redirect("warnings:warning_detail", pk=pk)


@require_POST
@policy_view("warnings.triage")
def warning_notice(request, pk: int):
    warning = get_scoped(RiskWarning.objects.all(), request.user, CHANGE, pk=pk)
    attempt(
        request,
        services.publish_consumer_notice,
        actor=request.user,
        warning=warning,
        text=request.POST.get("text", ""),
        success="消费提示已在门户发布",
    )
    return redirect("warnings:warning_detail", pk=pk)


@policy_view("warnings.view")
def record_list(request):
    records = observations_for(request.user)
    district = int_param(request.GET, "district")
    if district:
        records = records.filter(district_id=district)
    start = date_param(request.GET, "week")
    if start:
        records = records.filter(occurred_on__gte=start, occurred_on__lt=start + dt.timedelta(days=7))
    params = {k: v for k, v in (("district", district), ("week", start)) if v}
    page = paginate(
        request,
        records.select_related("source", "district"),
        sorts=RECORD_SORTS,
        params={k: str(v) for k, v in params.items()},
        bounded_sorts=True,
    )
    return render(
        request,
        "warnings/record_list.html",
        {
            "records": page.rows,
            "page": page,
            "district": district,
            "week": start,
            "districts": visible_districts(request.user, county_units()),
        },
    )


@policy_view("warnings.sources")
def source_list(request):
    sources = Source.objects.all()
    return render(request, "warnings/source_list.html", {"sources": sources, "now": timezone.now()})


@policy_view("warnings.sources")
def source_detail(request, code: str):
    source = get_scoped(Source.objects.all(), request.user, VIEW, code=code)
    return render(
        request,
        "warnings/source_detail.html",
        {
            "source": source,
            "loads": source.loads.all()[:50],
            "load_form": LoadForm(),
            "count": Observation.objects.filter(source=source).count(),
        },
    )


@require_POST
@policy_view("warnings.sources")
@upload_limit("warnings.source_file")
def source_load(request, code: str):
    source = get_scoped(Source.objects.all(), request.user, CHANGE, code=code)
    upload = request.FILES.get("file")
    if upload is None:
        return redirect("warnings:source_detail", code=code)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        report = attempt(
            request,
            services.load_source_file,
            actor=request.user,
            source=source,
            path=path,
            file_name=upload.name,
        )
    if report is not FAILED:
        request.session["warnings_load_report"] = {
            "summary": report.summary() if report.ok else report.unreadable or "文件有错误，未导入任何数据",
            "issues": [[i.row, i.column, i.message] for i in report.issues[:200]],
        }
    return redirect("warnings:source_detail", code=code)


@require_POST
@policy_view("warnings.triage")
def detection_run(request):
    attempt(
        request,
        services.run_detection,
        actor=request.user,
        until=timezone.localdate(),
        weeks=1,
        success="检测完成",
    )
    services.check_stale_sources(actor=SystemActor("warnings:page"))
    return redirect("warnings:signal_list")
