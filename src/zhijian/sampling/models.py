"""Product-quality and food-safety sampling (监督抽查 / 食品安全抽检) and its post-processing loop (核查处置).

The chain: a plan (抽检计划) is split into tasks (抽检任务) per category, stage and jurisdiction, each
assigned to a testing laboratory (承检机构). A sample (样品) is taken from a seller (被抽样单位) with its
claimed producer (标称生产者); the laboratory reports a result per test item (检验项目) and the sample is
judged 合格 or 不合格. A failure may be contested (复检 / 异议); a failure that stands opens a case
(核查处置) in the seller's and the producer's jurisdiction, which closes with evidence; the public
announcement (抽检信息公告) lists passes and failures per period.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijian.core.models import Department, Jurisdiction, Role, User
from zhijian.core.scoping import Scope

from .judgement import Limit, plain


class Kind(models.TextChoices):
    FOOD = "food", _("食品")
    PRODUCT = "product", _("工业产品")


class Stage(models.TextChoices):
    PRODUCTION = "production", _("生产环节")
    CIRCULATION = "circulation", _("流通环节")
    CATERING = "catering", _("餐饮环节")
    ONLINE = "online", _("网络销售")


class Purpose(models.TextChoices):
    SUPERVISION = "supervision", _("监督抽检")
    EVALUATION = "evaluation", _("评价性抽检")
    RISK = "risk", _("风险监测")


class PlanLevel(models.TextChoices):
    NATIONAL = "national", _("国家")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("县级")


class Judgement(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


# --- catalogue ---------------------------------------------------------------------------------------


class Category(models.Model):
    """A category of the sampling catalogue (抽检目录): 食品大类/细类, or a key industrial product."""

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("抽检类别")
        verbose_name_plural = _("抽检类别")

    def __str__(self) -> str:
        return f"{self.parent.name}／{self.name}" if self.parent_id and self.parent else self.name


class ItemType(models.TextChoices):
    CONTAMINANT = "contaminant", _("污染物")
    MYCOTOXIN = "mycotoxin", _("真菌毒素")
    PESTICIDE = "pesticide", _("农药残留")
    VET_DRUG = "vet_drug", _("兽药残留")
    ADDITIVE = "additive", _("食品添加剂")
    MICROBE = "microbe", _("微生物")
    QUALITY = "quality", _("质量指标")
    SAFETY = "safety", _("安全指标")
    PERFORMANCE = "performance", _("性能指标")
    LABEL = "label", _("标志标识")


class Rule(models.TextChoices):
    MAX = "max", _("不超过限量")
    MIN = "min", _("不低于下限")
    RANGE = "range", _("区间")
    NOT_DETECTED = "nd", _("不得检出")
    PLAN = "plan", _("微生物采样方案")
    QUALITATIVE = "qual", _("定性")


class TestItem(models.Model):
    """A test item of a category (检验项目) with its limit, unit and the standard the limit comes from."""

    __test__ = False  # not a pytest test class, whatever its name

    category = models.ForeignKey(Category, models.PROTECT, related_name="items")
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("项目名称"), max_length=100)
    item_type = models.CharField(_("项目类型"), max_length=12, choices=ItemType.choices)
    rule = models.CharField(_("判定方式"), max_length=5, choices=Rule.choices)
    limit = models.DecimalField(_("限量值"), max_digits=18, decimal_places=6, null=True, blank=True)
    limit_low = models.DecimalField(_("下限"), max_digits=18, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    plan_n = models.PositiveSmallIntegerField(null=True, blank=True)
    plan_c = models.PositiveSmallIntegerField(null=True, blank=True)
    plan_m = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    plan_big_m = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    standard = models.CharField(_("判定依据"), max_length=60)
    clause = models.CharField(_("条款"), max_length=120, blank=True)
    method = models.CharField(_("检验方法"), max_length=60, blank=True)
    method_lod = models.DecimalField(_("方法检出限"), max_digits=18, decimal_places=6, null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="test_item_code_once")]
        verbose_name = _("检验项目")
        verbose_name_plural = _("检验项目")

    def __str__(self) -> str:
        return self.name

    @property
    def limit_spec(self) -> Limit:
        def exact(value: Decimal | None) -> Decimal | None:
            return plain(value) if value is not None else None

        plan = None
        if self.rule == Rule.PLAN:
            assert self.plan_n is not None and self.plan_c is not None and self.plan_m is not None
            plan = (self.plan_n, self.plan_c, exact(self.plan_m) or Decimal(0), exact(self.plan_big_m))
        return Limit(
            rule=self.rule,
            unit=self.unit,
            value=exact(self.limit),
            low=exact(self.limit_low),
            plan=plan,
            method_lod=exact(self.method_lod),
        )

    @property
    def limit_text(self) -> str:
        return self.limit_spec.describe()


class Standard(models.Model):
    """A standard a limit comes from (判定标准): GB 2762, GB 2763, GB 29921, GB 2760, product standards."""

    code = models.CharField(_("标准号"), max_length=60, unique=True)
    title = models.CharField(_("标准名称"), max_length=200)
    effective = models.DateField(_("实施日期"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("标准")
        verbose_name_plural = _("标准")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Population(models.Model):
    """Resident population of a jurisdiction in a year (常住人口), the denominator of batches per 1,000."""

    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    residents = models.PositiveIntegerField(_("常住人口"))
    source = models.CharField(_("来源"), max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="population_once")]
        verbose_name = _("常住人口")
        verbose_name_plural = _("常住人口")


# --- laboratories ------------------------------------------------------------------------------------


class Laboratory(models.Model):
    """A testing laboratory (承检机构) with its CMA accreditation; ``retest_qualified``: on the 复检机构名录."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    cma_no = models.CharField(_("资质认定证书编号"), max_length=30)
    tests_food = models.BooleanField(_("承检食品"), default=True)
    tests_products = models.BooleanField(_("承检工业产品"), default=False)
    retest_qualified = models.BooleanField(_("列入复检机构名录"), default=False)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("承检机构")
        verbose_name_plural = _("承检机构")

    def __str__(self) -> str:
        return self.name


class LabAccount(models.Model):
    """Which laboratory a laboratory user (检验检测机构人员) works for."""

    user = models.OneToOneField(User, models.CASCADE, related_name="lab_account")
    laboratory = models.ForeignKey(Laboratory, models.PROTECT, related_name="accounts")

    class Meta:
        verbose_name = _("承检机构账户")


def laboratory_id_of(user) -> int | None:
    """The laboratory of a laboratory user (cached on the user object), or None."""
    if getattr(user, "role", None) != Role.LAB:
        return None
    if not hasattr(user, "_laboratory_id"):
        user._laboratory_id = (
            LabAccount.objects.filter(user_id=user.pk).values_list("laboratory_id", flat=True).first()
        )
    return user._laboratory_id


def _own_lab(field: str):
    def condition(user) -> Q | None:
        lab = laboratory_id_of(user)
        return Q(**{field: lab}) if lab else None

    return condition


def _lab_samples(user, sample_field: str = "pk") -> Q | None:
    """A laboratory sees the samples it tests and those it was drawn to re-test."""
    lab = laboratory_id_of(user)
    if not lab:
        return None
    prefix = "" if sample_field == "pk" else "sample__"
    retested = Objection.objects.filter(retest_lab_id=lab).values("sample_id")
    return Q(**{f"{prefix}laboratory_id": lab}) | Q(**{f"{sample_field}__in": retested})


def _enterprise_samples(user) -> Q | None:
    """An enterprise sees the samples it was sampled from or is named as producer of."""
    uscc = getattr(user, "entity_uscc", "")
    return (Q(seller_uscc=uscc) | Q(producer_uscc=uscc)) if uscc else None


def _enterprise_results(user) -> Q | None:
    uscc = getattr(user, "entity_uscc", "")
    return (Q(sample__seller_uscc=uscc) | Q(sample__producer_uscc=uscc)) if uscc else None


STAFF_WRITERS = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT})


# --- plans and tasks ---------------------------------------------------------------------------------


class SamplingPlan(models.Model):
    """A sampling plan (抽检计划) for a year: food or products, its purpose and level."""

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    purpose = models.CharField(_("性质"), max_length=12, choices=Purpose.choices)
    level = models.CharField(_("层级"), max_length=12, choices=PlanLevel.choices, default=PlanLevel.CITY)
    title = models.CharField(_("名称"), max_length=120)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("牵头处室")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "kind", "title"]
        verbose_name = _("抽检计划")
        verbose_name_plural = _("抽检计划")

    def __str__(self) -> str:
        return self.title


class SamplingTask(models.Model):
    """A task of a plan (抽检任务): a category and stage to sample in a jurisdiction, by one laboratory."""

    plan = models.ForeignKey(SamplingPlan, models.PROTECT, related_name="tasks")
    category = models.ForeignKey(Category, models.PROTECT, related_name="+")
    stage = models.CharField(_("环节"), max_length=12, choices=Stage.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    laboratory = models.ForeignKey(Laboratory, models.PROTECT, related_name="tasks")
    quota = models.PositiveIntegerField(_("计划批次"))
    due_on = models.DateField(_("完成期限"))

    scope = Scope(
        district_field="jurisdiction_id",
        role_filters={Role.LAB: _own_lab("laboratory_id")},
    )

    class Meta:
        ordering = ["plan", "jurisdiction", "category"]
        indexes = [models.Index(fields=["jurisdiction", "plan"])]
        verbose_name = _("抽检任务")
        verbose_name_plural = _("抽检任务")

    def __str__(self) -> str:
        return f"{self.plan.title}：{self.category.name}（{self.get_stage_display()}）"


# --- samples and results -----------------------------------------------------------------------------


class SampleStatus(models.TextChoices):
    SAMPLED = "sampled", _("已抽样")
    RECEIVED = "received", _("检验中")
    REPORTED = "reported", _("已出报告")


class LoopStatus(models.TextChoices):
    OPEN = "open", _("核查处置中")
    CLOSED = "closed", _("已闭环")
    WITHDRAWN = "withdrawn", _("复检合格，已撤销")


class Announcement(models.Model):
    """A public sampling announcement (抽检信息公告) of a period: the passes and failures concluded in it."""

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    issue = models.CharField(_("期号"), max_length=40)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    published = models.BooleanField(_("已发布"), default=False)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    passes = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    compiled_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(district_field="jurisdiction__district_id", public=Q(published=True))

    class Meta:
        ordering = ["-period_end", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "issue"], name="announcement_issue_once")]
        verbose_name = _("抽检信息公告")
        verbose_name_plural = _("抽检信息公告")

    def __str__(self) -> str:
        return self.title


class Sample(models.Model):
    """A sample (样品 / 抽样单): what was taken from whom, claimed by which producer, tested where.

    The seller (被抽样单位) and the claimed producer (标称生产者) are resolved to the register by USCC
    when they are local; a producer outside the city is kept with its name and region. ``judgement`` is
    the current conclusion (a re-test replaces it); ``initial_judgement`` the first laboratory's.
    """

    sample_no = models.CharField(_("抽样单编号"), max_length=30, unique=True)
    task = models.ForeignKey(SamplingTask, models.PROTECT, related_name="samples")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    purpose = models.CharField(_("性质"), max_length=12, choices=Purpose.choices)
    stage = models.CharField(_("环节"), max_length=12, choices=Stage.choices)
    category = models.ForeignKey(Category, models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("抽样辖区")
    )
    laboratory = models.ForeignKey(Laboratory, models.PROTECT, related_name="samples")
    product_name = models.CharField(_("样品名称"), max_length=100)
    brand = models.CharField(_("商标"), max_length=60, blank=True)
    specification = models.CharField(_("规格型号"), max_length=60, blank=True)
    batch_no = models.CharField(_("批号"), max_length=60, blank=True)
    production_date = models.DateField(_("生产日期"), null=True, blank=True)
    seller = models.ForeignKey(
        "registry.Entity",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被抽样单位"),
    )
    seller_uscc = models.CharField(_("被抽样单位统一社会信用代码"), max_length=18, blank=True)
    seller_name = models.CharField(_("被抽样单位名称"), max_length=200)
    seller_address = models.CharField(_("被抽样单位地址"), max_length=300, blank=True)
    seller_jurisdiction = models.ForeignKey(
        Jurisdiction,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被抽样单位辖区"),
    )
    producer = models.ForeignKey(
        "registry.Entity",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("标称生产者"),
    )
    producer_uscc = models.CharField(_("标称生产者统一社会信用代码"), max_length=18, blank=True)
    producer_name = models.CharField(_("标称生产者名称"), max_length=200, blank=True)
    producer_address = models.CharField(_("标称生产者地址"), max_length=300, blank=True)
    producer_region = models.CharField(_("标称生产者所在地"), max_length=60, blank=True)
    producer_jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("生产者辖区")
    )
    sampled_on = models.DateField(_("抽样日期"))
    samplers = models.CharField(_("抽样人员"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SampleStatus.choices, default=SampleStatus.SAMPLED
    )
    received_on = models.DateField(_("收样日期"), null=True, blank=True)
    report_no = models.CharField(_("检验报告编号"), max_length=40, blank=True)
    reported_on = models.DateField(_("报告日期"), null=True, blank=True)
    initial_judgement = models.CharField(_("初检结论"), max_length=5, choices=Judgement.choices, blank=True)
    judgement = models.CharField(_("检验结论"), max_length=5, choices=Judgement.choices, blank=True)
    judged_on = models.DateField(_("结论日期"), null=True, blank=True)
    served_on = models.DateField(_("结论送达日期"), null=True, blank=True)
    loop_status = models.CharField(_("核查处置"), max_length=10, choices=LoopStatus.choices, blank=True)
    loop_closed_on = models.DateField(_("闭环日期"), null=True, blank=True)
    announcement = models.ForeignKey(
        Announcement, models.SET_NULL, null=True, blank=True, related_name="samples"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(
        district_field="jurisdiction_id",
        public=Q(announcement__published=True),
        change_roles=STAFF_WRITERS | {Role.LAB},
        role_filters={Role.LAB: _lab_samples, Role.ENTERPRISE: _enterprise_samples},
    )

    class Meta:
        ordering = ["-sampled_on", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "sampled_on"]),
            models.Index(fields=["laboratory", "status"]),
            models.Index(fields=["kind", "sampled_on"]),
            models.Index(fields=["seller_uscc"]),
            models.Index(fields=["producer_uscc"]),
            models.Index(
                fields=["reported_on"],
                condition=Q(announcement__isnull=True) & Q(status="reported"),
                name="sample_unannounced",
            ),
        ]
        verbose_name = _("样品")
        verbose_name_plural = _("样品")

    def __str__(self) -> str:
        return f"{self.sample_no} {self.product_name}"

    @property
    def producer_is_local(self) -> bool:
        return self.producer_jurisdiction_id is not None


class Round(models.IntegerChoices):
    INITIAL = 1, _("初检")
    RETEST = 2, _("复检")


class TestResult(models.Model):
    """The result of one test item of a sample (检验结果): as reported, and judged against the limit.

    ``measured`` and ``unit`` are what the laboratory wrote; ``value`` and ``detection_limit`` are in
    the item's limit unit. Results of a re-test are a second round beside the first; both stay.
    """

    __test__ = False  # not a pytest test class, whatever its name

    sample = models.ForeignKey(Sample, models.CASCADE, related_name="results")
    item = models.ForeignKey(TestItem, models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(choices=Round.choices, default=Round.INITIAL)
    measured = models.CharField(_("检验结果"), max_length=100)
    unit = models.CharField(_("结果单位"), max_length=20, blank=True)
    value = models.DecimalField(max_digits=24, decimal_places=9, null=True, blank=True)
    detection_limit = models.DecimalField(_("检出限"), max_digits=24, decimal_places=9, null=True, blank=True)
    shown = models.CharField(_("结果"), max_length=200)
    judgement = models.CharField(_("单项判定"), max_length=5, choices=Judgement.choices)
    reason = models.CharField(_("判定说明"), max_length=200, blank=True)

    scope = Scope(
        district_field="sample__jurisdiction_id",
        public=Q(sample__announcement__published=True),
        change_roles=STAFF_WRITERS | {Role.LAB},
        role_filters={
            Role.LAB: lambda user: _lab_samples(user, "sample_id"),
            Role.ENTERPRISE: _enterprise_results,
        },
    )

    class Meta:
        ordering = ["sample", "round", "item__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "item", "round"], name="result_once_per_round")
        ]
        verbose_name = _("检验结果")
        verbose_name_plural = _("检验结果")


class ObjectionStatus(models.TextChoices):
    RETESTING = "retesting", _("复检中")
    COMPLETED = "completed", _("已完成")


class Objection(models.Model):
    """A request for re-test (复检申请, food) or an objection (异议, products) against a failing result.

    The re-test laboratory is drawn at random among the laboratories on the 复检机构名录, never the
    first laboratory (食品安全法 第八十八条); ``draw_seed`` and ``draw_candidates`` let anyone repeat
    the draw: the chosen one is ``candidates[SHA-256(seed | codes) mod len]``.
    """

    sample = models.ForeignKey(Sample, models.PROTECT, related_name="objections")
    applicant_uscc = models.CharField(_("申请人统一社会信用代码"), max_length=18, blank=True)
    applicant_name = models.CharField(_("申请人"), max_length=200)
    applied_on = models.DateField(_("申请日期"))
    reason = models.TextField(_("申请理由"), blank=True)
    items = models.ManyToManyField(TestItem, related_name="+", verbose_name=_("复检项目"))
    status = models.CharField(
        max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.RETESTING
    )
    retest_lab = models.ForeignKey(
        Laboratory, models.PROTECT, related_name="retests", verbose_name=_("复检机构")
    )
    draw_seed = models.CharField(_("抽取种子"), max_length=40)
    draw_candidates = models.JSONField(_("候选机构"))
    drawn_at = models.DateTimeField(_("抽取时间"))
    retest_report_no = models.CharField(_("复检报告编号"), max_length=40, blank=True)
    retest_reported_on = models.DateField(_("复检报告日期"), null=True, blank=True)
    outcome = models.CharField(_("复检结论"), max_length=5, choices=Judgement.choices, blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")

    scope = Scope(
        district_field="sample__jurisdiction_id",
        change_roles=STAFF_WRITERS | {Role.LAB},
        role_filters={Role.LAB: _own_lab("retest_lab_id")},
    )

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("复检申请")
        verbose_name_plural = _("复检申请")


# --- post-processing ---------------------------------------------------------------------------------


class Party(models.TextChoices):
    SELLER = "seller", _("被抽样单位")
    PRODUCER = "producer", _("标称生产者")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("处置中")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤销")


class PostProcessingCase(models.Model):
    """A post-processing case (核查处置) of a failing sample for one party, in that party's jurisdiction.

    Every failure opens one for the seller; a local producer gets its own in its jurisdiction. A case
    closes with measures, a passed re-check where rectification was ordered, and evidence. An overdue
    case is escalated to the city department.
    """

    sample = models.ForeignKey(Sample, models.PROTECT, related_name="cases")
    party = models.CharField(_("对象"), max_length=10, choices=Party.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("承办辖区")
    )
    entity = models.ForeignKey("registry.Entity", models.PROTECT, null=True, blank=True, related_name="+")
    entity_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    entity_name = models.CharField(_("名称"), max_length=200)
    opened_on = models.DateField(_("立案日期"))
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    escalated_on = models.DateField(_("逾期升级日期"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("升级至")
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    conclusion = models.TextField(_("处置结论"), blank=True)
    closed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    scope = Scope(district_field="jurisdiction_id", uscc_field="entity_uscc")

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["sample", "party"], name="case_once_per_party")]
        indexes = [
            models.Index(fields=["jurisdiction", "status"]),
            models.Index(fields=["status", "opened_on"]),
        ]
        verbose_name = _("核查处置")
        verbose_name_plural = _("核查处置")

    def __str__(self) -> str:
        return f"{self.sample.sample_no}／{self.entity_name}"


class MeasureKind(models.TextChoices):
    REMOVAL = "removal", _("下架")
    RECALL = "recall", _("召回")
    SEAL = "seal", _("封存")
    RECTIFY = "rectify", _("责令整改")
    PROSECUTE = "prosecute", _("立案查处")


class CaseMeasure(models.Model):
    """A measure taken in a case (处置措施): 下架, 召回, 封存, 责令整改, 立案查处."""

    case = models.ForeignKey(PostProcessingCase, models.CASCADE, related_name="measures")
    kind = models.CharField(_("措施"), max_length=10, choices=MeasureKind.choices)
    taken_on = models.DateField(_("日期"))
    document_no = models.CharField(_("文书编号"), max_length=60, blank=True)
    quantity = models.CharField(_("数量"), max_length=60, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")

    scope = Scope(district_field="case__jurisdiction_id")

    class Meta:
        ordering = ["taken_on", "id"]


class CaseRecheck(models.Model):
    """A re-check of a case (复查): whether rectification was carried out."""

    case = models.ForeignKey(PostProcessingCase, models.CASCADE, related_name="rechecks")
    checked_on = models.DateField(_("复查日期"))
    passed = models.BooleanField(_("整改到位"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")

    scope = Scope(district_field="case__jurisdiction_id")

    class Meta:
        ordering = ["checked_on", "id"]


class CaseEvidence(models.Model):
    """A piece of evidence of a case (证据材料): a file with its SHA-256, as uploaded."""

    case = models.ForeignKey(PostProcessingCase, models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="sampling/evidence/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)
    description = models.CharField(_("说明"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(district_field="case__jurisdiction_id")

    class Meta:
        ordering = ["uploaded_at", "id"]


class OutsideNotice(models.Model):
    """A notice to the regulator of a party outside the city (不合格产品核查处置协查函)."""

    sample = models.ForeignKey(Sample, models.PROTECT, related_name="outside_notices")
    party = models.CharField(_("对象"), max_length=10, choices=Party.choices)
    entity_name = models.CharField(_("名称"), max_length=200)
    entity_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    region = models.CharField(_("所在地"), max_length=60)
    created_on = models.DateField(_("生成日期"))
    sent_on = models.DateField(_("发函日期"), null=True, blank=True)
    document_no = models.CharField(_("函号"), max_length=60, blank=True)

    scope = Scope(district_field="sample__jurisdiction_id")

    class Meta:
        ordering = ["-created_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["sample", "party"], name="notice_once_per_party")]
        verbose_name = _("外地协查函")


class ResultImportRun(models.Model):
    """One upload of laboratory results: who, which file, what came of it."""

    actor = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    laboratory = models.ForeignKey(Laboratory, models.PROTECT, null=True, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    samples = models.PositiveIntegerField(default=0)
    failed_samples = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True)
