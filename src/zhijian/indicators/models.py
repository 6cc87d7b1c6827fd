"""Plan indicators (规划指标): the versioned catalogue, district targets, values, tasks and evaluation.

A plan document (规划, e.g. seed 001, the 14th five-year plan) has versions (:class:`PlanVersion`): a
revision adds a version with its own rows, never rewriting the old ones. Each catalogue row
(:class:`Indicator`) is one indicator of one version, transcribed from its seed table or sentence.

Values come two ways. A *computed* value (:class:`ComputedValue`) is what an app's Ibis definition
gives for a period and a county-level jurisdiction (or the city); it is recomputed at will. A
*reported* value (:class:`ReportedValue`) is entered by the responsible 处室 or district with
evidence, approved by the department head and then locked; a correction after locking is a new
version that supersedes the old one, which stays.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijian.core.models import Department, Jurisdiction, Role, User
from zhijian.core.scoping import Scope

REPORTERS = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT})


class PlanVersion(models.Model):
    """One version of a plan's indicator set (规划指标版本). A plan revision adds a version."""

    plan = models.CharField(_("规划"), max_length=20, help_text=_("seed id, e.g. s001"))
    title = models.CharField(_("规划名称"), max_length=200)
    number = models.PositiveSmallIntegerField(_("版本号"))
    adopted_on = models.DateField(_("印发日期"))
    source = models.CharField(_("来源"), max_length=200)
    note = models.CharField(_("修订说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once")]
        verbose_name = _("规划版本")

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）"


class Direction(models.TextChoices):
    UP = "up", _("越高越好")
    DOWN = "down", _("越低越好")


class Indicator(models.Model):
    """One indicator of a plan version (规划指标), exactly as its seed states it.

    ``*_text`` fields keep the seed's wording (traditional characters in seed 001); the ``*_value``
    fields are the numbers read from them; ``bound`` is the seed's 以上/以内/不低于/超过/不少于.
    ``seed``, ``table`` and ``row`` say where it comes from (``table`` is 表1-1, 表2-1, 总体目标,
    附件1 …; ``part`` separates two indicators sharing a row or a sentence).
    """

    version = models.ForeignKey(PlanVersion, models.PROTECT, related_name="indicators")
    code = models.CharField(_("指标代码"), max_length=20)
    name = models.CharField(_("指标名称"), max_length=120)
    source_text = models.CharField(_("原文"), max_length=300)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    group = models.CharField(_("一级指标"), max_length=30, blank=True)
    seed = models.CharField(_("来源文件"), max_length=3)
    table = models.CharField(_("表"), max_length=20)
    row = models.CharField(_("序号"), max_length=10)
    part = models.CharField(max_length=2, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基期年"), null=True, blank=True)
    baseline_text = models.CharField(_("基期值原文"), max_length=60, blank=True)
    baseline_value = models.DecimalField(_("基期值"), max_digits=16, decimal_places=4, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("目标年"))
    target_text = models.CharField(_("目标值原文"), max_length=100, blank=True)
    target_value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4, null=True, blank=True)
    bound = models.CharField(_("约束方式"), max_length=6, blank=True)
    direction = models.CharField(_("方向"), max_length=4, choices=Direction.choices, default=Direction.UP)
    attribute = models.CharField(_("指标属性"), max_length=4, blank=True, help_text="约束性 / 预期性")
    actual_text = models.CharField(_("实际值原文"), max_length=60, blank=True)
    actual_value = models.DecimalField(_("实际值"), max_digits=16, decimal_places=4, null=True, blank=True)
    evaluation = models.CharField(_("综合评价"), max_length=4, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("责任处室")
    )
    computed_by = models.CharField(_("计算应用"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version__plan", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="indicator_once_per_version")]
        verbose_name = _("规划指标")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class DistrictTarget(models.Model):
    """An indicator's target decomposed to a county-level unit (目标分解), e.g. seed 002 附件1."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="district_targets")
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    target_value = models.DecimalField(max_digits=16, decimal_places=4)
    source_label = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "jurisdiction"], name="district_target_once")
        ]


def _public_city_rows() -> Q:
    return Q(jurisdiction__level="city")


class ComputedValue(models.Model):
    """The value of a computed indicator for a period and a jurisdiction (计算值), from the records.

    ``value = numerator × scale ÷ denominator`` (÷ 1 when there is no denominator), annualised when
    the definition says so. City rows are open data; district rows are scoped to their district.
    """

    code = models.CharField(max_length=20)
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField(null=True)
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    computed_at = models.DateTimeField()

    scope = Scope(district_field="jurisdiction__district_id", public=_public_city_rows())

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "jurisdiction", "period_start", "period_end"], name="computed_value_once"
            )
        ]
        indexes = [models.Index(fields=["code", "period_end"])]


class ValueStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    LOCKED = "locked", _("已审核锁定")
    REJECTED = "rejected", _("已退回")
    SUPERSEDED = "superseded", _("已更正（旧版本）")


class ReportedValue(models.Model):
    """A value reported by the responsible 处室 or district (填报值), with evidence, approved, locked.

    Versions of one (indicator, jurisdiction, period) form a chain: a correction after locking is a new
    row with ``version`` + 1 and ``supersedes`` the locked one, which becomes SUPERSEDED once the
    correction is approved. Locked rows never change their value.
    """

    code = models.CharField(_("指标代码"), max_length=20)
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("填报单位")
    )
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4)
    status = models.CharField(
        _("状态"), max_length=12, choices=ValueStatus.choices, default=ValueStatus.SUBMITTED
    )
    evidence_note = models.CharField(_("佐证说明"), max_length=500)
    evidence_file = models.FileField(upload_to="indicators/evidence/%Y/%m/", blank=True)
    reason = models.CharField(_("更正原因"), max_length=300, blank=True)
    miss_reason = models.CharField(_("未完成原因"), max_length=300, blank=True)
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    reported_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    scope = Scope(
        district_field="jurisdiction__district_id",
        public=Q(status=ValueStatus.LOCKED) & _public_city_rows(),
        change_roles=REPORTERS,
    )

    class Meta:
        ordering = ["code", "-period_end", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "jurisdiction", "period_start", "period_end", "version"],
                name="reported_value_version_once",
            )
        ]
        permissions = [("approve_reportedvalue", "审核锁定填报值（处室负责人）")]
        verbose_name = _("填报值")

    def __str__(self) -> str:
        return f"{self.code} {self.period_start}–{self.period_end} v{self.version}"

    @property
    def locked(self) -> bool:
        return self.status in (ValueStatus.LOCKED, ValueStatus.SUPERSEDED)


class PlanTask(models.Model):
    """A row of a plan's task-decomposition table (任务分解): major task × measure × work content."""

    version = models.ForeignKey(PlanVersion, models.PROTECT, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("序号"))
    major_task = models.CharField(_("主要任务"), max_length=60)
    measure = models.CharField(_("重要举措"), max_length=60)
    content = models.TextField(_("工作内容"))
    responsible = models.CharField(_("责任处室（原文）"), max_length=120)
    departments = models.ManyToManyField(Department, related_name="+", verbose_name=_("责任处室"))
    districts = models.ManyToManyField(Jurisdiction, blank=True, related_name="+", verbose_name=_("责任区县"))
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "sort_order"]
        verbose_name = _("规划任务")

    def __str__(self) -> str:
        return f"{self.number}. {self.major_task}／{self.measure}"


class Milestone(models.Model):
    """A dated step of a plan task (节点) with its owner; overdue when past due and not done."""

    task = models.ForeignKey(PlanTask, models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+")
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]


class ProgressReport(models.Model):
    """A progress report on a plan task (进展报告) with its evidence."""

    task = models.ForeignKey(PlanTask, models.CASCADE, related_name="reports")
    milestone = models.ForeignKey(Milestone, models.SET_NULL, null=True, blank=True, related_name="reports")
    text = models.TextField(_("进展情况"))
    evidence_note = models.CharField(_("佐证材料"), max_length=300, blank=True)
    evidence_file = models.FileField(upload_to="indicators/progress/%Y/%m/", blank=True)
    reported_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at"]
