"""Quality infrastructure (质量基础设施): the standards register, the 对标达标 campaign, the half-yearly
progress reports, the three cultivation libraries (三库) and the one-stop service platform (一站式服务)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijian.core.models import Jurisdiction, Role, User
from zhijian.core.scoping import CITY_WIDE, Scope
from zhijian.registry.models import Entity

from .standard_numbers import Kind

CITY = frozenset(CITY_WIDE)


def _everyone(condition: Q | None = None):
    """Role filters that let every signed-in role read the rows matching ``condition`` (reference data)."""
    rows = condition if condition is not None else Q()
    return {
        role: (lambda user, rows=rows: rows)
        for role in (Role.DISTRICT, Role.INSPECTOR, Role.ENTERPRISE, Role.LAB)
    }


# --- standards ------------------------------------------------------------------------------------


class StandardStatus(models.TextChoices):
    CURRENT = "current", _("现行")
    UPCOMING = "upcoming", _("即将实施")
    REPLACED = "replaced", _("被代替")
    WITHDRAWN = "withdrawn", _("废止")


class Standard(models.Model):
    """A standard in the register (标准库): its number in the official format, name, status and dates.

    The register is public reference data; the city's 标准化处 keeps it. ``replaced_by`` points at the
    standard that superseded this one (被代替).
    """

    number = models.CharField(_("标准编号"), max_length=60, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.CHOICES)
    code = models.CharField(_("代号"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年代号"))
    mandatory = models.BooleanField(_("强制性"), default=False)
    name = models.CharField(_("标准名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=StandardStatus.choices, default="current")
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_on = models.DateField(_("实施日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("废止日期"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("被以下标准代替"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(district_field="pk", public=Q(), change_roles=CITY, role_filters=_everyone())

    class Meta:
        ordering = ["number"]
        verbose_name = _("标准")
        verbose_name_plural = _("标准")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class StandardImportRun(models.Model):
    """One import of a standards list file: who, which file, what came of it."""

    actor = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(auto_now_add=True)


# --- the campaign ---------------------------------------------------------------------------------


class Campaign(models.Model):
    """A year of the standards-benchmarking campaign (百城千业万企对标达标提升专项行动).

    ``industries`` are the 246-cluster codes the year targets; the goals are cumulative to
    ``goal_year`` (seed 002: 15 industries and 450 firms by 2022).
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=120)
    industries = models.JSONField(_("对标产业"), default=list)
    goal_year = models.PositiveSmallIntegerField(_("目标年份"))
    goal_industries = models.PositiveIntegerField(_("目标行业数"))
    goal_firms = models.PositiveIntegerField(_("目标企业数"))
    enrol_by = models.DateField(_("确定企业截止日期"), null=True, blank=True)
    plans_by = models.DateField(_("技术方案截止日期"), null=True, blank=True)
    results_by = models.DateField(_("对标结果截止日期"), null=True, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope = Scope(district_field="pk", public=Q(), change_roles=CITY, role_filters=_everyone())

    class Meta:
        ordering = ["-year"]
        verbose_name = _("对标达标专项行动")

    def __str__(self) -> str:
        return self.title


class DistrictQuota(models.Model):
    """How many firms a county-level unit enrols in a campaign year (附件1)."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="quotas")
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    firms = models.PositiveIntegerField(_("企业数"))

    scope = Scope(district_field="jurisdiction_id", public=Q(), change_roles=CITY, role_filters=_everyone())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "jurisdiction"], name="quota_once")]
        ordering = ["jurisdiction__sort_order"]


class EnrolmentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待市局审核")
    APPROVED = "approved", _("已确认")
    REJECTED = "rejected", _("退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class Outcome(models.TextChoices):
    PENDING = "pending", _("进行中")
    MET = "met", _("达标")
    NOT_MET = "not_met", _("未达标")


class Enrolment(models.Model):
    """A firm and product a district enrols in the campaign (附件2's row), and how it went.

    The 附件2 fields: 企业名称 (``entity``), 产品名称, 执行标准号和名称, 比对标准号和名称, 平台现有技术方案编号,
    另行制定技术方案技术支持需求. Then the technical plan (对标技术方案), the benchmark test or
    verification (对标结果的检测和验证: laboratory, report) and the outcome (达标/未达标).
    """

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="enrolments")
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("填报单位")
    )
    entity = models.ForeignKey(Entity, models.PROTECT, related_name="+", db_index=False)
    entity_name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    industry = models.CharField(_("对标产业"), max_length=24)
    product_name = models.CharField(_("产品名称"), max_length=120)
    executed_standard = models.ForeignKey(
        Standard, models.PROTECT, related_name="+", verbose_name=_("执行标准")
    )
    compared_standard = models.ForeignKey(
        Standard, models.PROTECT, related_name="+", verbose_name=_("比对标准")
    )
    platform_plan_no = models.CharField(_("平台现有技术方案编号"), max_length=60, blank=True)
    needs_support = models.BooleanField(_("另行制定技术方案需技术支持"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=EnrolmentStatus.choices, default="submitted")
    submitted_on = models.DateField(_("填报日期"))
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    # the technical plan (对标技术方案)
    plan_no = models.CharField(_("技术方案编号"), max_length=60, blank=True)
    plan_title = models.CharField(_("技术方案名称"), max_length=200, blank=True)
    plan_uploaded_on = models.DateField(_("方案上传平台日期"), null=True, blank=True)
    # the benchmark test or verification (对标结果检测验证)
    laboratory = models.ForeignKey(
        "ServiceProvider", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("检测机构")
    )
    report_no = models.CharField(_("检测报告编号"), max_length=60, blank=True)
    result_on = models.DateField(_("结果日期"), null=True, blank=True)
    result_summary = models.CharField(_("对标结果"), max_length=500, blank=True)
    outcome = models.CharField(_("结论"), max_length=8, choices=Outcome.choices, default="pending")
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(
        district_field="jurisdiction_id",
        uscc_field="uscc",
        public=Q(outcome="met", published_on__isnull=False),
        change_roles=frozenset({Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT}),
    )

    class Meta:
        ordering = ["jurisdiction__sort_order", "id"]
        verbose_name = _("对标企业")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "entity", "product_name"],
                condition=~Q(status__in=["rejected", "withdrawn"]),
                name="enrolment_once_per_product",
            )
        ]
        indexes = [models.Index(fields=["campaign", "jurisdiction", "status"])]

    def __str__(self) -> str:
        return f"{self.entity_name} · {self.product_name}"

    @property
    def counts(self) -> bool:
        """Whether the enrolment counts toward the quota (submitted or approved)."""
        return self.status in (EnrolmentStatus.SUBMITTED, EnrolmentStatus.APPROVED)


class LeaderRecommendation(models.Model):
    """A recommendation of an enrolled firm as an enterprise-standard 'leader' (企业标准“领跑者”)."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="leader_recommendations")
    field = models.CharField(_("领跑者实施领域"), max_length=120)
    reason = models.CharField(_("推荐理由"), max_length=500)
    recommended_on = models.DateField(_("推荐日期"))
    recommended_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")

    scope = Scope(
        district_field="enrolment__jurisdiction_id",
        uscc_field="enrolment__uscc",
        public=Q(enrolment__published_on__isnull=False),
        change_roles=CITY,
    )


# --- half-yearly progress reports (附件3) ----------------------------------------------------------


class Period(models.TextChoices):
    HALF = "half", _("当年半年度")
    ANNUAL = "annual", _("上年度")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    SUBMITTED = "submitted", _("已报送")


NARRATIVE_FIELDS = [
    ("party_work", "纳入当地党委、政府工作情况"),
    ("policies", "当地党委、政府出台相关政策措施情况"),
    ("bodies", "成立相应推进机构情况"),
    ("leader_remarks", "当地党委、政府领导批示肯定情况"),
    ("finance", "当地财政支持情况"),
    ("departments", "相关部门共同参与情况"),
    ("voice", "对标产业标准话语权能力提升情况"),
    ("growth", "对标企业较上年产值规模、上缴税收增长情况"),
]


class ProgressReport(models.Model):
    """A district's progress report on the campaign (对标达标提升专项行动进展情况报表, 附件3).

    ``figures`` is generated from the data as of ``period_end`` (one block per 对标产业); the district
    adds the narrative rows, reviews and submits it before ``due_on`` (5 July for the half year,
    5 January for the year before).
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("填报单位")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.CharField(_("期别"), max_length=8, choices=Period.choices)
    period_end = models.DateField(_("统计截止日期"))
    due_on = models.DateField(_("报送期限"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default="draft")
    figures = models.JSONField(_("报表数据"), default=dict)
    narrative = models.JSONField(_("情况说明"), default=dict)
    generated_at = models.DateTimeField(_("生成时间"))
    reviewed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    late = models.BooleanField(_("逾期报送"), default=False)

    scope = Scope(district_field="jurisdiction_id", change_roles=frozenset({Role.DISTRICT, *CITY}))

    class Meta:
        ordering = ["-year", "period", "jurisdiction__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year", "period"], name="report_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.short_name} {self.year}年{self.get_period_display()}"


class ReportReminder(models.Model):
    """A reminder sent to a unit about a report due soon (or overdue); at most one per unit, period, kind."""

    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=8, choices=Period.choices)
    kind = models.CharField(max_length=10, choices=[("due_soon", "即将到期"), ("overdue", "已逾期")])
    sent_on = models.DateField()

    scope = Scope(district_field="jurisdiction_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "period", "kind"], name="quality_report_reminder_once"
            )
        ]


# --- cultivation libraries (三库) -------------------------------------------------------------------


class Library(models.TextChoices):
    QUALITY_AWARD = "quality_award", _("政府质量奖培育库")
    STANDARD_AWARD = "standard_award", _("中国标准创新贡献奖培育库")
    PATENT_AWARD = "patent_award", _("专利奖培育库")


class Stage(models.TextChoices):
    CANDIDATE = "candidate", _("候选")
    COACHED = "coached", _("辅导中")
    APPLIED = "applied", _("已申报")
    AWARDED = "awarded", _("已获奖")


STAGE_ORDER = [Stage.CANDIDATE, Stage.COACHED, Stage.APPLIED, Stage.AWARDED]


class CultivationEntry(models.Model):
    """A firm nominated to one of the cultivation libraries (培育库) and where it stands.

    ``standards_led`` and ``high_value_patents`` are the firm's declared counts the libraries feed to
    the indicators (主导制修订标准数, 高价值发明专利数).
    """

    library = models.CharField(_("培育库"), max_length=16, choices=Library.choices)
    entity = models.ForeignKey(Entity, models.PROTECT, related_name="+", db_index=False)
    entity_name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices, default="candidate")
    nominated_on = models.DateField(_("入库日期"))
    target_award = models.CharField(_("目标奖项"), max_length=120, blank=True)
    standards_led = models.PositiveIntegerField(_("主导制修订标准数"), default=0)
    high_value_patents = models.PositiveIntegerField(_("高价值发明专利数"), default=0)

    scope = Scope(district_field="jurisdiction_id", uscc_field="uscc")

    class Meta:
        ordering = ["library", "jurisdiction__sort_order", "entity_name"]
        constraints = [models.UniqueConstraint(fields=["library", "entity"], name="cultivation_once")]

    def __str__(self) -> str:
        return f"{self.get_library_display()}：{self.entity_name}"


class CultivationEvidence(models.Model):
    """A piece of evidence for a library entry (证明材料): a title and an optional file."""

    entry = models.ForeignKey(CultivationEntry, models.CASCADE, related_name="evidence")
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(upload_to="quality/evidence/%Y/", blank=True)
    added_on = models.DateField()

    scope = Scope(district_field="entry__jurisdiction_id", uscc_field="entry__uscc")


class CoachingRecord(models.Model):
    """One coaching visit or session for a library entry (辅导记录)."""

    entry = models.ForeignKey(CultivationEntry, models.CASCADE, related_name="coaching")
    held_on = models.DateField(_("日期"))
    coach = models.CharField(_("辅导人员/机构"), max_length=120)
    content = models.CharField(_("辅导内容"), max_length=500)

    scope = Scope(district_field="entry__jurisdiction_id", uscc_field="entry__uscc")

    class Meta:
        ordering = ["-held_on", "-id"]


class AwardLevel(models.TextChoices):
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("国家级")


class AwardRecord(models.Model):
    """An award application and its result (获奖记录)."""

    entry = models.ForeignKey(CultivationEntry, models.CASCADE, related_name="awards")
    year = models.PositiveSmallIntegerField(_("年度"))
    award = models.CharField(_("奖项"), max_length=120)
    level = models.CharField(_("级别"), max_length=10, choices=AwardLevel.choices)
    won = models.BooleanField(_("获奖"), default=False)

    scope = Scope(district_field="entry__jurisdiction_id", uscc_field="entry__uscc")

    class Meta:
        ordering = ["-year", "-id"]


# --- one-stop service platform (一站式服务 / 检验检测服务共享) ---------------------------------------------


class ProviderKind(models.TextChoices):
    LABORATORY = "laboratory", _("检验检测机构")
    SERVICE_POINT = "service_point", _("一站式服务站点")


class ServiceProvider(models.Model):
    """A laboratory or one-stop service point on the platform (入驻机构), with its accreditations.

    ``local``: located in the city (a 246 cluster served only by outside providers is a gap).
    """

    name = models.CharField(_("机构名称"), max_length=120, unique=True)
    kind = models.CharField(_("类型"), max_length=14, choices=ProviderKind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("所在辖区")
    )
    local = models.BooleanField(_("本地机构"), default=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    cma_no = models.CharField(_("CMA证书编号"), max_length=30, blank=True)
    cma_valid_until = models.DateField(_("CMA有效期至"), null=True, blank=True)
    cnas_no = models.CharField(_("CNAS证书编号"), max_length=30, blank=True)
    cnas_valid_until = models.DateField(_("CNAS有效期至"), null=True, blank=True)
    active = models.BooleanField(_("在线"), default=True)

    scope = Scope(
        district_field="jurisdiction_id",
        public=Q(active=True),
        change_roles=frozenset({*CITY, Role.LAB}),
        role_filters={**_everyone(Q(active=True)), Role.LAB: lambda user: _own_provider(user, "pk")},
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("服务机构")

    def __str__(self) -> str:
        return self.name


class ProviderAccount(models.Model):
    """Which provider a laboratory or service-point user (role ``lab``) works for."""

    user = models.OneToOneField(User, models.CASCADE, related_name="quality_provider")
    provider = models.ForeignKey(ServiceProvider, models.PROTECT, related_name="accounts")


def provider_id_of(user) -> int | None:
    """The provider of a laboratory user (cached on the user object), or None."""
    if getattr(user, "role", None) != Role.LAB:
        return None
    if not hasattr(user, "_quality_provider_id"):
        user._quality_provider_id = (
            ProviderAccount.objects.filter(user_id=user.pk).values_list("provider_id", flat=True).first()
        )
    return user._quality_provider_id


def _own_provider(user, field: str) -> Q | None:
    provider = provider_id_of(user)
    return Q(**{field: provider}) if provider else None


class ServiceCategory(models.TextChoices):
    TESTING = "testing", _("检验检测")
    METROLOGY = "metrology", _("计量检定校准")
    STANDARDS = "standards", _("标准服务")
    CERTIFICATION = "certification", _("认证认可")


class Capability(models.Model):
    """What a provider offers (服务能力): an item, the products and standards, equipment, time, price."""

    provider = models.ForeignKey(ServiceProvider, models.CASCADE, related_name="capabilities")
    category = models.CharField(_("服务类别"), max_length=14, choices=ServiceCategory.choices)
    item = models.CharField(_("检测项目/服务事项"), max_length=120)
    products = models.CharField(_("适用产品"), max_length=300)
    standards = models.ManyToManyField(Standard, related_name="capabilities", verbose_name=_("依据标准"))
    clusters = models.JSONField(_("服务产业集群"), default=list)
    equipment = models.CharField(_("主要设备"), max_length=300, blank=True)
    turnaround_days = models.PositiveIntegerField(_("周期（工作日）"))
    price = models.DecimalField(_("参考价格（元）"), max_digits=10, decimal_places=2)
    accredited = models.CharField(
        _("资质"),
        max_length=10,
        choices=[("cma", "CMA"), ("cnas", "CNAS"), ("both", "CMA+CNAS"), ("none", "无")],
    )
    active = models.BooleanField(_("在线"), default=True)

    scope = Scope(
        district_field="provider__jurisdiction_id",
        public=Q(active=True, provider__active=True),
        change_roles=frozenset({*CITY, Role.LAB}),
        role_filters={
            **_everyone(Q(active=True, provider__active=True)),
            Role.LAB: lambda user: _own_provider(user, "provider_id"),
        },
    )

    class Meta:
        ordering = ["provider__name", "item"]
        verbose_name = _("服务能力")

    def __str__(self) -> str:
        return f"{self.provider.name} · {self.item}"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("待报价")
    QUOTED = "quoted", _("已报价")
    BOOKED = "booked", _("已预约")
    DELIVERED = "delivered", _("已出报告")
    RATED = "rated", _("已评价")
    DECLINED = "declined", _("机构谢绝")
    CANCELLED = "cancelled", _("已取消")


class ServiceRequest(models.Model):
    """A firm's request for a service (服务需求), from request to quote, booking, report and rating.

    ``enrolment`` is set when a campaign enrolment asks for its benchmark test or technical support
    through the platform; the delivered report then becomes the enrolment's verified result.
    """

    number = models.CharField(_("需求编号"), max_length=20, unique=True)
    provider = models.ForeignKey(ServiceProvider, models.PROTECT, related_name="requests")
    capability = models.ForeignKey(Capability, models.PROTECT, null=True, blank=True, related_name="requests")
    entity = models.ForeignKey(Entity, models.PROTECT, related_name="+", db_index=False)
    entity_name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    cluster = models.CharField(_("产业集群"), max_length=24, blank=True)
    enrolment = models.ForeignKey(
        Enrolment, models.PROTECT, null=True, blank=True, related_name="service_requests"
    )
    product = models.CharField(_("产品"), max_length=120)
    standard = models.ForeignKey(Standard, models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("需求说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default="requested")
    requested_at = models.DateTimeField(_("提出时间"))
    requested_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    quoted_at = models.DateTimeField(_("报价时间"), null=True, blank=True)
    quote_price = models.DecimalField(_("报价（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    quote_days = models.PositiveIntegerField(_("承诺周期（工作日）"), null=True, blank=True)
    quote_note = models.CharField(_("报价说明"), max_length=300, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    sample_on = models.DateField(_("预约送样日期"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("出具报告时间"), null=True, blank=True)
    report_no = models.CharField(_("报告编号"), max_length=60, blank=True)
    report_file = models.FileField(upload_to="quality/reports/%Y/", blank=True)
    conclusion = models.CharField(_("结论"), max_length=300, blank=True)
    benchmark_met = models.BooleanField(_("对标达标"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=300, blank=True)

    scope = Scope(
        district_field="jurisdiction_id",
        uscc_field="uscc",
        change_roles=frozenset({*CITY, Role.DISTRICT, Role.LAB, Role.ENTERPRISE}),
        role_filters={Role.LAB: lambda user: _own_provider(user, "provider_id")},
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["provider", "status"])]
        verbose_name = _("服务需求")

    def __str__(self) -> str:
        return self.number
