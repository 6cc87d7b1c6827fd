"""Data of the food-safety risk early-warning platform (食品安全风险分析预警平台).

Three parts, as seed 000 names them: sources (大数据信息源管理: ``Source``, ``SourceLoad``,
``Observation``), analysis (预警分析管理: ``Signal``) and distribution (预警分布管理:
``RiskWarning``, ``Recipient``, ``Notification``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhijian.core.models import Department, Jurisdiction
from zhijian.core.roles import CITY_WIDE, DISTRICT
from zhijian.core.scoping import Scope, user_district_id

CITY_ONLY = Scope(district_field="district_id", change_roles=CITY_WIDE)


class Source(models.Model):
    """A data source (信息源): the platform's own event stream or an outside feed loaded as files."""

    class Kind(models.TextChoices):
        OWN = "own", "平台自有（事件）"
        OUTSIDE = "outside", "外部数据（文件/接口）"

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=80)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    owner = models.CharField("责任单位", max_length=60)
    columns = models.JSONField("数据结构（列）", default=list)
    cadence_days = models.PositiveIntegerField("预期更新周期（天）")
    freshness_days = models.PositiveIntegerField("时效上限（天）")
    last_data_at = models.DateTimeField("最近数据时间", null=True, blank=True)
    stale_since = models.DateTimeField("超时告警时间", null=True, blank=True)
    last_error = models.CharField("最近一次失败", max_length=300, blank=True)
    district = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+")

    scope = CITY_ONLY

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SourceLoad(models.Model):
    """One file loaded into an outside source, kept with its lineage (来源、校验和、行数、操作人)."""

    source = models.ForeignKey(Source, models.PROTECT, related_name="loads")
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.CharField(max_length=80)
    district = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+")

    scope = CITY_ONLY

    class Meta:
        ordering = ["-loaded_at"]
        constraints = [models.UniqueConstraint(fields=["source", "sha256"], name="warnings_load_once")]


class Channel(models.TextChoices):
    PRODUCTION = "production", "生产"
    CIRCULATION = "circulation", "流通"
    CATERING = "catering", "餐饮"
    ONLINE = "online", "网络"


class Observation(models.Model):
    """One record behind a series (检测结果、投诉举报、病例、舆情…), with where it came from.

    ``tested`` and ``failed`` carry a rate's denominator and numerator (a sampling result: 1 test,
    0 or 1 failure); a count source (complaints, illness cases) records ``count``.
    """

    source = models.ForeignKey(Source, models.PROTECT, related_name="observations")
    load = models.ForeignKey(SourceLoad, models.PROTECT, null=True, blank=True, related_name="observations")
    reference = models.CharField("原始记录号", max_length=80)
    occurred_on = models.DateField("日期", db_index=True)
    district = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+")
    category = models.CharField("食品类别", max_length=60, blank=True)
    hazard = models.CharField("危害因素（检验项目）", max_length=60, blank=True)
    channel = models.CharField("环节", max_length=12, choices=Channel.choices, blank=True)
    producer = models.CharField("生产者", max_length=120, blank=True)
    product = models.CharField("产品", max_length=120, blank=True)
    lot = models.CharField("批次", max_length=60, blank=True)
    count = models.PositiveIntegerField(default=1)
    tested = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    scope = Scope(district_field="district_id")

    class Meta:
        ordering = ["-occurred_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "reference"], name="warnings_observation_once")
        ]


class Signal(models.Model):
    """An alarm of a detector or a rule, with its evidence and score (预警信号), awaiting triage."""

    class State(models.TextChoices):
        NEW = "new", "待研判"
        DISMISSED = "dismissed", "已排除"
        MERGED = "merged", "已合并"
        RAISED = "raised", "已发布预警"

    method = models.CharField("检测方法", max_length=30)
    series_key = models.CharField("序列", max_length=200)
    dimensions = models.JSONField(default=dict)
    week = models.DateField("周（周一）")
    observed = models.FloatField()
    upperbound = models.FloatField(null=True)
    expected = models.FloatField(null=True)
    score = models.FloatField("评分")
    evidence = models.JSONField(default=dict)  # the series and thresholds the alarm came from
    observations = models.ManyToManyField(Observation, related_name="signals")
    district = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.CharField(max_length=80, blank=True)
    dismiss_reason = models.CharField("排除理由", max_length=300, blank=True)
    merged_into = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="merged")
    warning = models.ForeignKey("RiskWarning", models.PROTECT, null=True, blank=True, related_name="signals")

    scope = CITY_ONLY

    class Meta:
        ordering = ["-week", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["method", "series_key", "week"], name="warnings_signal_once")
        ]


class RiskWarning(models.Model):
    """A risk warning (风险预警) raised from signals and distributed to districts and departments."""

    class Classification(models.TextChoices):
        ALERT = "alert", "警示"
        FOLLOW_UP = "follow_up", "需跟进"
        ATTENTION = "attention", "供关注"

    class Level(models.TextChoices):
        HIGH = "high", "高"
        MEDIUM = "medium", "中"
        LOW = "low", "低"

    class State(models.TextChoices):
        OPEN = "open", "处置中"
        CLOSED = "closed", "已关闭"

    number = models.CharField("编号", max_length=20, unique=True)
    title = models.CharField("标题", max_length=120)
    classification = models.CharField("类别", max_length=10, choices=Classification.choices)
    risk_level = models.CharField("风险等级", max_length=10, choices=Level.choices)
    hazard = models.CharField("危害因素", max_length=60)
    product = models.CharField("产品", max_length=120)
    producer = models.CharField("生产者", max_length=120, blank=True)
    lots = models.CharField("批次", max_length=200, blank=True)
    description = models.TextField("情况说明", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    raised_at = models.DateTimeField()
    raised_by = models.CharField(max_length=80)
    closed_at = models.DateTimeField(null=True, blank=True)
    consumer_notice = models.TextField("消费提示", blank=True)
    notice_published_at = models.DateTimeField(null=True, blank=True)

    scope = Scope(
        district_field="recipients__district_id",
        change_roles=CITY_WIDE,
        public=Q(notice_published_at__isnull=False),
        role_filters={DISTRICT: lambda user: Q(recipients__district_id=user_district_id(user))},
    )

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Recipient(models.Model):
    """A district bureau or city department a warning was sent to, and its answer (反馈)."""

    warning = models.ForeignKey(RiskWarning, models.CASCADE, related_name="recipients")
    district = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+")
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField("分发依据", max_length=200)
    must_follow_up = models.BooleanField("须反馈", default=True)
    due_at = models.DateTimeField("反馈期限")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=80, blank=True)
    findings = models.TextField("核查情况", blank=True)
    measures = models.TextField("处置措施", blank=True)
    verified_at = models.DateTimeField("措施核实时间", null=True, blank=True)

    scope = Scope(district_field="district_id", change_roles=CITY_WIDE | {DISTRICT})

    class Meta:
        ordering = ["warning", "id"]

    @property
    def name(self) -> str:
        return self.district.name if self.district_id else self.department.name

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_at is None:
            return None
        return self.answered_at <= self.due_at


class Notification(models.Model):
    """A message in the platform to one user about a warning (站内通知); mail and SMS go alongside."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    warning = models.ForeignKey(RiskWarning, models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
