"""Versions of the credit classification model (分类模型版本): creating and activating them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhijian.core import audit
from zhijian.core.access import allows, is_system

from ..models import (
    ScoringModel,
)
from ..spec import validate_spec
from ._common import CreditError

# ---------------------------------------------------------------------------------------------
# Model versions (分类模型版本)


def _may_manage_models(actor) -> bool:
    return not is_system(actor) and allows(actor, "credit.models")


@transaction.atomic
def create_model_version(
    *, actor, version: str, title: str, spec: dict, valid_from: dt.date, note: str = ""
) -> ScoringModel:
    """Save a new model version (never an edit of an old one: past classifications keep theirs)."""
    if not _may_manage_models(actor):
        raise PermissionDenied("只有市局信用监管处可以维护分类模型")
    version = version.strip()
    if not version or len(version) > 20:
        raise CreditError("bad_version", "请填写不超过20个字符的版本号")
    if ScoringModel.objects.filter(version=version).exists():
        raise CreditError("version_exists", f"版本号“{version}”已存在")
    validate_spec(spec)
    model = ScoringModel.objects.create(
        version=version,
        title=title.strip()[:100] or version,
        spec=spec,
        valid_from=valid_from,
        created_by=actor,
        note=note[:300],
    )
    audit.record(
        actor,
        audit.Change(
            "credit.model_create", "ScoringModel", str(model.pk), None, {"version": version, "spec": spec}
        ),
    )
    return model


@transaction.atomic
def activate_model_version(*, actor, model: ScoringModel) -> ScoringModel:
    """Make ``model`` the one the next classifications use (启用); run a batch to reclass everyone."""
    if not _may_manage_models(actor):
        raise PermissionDenied("只有市局信用监管处可以维护分类模型")
    previous = ScoringModel.objects.select_for_update().filter(active=True).first()
    if previous and previous.pk == model.pk:
        return model
    ScoringModel.objects.filter(active=True).update(active=False)
    ScoringModel.objects.filter(pk=model.pk).update(active=True)
    model.active = True
    audit.record(
        actor,
        audit.Change(
            "credit.model_activate",
            "ScoringModel",
            str(model.pk),
            {"active_version": previous.version if previous else None},
            {"active_version": model.version},
        ),
    )
    return model
