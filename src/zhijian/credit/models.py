"""Credit supervision (信用监管): credit records, risk classes, lists and credit repair."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhijian.core.scoping import Scope


class CreditClass(models.TextChoices):
    """The four credit-risk classes (信用风险分类, 国市监信发〔2022〕6号)."""

    A = "A", _("信用风险低")
    B = "B", _("一般")
    C = "C", _("较高")
    D = "D", _("高")


class ScoringModel(models.Model):
    """A version of the credit-risk classification model (信用风险分类模型).

    Indicator groups, weights and class thresholds are data (``spec``); a version is never edited
    once it has classified anything, so past classifications keep the model they were made with.
    """

    version = models.CharField(_("版本"), max_length=20, unique=True)
    title = models.CharField(_("名称"), max_length=100)
    spec = models.JSONField(_("指标、权重与阈值"))
    valid_from = models.DateField(_("启用日期"))
    active = models.BooleanField(_("当前启用"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("core.User", models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("信用风险分类模型")
        verbose_name_plural = _("信用风险分类模型")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="scoring_model_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"


class CreditStanding(models.Model):
    """An entity's current credit-risk class (当前信用风险分类); no row means not yet classified.

    The one source of "current class": the batch rescoring writes it set-based, and the history of
    classes lives in :class:`ClassHistory`.
    """

    entity = models.OneToOneField(
        "registry.Entity", models.CASCADE, primary_key=True, related_name="credit_standing"
    )
    credit_class = models.CharField(_("信用风险分类"), max_length=1, choices=CreditClass.choices)
    score = models.DecimalField(_("风险分值"), max_digits=7, decimal_places=2)
    model_version = models.ForeignKey(
        ScoringModel, models.PROTECT, related_name="+", verbose_name=_("模型版本")
    )
    classified_at = models.DateTimeField(_("分类时间"))

    scope = Scope(district_field="entity__jurisdiction_id", uscc_field="entity__uscc", public=None)

    class Meta:
        verbose_name = _("信用风险分类")
        verbose_name_plural = _("信用风险分类")
        indexes = [models.Index(fields=["credit_class"], name="credit_standing_class")]

    def __str__(self) -> str:
        return f"{self.entity_id}: {self.credit_class}"
