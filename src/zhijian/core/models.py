"""Core data: jurisdictions, departments, users and roles, audit chain, calendar, rules, events, jobs."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Jurisdiction(models.Model):
    """An administrative unit that supervises market entities (辖区).

    The city, its county-level divisions and functional zones with their own sub-bureau (区县(市)局
    and 分局), and the grassroots offices (市场监管所) below them. ``district`` points at the
    county-level unit a row belongs to (itself for a county-level unit), which is what data scoping
    compares.
    """

    class Level(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区县(市)")
        ZONE = "zone", _("功能区")
        OFFICE = "office", _("市场监管所")

    code = models.CharField(_("代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    district = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", help_text=_("所属县级单位")
    )
    division_code = models.CharField(
        _("行政区划代码"), max_length=6, blank=True, help_text=_("GB/T 2260 code of the territory it sits in")
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("辖区")
        verbose_name_plural = _("辖区")

    def __str__(self) -> str:
        return self.name

    @property
    def is_county_level(self) -> bool:
        return self.level in (self.Level.DISTRICT, self.Level.ZONE)


class Department(models.Model):
    """A department (处室) of the city bureau."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("处室")
        verbose_name_plural = _("处室")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a user is to the platform; scoping rules key on it."""

    CITY_ADMIN = "city_admin", _("市局管理员")
    DEPARTMENT = "department", _("市局处室人员")
    DISTRICT = "district", _("区县(市)局人员")
    INSPECTOR = "inspector", _("执法检查人员")
    ENTERPRISE = "enterprise", _("企业用户")
    LAB = "lab", _("检验检测机构人员")


class User(AbstractUser):
    """A person who logs in. Anonymous visitors are the public and need no row."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, null=True, blank=True, verbose_name=_("所属辖区"), related_name="+"
    )
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, verbose_name=_("所属处室"), related_name="+"
    )
    entity_uscc = models.CharField(_("企业统一社会信用代码"), max_length=18, blank=True)
    display_name = models.CharField(_("姓名"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_enterprise_has_uscc",
                condition=~models.Q(role="enterprise") | ~models.Q(entity_uscc=""),
            ),
            models.CheckConstraint(
                name="user_district_roles_have_jurisdiction",
                condition=~models.Q(role__in=["district", "inspector"])
                | models.Q(jurisdiction__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for systems calling the REST API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")


class AuditEntry(models.Model):
    """One change to regulated data, in an append-only hash chain (审计日志).

    ``hash`` covers every other field and the previous entry's hash, so altering, inserting or
    deleting a row breaks the chain where it happened. Database triggers refuse UPDATE and DELETE.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    attachment = models.BinaryField(
        null=True, help_text="the bulk of a bulk change; its SHA-256 is in the hash"
    )

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("审计记录")


class AuditCheckpoint(models.Model):
    """A head of the audit chain (链头): the newest entry's (seq, hash) at one moment, signed.

    ``statement`` is the canonical JSON the signature covers (the head, the previous signed head's
    digest and the commitments archived since); ``signature`` is Ed25519 by a key the database
    does not hold (core/signing.py). Heads are exported and published, so that a rewritten chain
    no longer matches a head an auditor keeps. Database triggers refuse UPDATE and DELETE.
    Rows without a signature are the unsigned checkpoints of earlier versions.
    """

    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)
    statement = models.TextField(blank=True, default="")
    signature = models.CharField(max_length=100, blank=True, default="")
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("审计链头")


class HolidayNotice(models.Model):
    """A year's official holiday arrangement (国务院办公厅关于放假安排的通知), loaded by an administrator."""

    year = models.PositiveSmallIntegerField(unique=True)
    source = models.CharField(_("文号或来源"), max_length=200)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("放假安排通知")


class CalendarDay(models.Model):
    """A day the notice makes different from the plain week: a holiday, or a weekend made a workday."""

    notice = models.ForeignKey(HolidayNotice, models.CASCADE, related_name="days")
    date = models.DateField(unique=True)
    is_workday = models.BooleanField()
    name = models.CharField(max_length=40, blank=True)


class Deadline(models.Model):
    """A time limit counted in working days from a start date, kept so it can be recomputed.

    ``provisional`` is true while the count runs through a year whose holiday notice is not known;
    loading that year's notice recomputes every provisional deadline.
    """

    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=60)
    start = models.DateField()
    working_days = models.PositiveIntegerField()
    due = models.DateField()
    provisional = models.BooleanField(default=False)
    rule = models.ForeignKey("RuleValue", models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id", "kind"], name="deadline_once")
        ]
        indexes = [
            models.Index(fields=["provisional"], condition=models.Q(provisional=True), name="deadline_prov")
        ]


class RuleValue(models.Model):
    """A statutory number (time limit, period, ratio) valid from a date, with its legal source (规则数据)."""

    key = models.CharField(max_length=80)
    value = models.DecimalField(max_digits=14, decimal_places=4)
    unit = models.CharField(
        max_length=20,
        choices=[
            ("working_days", "工作日"),
            ("days", "自然日"),
            ("hours", "小时"),
            ("minutes", "分钟"),
            ("months", "月"),
            ("years", "年"),
            ("ratio", "比例"),
        ],
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    legal_source = models.CharField(max_length=300)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "valid_from"], name="rule_key_from")]
        ordering = ["key", "valid_from"]
        verbose_name = _("规则数据")


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change it reports (transactional outbox)."""

    topic = models.CharField(max_length=80, db_index=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    fanned_out = models.BooleanField(default=False, db_default=False, help_text="its deliveries exist")
    dispatched = models.BooleanField(default=False, db_default=False, help_text="every delivery is done")

    class Meta:
        indexes = [
            models.Index(fields=["id"], condition=models.Q(dispatched=False), name="outbox_pending"),
            models.Index(fields=["id"], condition=models.Q(fanned_out=False), name="outbox_to_fan_out"),
        ]


class EventDelivery(models.Model):
    """The state of one event at one subscriber. ``done`` is set in the handler's own transaction.

    ``dead`` (死信): the delivery failed ``EVENTS_MAX_ATTEMPTS`` times and waits for ``zhijian events
    replay``; it no longer holds anything else up.
    """

    event = models.ForeignKey(OutboxEvent, models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=120)
    done = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True)
    delivered_at = models.DateTimeField(null=True)
    dead = models.BooleanField(default=False)
    dead_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="delivery_once")]
        indexes = [
            models.Index(
                fields=["subscriber", "attempts", "id"],
                condition=models.Q(done=False, dead=False),
                name="delivery_due",
            )
        ]


class Job(models.Model):
    """A background job's progress as the page and the CLI show it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(User, models.CASCADE, null=True, related_name="jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class ScheduledRun(models.Model):
    """One run of a scheduled job (core/schedule.py); the unique slot makes each run happen once."""

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    job = models.CharField(max_length=80)
    slot = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)
    detail = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once")]
        indexes = [models.Index(fields=["job", "-started_at"], name="scheduled_run_latest")]
        verbose_name = _("定时任务运行")
