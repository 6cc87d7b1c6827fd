"""Credit supervision (信用监管): credit records, risk classes, lists and credit repair."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijian.core.scoping import Scope

# Who changes credit data: the city bureau (信用监管处) and the district bureaus, never inspectors.
CREDIT_WRITERS = frozenset({"city_admin", "department", "district"})


class CreditClass(models.TextChoices):
    """The four credit-risk classes (信用风险分类, 国市监信发〔2022〕6号)."""

    A = "A", _("信用风险低")
    B = "B", _("一般")
    C = "C", _("较高")
    D = "D", _("高")


class ScoringModel(models.Model):
    """A version of the credit-risk classification model (信用风险分类模型).

    Indicator groups, weights and class thresholds are data (``spec``, see ``credit.spec``); a
    version is never edited once saved, so past classifications keep the model they were made with.
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


class FactorFields(models.Model):
    """The three main contributing factors of a classification (主要影响因素), by indicator code."""

    factor_1 = models.CharField(max_length=40, blank=True)
    factor_1_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    factor_2 = models.CharField(max_length=40, blank=True)
    factor_2_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    factor_3 = models.CharField(max_length=40, blank=True)
    factor_3_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        abstract = True

    def factors(self) -> list[tuple[str, str, object]]:
        """(indicator code, label in the model version that classified, points), strongest first."""
        from .spec import indicator_labels

        labels = indicator_labels(self.model_version.spec)  # type: ignore[attr-defined]
        return [
            (code, labels.get(code, code), points)
            for code, points in (
                (self.factor_1, self.factor_1_points),
                (self.factor_2, self.factor_2_points),
                (self.factor_3, self.factor_3_points),
            )
            if code
        ]


class CreditStanding(FactorFields):
    """An entity's current credit-risk class (当前信用风险分类); no row means not yet classified.

    The one source of "current class": the batch rescoring writes it set-based, and the history of
    classes lives in :class:`Classification`.
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


class ScoringRun(models.Model):
    """One batch classification of the whole population (全量信用风险分类批次)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    model_version = models.ForeignKey(ScoringModel, models.PROTECT, related_name="runs")
    engine = models.CharField(max_length=10)
    as_of = models.DateField(_("分类基准日"))
    actor = models.ForeignKey("core.User", models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    entities = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    class_counts = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("分类批次")


class Trigger(models.TextChoices):
    BATCH = "batch", _("全量分类")
    RECORD = "record", _("新增信用记录")
    REPAIR = "repair", _("信用修复")
    LIST = "list", _("名录变化")
    MANUAL = "manual", _("人工触发")


class Classification(FactorFields):
    """A past classification of an entity (信用风险分类历史): the standing it had until ``superseded_at``.

    When an entity's class, score, model version or main factors change, its current standing is
    archived here before being replaced, so the class history is these rows plus the current
    standing; rows are never rewritten, also not when the model changes.
    """

    entity = models.ForeignKey("registry.Entity", models.CASCADE, related_name="credit_classifications")
    credit_class = models.CharField(_("信用风险分类"), max_length=1, choices=CreditClass.choices)
    score = models.DecimalField(_("风险分值"), max_digits=7, decimal_places=2)
    model_version = models.ForeignKey(ScoringModel, models.PROTECT, related_name="+")
    classified_at = models.DateTimeField(_("分类时间"))
    superseded_at = models.DateTimeField(_("被取代时间"))

    scope = Scope(district_field="entity__jurisdiction_id", uscc_field="entity__uscc", public=None)

    class Meta:
        verbose_name = _("信用风险分类历史")
        indexes = [models.Index(fields=["entity", "-classified_at"], name="credit_class_hist")]


class RecordKind(models.TextChoices):
    """Kinds of credit information (信用信息) the platform collects."""

    PENALTY = "penalty", _("行政处罚")
    SPOT_CHECK = "spot_check", _("抽查检查结果")
    SAMPLE_FAILED = "sample_failed", _("抽检不合格")
    COMPLAINT = "complaint", _("投诉举报")
    ANNUAL_REPORT = "annual_report", _("年度报告")
    LICENCE = "licence", _("行政许可")
    HONOUR = "honour", _("荣誉表彰")


class Severity(models.TextChoices):
    INFO = "info", _("一般信息")
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class PenaltyMeasure(models.TextChoices):
    """Kinds of administrative penalty (行政处罚种类, 行政处罚法 Art 9)."""

    WARNING = "warning", _("警告")
    CRITICISM = "criticism", _("通报批评")
    SMALL_FINE = "small_fine", _("较低数额罚款")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得、没收非法财物")
    LICENCE_SUSPENDED = "licence_suspended", _("暂扣许可证件")
    DOWNGRADE = "downgrade", _("降低资质等级")
    LICENCE_REVOKED = "licence_revoked", _("吊销许可证件")
    RESTRICTED = "restricted", _("限制开展生产经营活动")
    SUSPENSION = "suspension", _("责令停产停业")
    SHUTDOWN = "shutdown", _("责令关闭")
    PRACTICE_BAN = "practice_ban", _("限制从业")
    BUSINESS_LICENCE_REVOKED = "bl_revoked", _("吊销营业执照")


# Penalties that only warn, criticise or fine a small amount: publicity ends after the short period
# (Order 45 Art 13) and they are outside early-end repair (国市监信规〔2021〕3号 Art 6).
LIGHT_MEASURES = frozenset({PenaltyMeasure.WARNING, PenaltyMeasure.CRITICISM, PenaltyMeasure.SMALL_FINE})
# Penalties whose publicity may not end early (Order 45 Art 13 ¶3, Art 14; 国市监信规〔2021〕3号 Art 6).
NO_EARLY_END_MEASURES = frozenset(
    {
        PenaltyMeasure.SUSPENSION,
        PenaltyMeasure.RESTRICTED,
        PenaltyMeasure.PRACTICE_BAN,
        PenaltyMeasure.DOWNGRADE,
        PenaltyMeasure.LICENCE_REVOKED,
        PenaltyMeasure.BUSINESS_LICENCE_REVOKED,
        PenaltyMeasure.SHUTDOWN,
    }
)


class Sector(models.TextChoices):
    GENERAL = "general", _("一般领域")
    FOOD = "food", _("食品")
    DRUG = "drug", _("药品")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")


class Publicity(models.TextChoices):
    """Where a record stands in its publicity (公示) life."""

    NOT_PUBLIC = "not_public", _("不公示")
    PENDING = "pending", _("待公示")
    PUBLISHED = "published", _("公示中")
    EXPIRED = "expired", _("公示期满")
    ENDED_EARLY = "ended_early", _("已提前停止公示")
    WITHDRAWN = "withdrawn", _("已撤下")


class CreditRecord(models.Model):
    """One piece of credit information about an entity (信用记录).

    Arrives from other domains as events (spot-check results, failed samples, penalties, complaints)
    or by import. ``source_ref`` identifies the origin (e.g. ``inspections.inspection:12``) so that an
    event offered twice records once.
    """

    entity = models.ForeignKey("registry.Entity", models.CASCADE, related_name="credit_records")
    kind = models.CharField(_("类别"), max_length=16, choices=RecordKind.choices)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    title = models.CharField(_("事由"), max_length=200)
    violation_type = models.CharField(_("违法行为类型"), max_length=100, blank=True)
    decision_no = models.CharField(_("决定书文号"), max_length=80, blank=True)
    authority = models.CharField(_("作出机关"), max_length=100, blank=True)
    occurred_on = models.DateField(_("决定（发生）日期"))
    legal_basis = models.CharField(_("依据"), max_length=300, blank=True)
    measures = models.JSONField(_("处罚种类"), default=list, blank=True)
    fine_amount = models.DecimalField(
        _("罚没金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    sector = models.CharField(_("领域"), max_length=20, choices=Sector.choices, default=Sector.GENERAL)
    source = models.CharField(_("来源"), max_length=40)
    source_ref = models.CharField(max_length=80, blank=True)
    public = models.BooleanField(_("是否公示"))
    publicity = models.CharField(_("公示状态"), max_length=12, choices=Publicity.choices)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    publicity_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    publicity_ended_on = models.DateField(_("停止公示日期"), null=True, blank=True)
    fulfilled_on = models.DateField(_("履行完毕日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤销日期"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    repaired_on = models.DateField(_("信用修复日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey("core.User", models.PROTECT, null=True, blank=True, related_name="+")

    scope = Scope(
        district_field="entity__jurisdiction_id",
        uscc_field="entity__uscc",
        public=Q(publicity=Publicity.PUBLISHED),
        change_roles=CREDIT_WRITERS,
    )

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["entity", "occurred_on"], name="credit_record_entity"),
            models.Index(fields=["publicity", "publicity_until"], name="credit_record_publicity"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_ref"], condition=~Q(source_ref=""), name="credit_record_source_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def measure_labels(self) -> list[str]:
        labels = dict(PenaltyMeasure.choices)
        return [str(labels.get(m, m)) for m in self.measures]


class CreditList(models.TextChoices):
    ABNORMAL = "abnormal", _("经营异常名录")
    SERIOUS = "serious", _("严重违法失信名单")
    RED = "red", _("守信激励名单")


class ListGround(models.TextChoices):
    """Why an entity is on a list (列入事由)."""

    # 企业经营异常名录管理暂行办法 Art 4 / 企业信息公示暂行条例 Art 17
    ANNUAL_REPORT = "annual_report", _("未按照规定的期限公示年度报告")
    INSTANT_INFO = "instant_info", _("未在责令的期限内公示即时信息")
    FALSE_INFO = "false_info", _("公示信息隐瞒真实情况、弄虚作假")
    UNREACHABLE = "unreachable", _("通过登记的住所或者经营场所无法联系")
    # 严重违法失信名单
    ABNORMAL_THREE_YEARS = "abnormal_3y", _("列入经营异常名录届满3年仍未履行相关义务")
    SERIOUS_VIOLATION = "serious_violation", _("实施严重违法失信行为")
    # 守信激励
    HONOURED = "honoured", _("守信激励（荣誉表彰）")


GROUNDS_BY_LIST = {
    CreditList.ABNORMAL: (
        ListGround.ANNUAL_REPORT,
        ListGround.INSTANT_INFO,
        ListGround.FALSE_INFO,
        ListGround.UNREACHABLE,
    ),
    CreditList.SERIOUS: (ListGround.ABNORMAL_THREE_YEARS, ListGround.SERIOUS_VIOLATION),
    CreditList.RED: (ListGround.HONOURED,),
}


class ListEntry(models.Model):
    """An entity's entry on a credit list (名录记录): entry, and removal, with reasons and dates.

    Entries on the 严重违法失信名单 are reviewed decisions: they start ``proposed`` and come into
    force when a second officer approves (:class:`ListDecision`).
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审核")
        IN_FORCE = "in_force", _("在列")
        REMOVED = "removed", _("已移出")
        REJECTED = "rejected", _("未通过审核")

    entity = models.ForeignKey("registry.Entity", models.CASCADE, related_name="list_entries")
    list = models.CharField(_("名录"), max_length=10, choices=CreditList.choices)
    ground = models.CharField(_("列入事由"), max_length=20, choices=ListGround.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    entered_on = models.DateField(_("列入日期"), null=True, blank=True)
    entry_reason = models.CharField(_("列入说明"), max_length=300)
    decision_no = models.CharField(_("决定书文号"), max_length=80, blank=True)
    authority = models.CharField(_("作出决定机关"), max_length=100)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出原因"), max_length=300, blank=True)
    source_entry = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所据异常名录记录")
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey("core.User", models.PROTECT, null=True, blank=True, related_name="+")

    scope = Scope(
        district_field="entity__jurisdiction_id",
        uscc_field="entity__uscc",
        public=Q(status__in=["in_force", "removed"]),
        change_roles=CREDIT_WRITERS,
    )

    class Meta:
        verbose_name = _("名录记录")
        verbose_name_plural = _("名录记录")
        ordering = ["-entered_on", "-id"]
        indexes = [
            models.Index(fields=["entity", "list", "status"], name="credit_list_entity"),
            models.Index(fields=["list", "status", "entered_on"], name="credit_list_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_list_display()}：{self.get_ground_display()}"


class ListDecision(models.Model):
    """A reviewed decision on the 严重违法失信名单 (列入/移出审核): proposed by one officer, decided by another."""

    class Action(models.TextChoices):
        ENTER = "enter", _("列入")
        REMOVE = "remove", _("移出")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    entry = models.ForeignKey(ListEntry, models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.CharField(_("理由"), max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey("core.User", models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey("core.User", models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    scope = Scope(
        district_field="entry__entity__jurisdiction_id",
        uscc_field=None,
        public=None,
        change_roles=frozenset({"city_admin", "department"}),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("名录决定审核")


class ListingProposal(models.Model):
    """A proposal to put an entity on the 经营异常名录 (列入经营异常名录建议), raised by another domain.

    A spot check that found the firm unreachable at its registered address (通过登记的住所或者经营场所
    无法联系) or its public information false (公示信息隐瞒真实情况、弄虚作假) proposes the listing on that
    ground (企业经营异常名录管理暂行办法 Art 4, 8, 9); an officer of the entity's district (or of the
    city bureau) confirms it — which enters the list through ``services.enter_list`` — or rejects it
    with a reason. A proposal is not a listing: it is never public, never counts in classification and
    is shown to staff only. ``source_ref`` names the finding (``inspections.inspection:12``), so a
    finding proposes once; a corrected finding withdraws a proposal still open.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("待确认")
        CONFIRMED = "confirmed", _("已列入")
        REJECTED = "rejected", _("不予列入")
        WITHDRAWN = "withdrawn", _("已撤回")

    entity = models.ForeignKey("registry.Entity", models.CASCADE, related_name="listing_proposals")
    list = models.CharField(_("名录"), max_length=10, choices=CreditList.choices, default=CreditList.ABNORMAL)
    ground = models.CharField(_("列入事由"), max_length=20, choices=ListGround.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(_("建议列入说明"), max_length=300)
    source = models.CharField(_("来源"), max_length=40)
    source_ref = models.CharField(max_length=80, unique=True)
    source_title = models.CharField(_("来源事项"), max_length=200, blank=True)
    finding = models.CharField(_("发现情况"), max_length=200)
    found_on = models.DateField(_("查实日期"))
    found_by = models.CharField(_("发现机关"), max_length=100, blank=True)
    verification_code = models.CharField(_("核验码"), max_length=16, blank=True)
    proposed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey("core.User", models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.CharField(_("处理理由"), max_length=300, blank=True)
    entry = models.OneToOneField(
        ListEntry,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("列入的名录记录"),
    )

    scope = Scope(
        district_field="entity__jurisdiction_id",
        uscc_field=None,
        public=None,
        change_roles=CREDIT_WRITERS,
    )

    class Meta:
        verbose_name = _("列入经营异常名录建议")
        verbose_name_plural = _("列入经营异常名录建议")
        ordering = ["found_on", "id"]
        indexes = [
            models.Index(fields=["status", "found_on"], name="credit_proposal_status"),
            models.Index(fields=["entity", "status"], name="credit_proposal_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.get_list_display()}：{self.get_ground_display()}（{self.get_status_display()}）"

    @property
    def inspection_id(self) -> int | None:
        """The spot check the proposal cites, when it came from one."""
        prefix = "inspections.inspection:"
        if self.source_ref.startswith(prefix) and self.source_ref[len(prefix) :].isdigit():
            return int(self.source_ref[len(prefix) :])
        return None


class RepairKind(models.TextChoices):
    ABNORMAL_REMOVAL = "abnormal_removal", _("移出经营异常名录")
    PUBLICITY_END = "publicity_end", _("提前停止公示行政处罚信息")


class RepairApplication(models.Model):
    """An enterprise's application for credit repair (信用修复申请) and its decision."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("审查中")
        APPROVED = "approved", _("准予修复")
        REFUSED = "refused", _("不予修复")

    entity = models.ForeignKey("registry.Entity", models.CASCADE, related_name="repair_applications")
    kind = models.CharField(_("修复事项"), max_length=20, choices=RepairKind.choices)
    list_entry = models.ForeignKey(ListEntry, models.PROTECT, null=True, blank=True, related_name="+")
    record = models.ForeignKey(CreditRecord, models.PROTECT, null=True, blank=True, related_name="+")
    statement = models.TextField(_("纠正失信行为情况说明"))
    commitment = models.BooleanField(_("已作出信用承诺"), default=False)
    applicant = models.ForeignKey("core.User", models.PROTECT, related_name="+")
    applied_on = models.DateField(_("申请日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    decided_by = models.ForeignKey("core.User", models.PROTECT, null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_reason = models.CharField(_("决定理由"), max_length=500, blank=True)
    decision_no = models.CharField(_("决定书文号"), max_length=80, blank=True)

    scope = Scope(
        district_field="entity__jurisdiction_id",
        uscc_field="entity__uscc",
        public=None,
        change_roles=CREDIT_WRITERS,
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        constraints = [
            models.UniqueConstraint(
                fields=["list_entry"], condition=Q(status="submitted"), name="repair_one_open_per_entry"
            ),
            models.UniqueConstraint(
                fields=["record"], condition=Q(status="submitted"), name="repair_one_open_per_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_status_display()}）"

    @property
    def target(self):
        return self.list_entry or self.record


class CreditNotice(models.Model):
    """A notice to an enterprise about its credit (信用通知书): repair decisions, listings."""

    entity = models.ForeignKey("registry.Entity", models.CASCADE, related_name="credit_notices")
    application = models.ForeignKey(
        RepairApplication, models.CASCADE, null=True, blank=True, related_name="notices"
    )
    title = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    scope = Scope(district_field="entity__jurisdiction_id", uscc_field="entity__uscc", public=None)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("信用通知书")


class RepairEvidence(models.Model):
    """A file the enterprise submits with its repair application (信用修复证明材料): proof that the
    penalty was carried out, that it can again be reached at its address, and the like."""

    application = models.ForeignKey(RepairApplication, models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="credit/repair/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope = Scope(
        district_field="application__entity__jurisdiction_id",
        uscc_field="application__entity__uscc",
        public=None,
        change_roles=CREDIT_WRITERS,
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("信用修复证明材料")
        verbose_name_plural = _("信用修复证明材料")

    def __str__(self) -> str:
        return self.name
