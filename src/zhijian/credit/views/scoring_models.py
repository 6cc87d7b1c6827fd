"""Model versions (分类模型): an administrator derives a new version with changed numbers and activates it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_http_methods, require_POST

from zhijian.core.access import policy_view

from .. import services
from ..classify import active_model
from ..models import ScoringModel
from ..spec import SpecError, indicators, with_changes


@policy_view("credit.models")
def model_list(request):
    return render(
        request,
        "credit/models.html",
        {"models": ScoringModel.objects.all(), "active": ScoringModel.objects.filter(active=True).first()},
    )


def _int_field(post, name: str, default: int) -> int:
    raw = (post.get(name) or "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SpecError(f"“{raw}”不是整数") from None


@policy_view("credit.models")
@require_http_methods(["GET", "POST"])
def model_new(request):
    base = active_model()
    if request.method == "POST":
        try:
            pairs = indicators(base.spec)
            spec = with_changes(
                base.spec,
                points={
                    ind["code"]: _int_field(request.POST, f"points_{ind['code']}", ind["points"])
                    for _, ind in pairs
                },
                caps={
                    ind["code"]: _int_field(request.POST, f"cap_{ind['code']}", ind["cap"])
                    for _, ind in pairs
                    if "cap" in ind
                },
                weights={
                    g["code"]: _int_field(request.POST, f"weight_{g['code']}", g["weight"])
                    for g in base.spec["groups"]
                },
                thresholds={
                    c: _int_field(request.POST, f"threshold_{c}", base.spec["thresholds"][c])
                    for c in ("B", "C", "D")
                },
            )
            valid_from = parse_date(request.POST.get("valid_from") or "")
            if valid_from is None:
                raise SpecError("请填写启用日期")
            model = services.create_model_version(
                actor=request.user,
                version=request.POST.get("version", ""),
                title=request.POST.get("title", ""),
                spec=spec,
                valid_from=valid_from,
                note=request.POST.get("note", ""),
            )
        except (SpecError, services.CreditError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已保存模型版本 {model.version}（未启用）")
            return redirect("credit:models")
    return render(request, "credit/model_new.html", {"base": base, "pairs": indicators(base.spec)})


@policy_view("credit.models")
@require_POST
def model_activate(request, pk: int):
    model = get_object_or_404(ScoringModel, pk=pk)
    services.activate_model_version(actor=request.user, model=model)
    messages.success(request, f"已启用模型版本 {model.version}；请运行全量分类使其生效，历史分类结果保持不变")
    return redirect("credit:models")
