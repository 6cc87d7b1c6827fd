"""双随机、一公开: the item catalogue, the inspector register, plans, tasks, verifiable draws, results."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijian.core.models import Department, Jurisdiction, Role, User
from zhijian.core.scoping import Scope
from zhijian.registry.models import Entity

from . import algorithm

STAFF_WRITERS = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT})
FIELD_WRITERS = STAFF_WRITERS | {Role.INSPECTOR}


class Specialty(models.TextChoices):
    """The enforcement qualification an item needs and an inspector holds (执法资格 / 专业领域)."""

    GENERAL = "general", _("登记与公示")
    FOOD = "food", _("食品安全")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
    PRODUCT_QUALITY = "product_quality", _("产品质量")
    METROLOGY = "metrology", _("计量")
    ADVERTISING = "advertising", _("广告")
    PRICE = "price", _("价格与竞争")
    IP = "ip", _("知识产权")
    DRUG = "drug", _("药品医疗器械")


class Method(models.TextChoices):
    DOCUMENT = "document", _("书面检查")
    ON_SITE = "on_site", _("实地核查")
    ONLINE = "online", _("网络监测")


class CheckItem(models.Model):
    """An item of the spot-check catalogue (随机抽查事项清单): what is checked, by whom, on what basis.

    ``is_key`` marks a key item (重点检查事项): a task holding one is not bound by the ratio cap of
    general items. The catalogue is public.
    """

    code = models.CharField(_("事项编码"), max_length=30, unique=True)
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name=_("实施处室"))
    name = models.CharField(_("抽查事项"), max_length=200)
    legal_basis = models.TextField(_("检查依据"))
    object_type = models.CharField(_("抽查对象"), max_length=200)
    entity_types = models.JSONField(_("主体类型"), default=list, blank=True, help_text=_("为空表示全部类型"))
    method = models.CharField(_("检查方式"), max_length=10, choices=Method.choices)
    content = models.TextField(_("检查内容"))
    specialty = models.CharField(_("所需执法资格"), max_length=20, choices=Specialty.choices)
    is_key = models.BooleanField(_("重点检查事项"), default=False)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项清单")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Inspector(models.Model):
    """An enforcement officer of the inspector register (执法检查人员名录库).

    ``jurisdiction`` is a county-level unit, or the city for an officer of a city department; the
    certificate number is the 行政执法证 number shown on every check.
    """

    user = models.OneToOneField(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="inspector_profile",
        verbose_name=_("登录账户"),
    )
    name = models.CharField(_("姓名"), max_length=40)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所属处室")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("所属单位")
    )
    certificate_no = models.CharField(_("执法证号"), max_length=30, unique=True)
    specialties = models.JSONField(_("执法资格"), default=list)
    active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(district_field="jurisdiction_id")

    class Meta:
        ordering = ["jurisdiction__sort_order", "certificate_no"]
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录库")

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"

    def specialty_labels(self) -> list[str]:
        labels = dict(Specialty.choices)
        return [str(labels.get(s, s)) for s in self.specialties]


class Absence(models.Model):
    """A period an inspector is away (请假、培训、借调): not matched to tasks overlapping it."""

    inspector = models.ForeignKey(Inspector, models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=100)

    scope = Scope(district_field="inspector__jurisdiction_id")

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(name="absence_order", condition=Q(ends_on__gte=models.F("starts_on")))
        ]


class Conflict(models.Model):
    """An inspector's declared conflict of interest with a firm (回避声明): never matched to it."""

    inspector = models.ForeignKey(Inspector, models.CASCADE, related_name="conflicts")
    entity = models.ForeignKey(Entity, models.CASCADE, related_name="+")
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_on = models.DateField(_("声明日期"))

    scope = Scope(district_field="inspector__jurisdiction_id")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspector", "entity"], name="conflict_once")]


class Plan(models.Model):
    """A department's annual spot-check plan (年度抽查工作计划); public once made."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("牵头处室")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("制定单位")
    )
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(district_field="jurisdiction_id", public=Q())

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("年度抽查计划")

    def __str__(self) -> str:
        return self.title if str(self.year) in self.title else f"{self.year}年 {self.title}"


class ObjectKind(models.TextChoices):
    """What a task draws (抽查对象): market entities by credit class (the default), or, where the
    equipment app offers them through its provider, special-equipment user units by key/normal."""

    ENTITIES = algorithm.ENTITIES, _("市场主体")
    SPECIAL_EQUIPMENT = algorithm.SPECIAL_EQUIPMENT, _("特种设备使用单位")


# The labels of the strata, per kind of object (pages; the draw itself knows only the letters).
STRATUM_LABELS = {
    ObjectKind.ENTITIES: {"A": "A类", "B": "B类", "C": "C类", "D": "D类", "U": "未分类"},
    ObjectKind.SPECIAL_EQUIPMENT: {"K": "重点使用单位", "N": "一般使用单位"},
}


class Task(models.Model):
    """A spot-check task (抽查任务): items, object scope, ratios per credit class, team size, due date.

    A task whose items belong to several departments is a joint task (部门联合抽查): each drawn firm
    gets one visit covering every item (进一次门、查多项事). Public from its commitment on.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草拟")
        COMMITTED = "committed", _("已公布抽取参数")
        DRAWN = "drawn", _("已抽取")
        ASSIGNED = "assigned", _("已分派")
        COMPLETED = "completed", _("已完成")

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="tasks", verbose_name=_("所属计划"))
    title = models.CharField(_("任务名称"), max_length=200)
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("组织单位")
    )
    lead_department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("牵头处室")
    )
    items = models.ManyToManyField(CheckItem, related_name="tasks", verbose_name=_("抽查事项"))
    districts = models.ManyToManyField(
        Jurisdiction,
        related_name="+",
        blank=True,
        verbose_name=_("抽查范围"),
        help_text=_("为空表示组织单位辖区全部"),
    )
    object_kind = models.CharField(
        _("抽查对象"), max_length=30, choices=ObjectKind.choices, default=ObjectKind.ENTITIES
    )
    entity_types = models.JSONField(_("主体类型"), default=list, blank=True)
    industry_prefix = models.CharField(_("行业代码前缀"), max_length=5, blank=True)
    ratios = models.JSONField(_("各类别抽查比例"))
    ratio_source = models.CharField(_("比例依据"), max_length=300)
    # For a task over objects given by another app: which ratio applies to which objects, and why.
    ratio_basis = models.TextField(_("比例说明"), blank=True)
    a_class_basis = models.CharField(_("抽取A类企业的依据"), max_length=300, blank=True)
    team_size = models.PositiveSmallIntegerField(_("检查组人数"))
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("完成期限"))
    publish_results = models.BooleanField(_("公示结果"), default=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(district_field="jurisdiction_id", public=~Q(status="draft"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("抽查任务")

    def __str__(self) -> str:
        return self.title

    def department_ids(self) -> set[int]:
        return {item.department_id for item in self.items.all()}

    @property
    def is_joint(self) -> bool:
        return len(self.department_ids()) > 1

    @property
    def applies_credit(self) -> bool:
        return algorithm.differentiated(self.ratios)

    @property
    def stratum_labels(self) -> dict[str, str]:
        return STRATUM_LABELS.get(self.object_kind, {})

    def labelled_ratios(self) -> list[tuple[str, str]]:
        """(stratum label, ratio) in drawing order, for pages."""
        labels = self.stratum_labels
        return [(labels.get(s, s), r) for s, r in self.ratios.items()]

    def current_draw(self) -> Draw | None:
        return self.draws.exclude(status=Draw.Status.SUPERSEDED).order_by("-number").first()


class Draw(models.Model):
    """One random selection of inspection objects for a task (双随机抽取), verifiable by anyone.

    Committed first: the frozen eligible list (its SHA-256), the ratios, the beacon's source and the
    commitment to a secret are published. Drawn when the beacon's value is public: the secret is
    revealed and the seed, and the drawn list follow from the algorithm (docs/inspections-draw.md).
    A redraw is a new row with a reason; the old one stays published as superseded.
    """

    class Status(models.TextChoices):
        COMMITTED = "committed", _("已公布，待抽取")
        DRAWN = "drawn", _("已抽取")
        SUPERSEDED = "superseded", _("已作废（重抽）")

    task = models.ForeignKey(Task, models.PROTECT, related_name="draws")
    number = models.PositiveSmallIntegerField(_("抽取次序"))
    reason = models.TextField(_("重抽理由"), blank=True)
    algorithm = models.CharField(max_length=30, default=algorithm.FORMAT)
    # A frozen input: which strata the counts and ratios are over (docs/inspections-draw.md §1a).
    object_kind = models.CharField(
        _("抽查对象"), max_length=30, choices=ObjectKind.choices, default=ObjectKind.ENTITIES
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.COMMITTED)
    eligible_count = models.PositiveIntegerField(_("名录数量"))
    # SHA-256(salt ‖ canonical eligible list): the list holds credit classes, which are internal.
    eligible_sha256 = models.CharField(_("名录加盐哈希"), max_length=64)
    population_sha256 = models.CharField(_("公开名录哈希"), max_length=64)
    strata_counts = models.JSONField(_("各类别数量"))
    ratios = models.JSONField(_("抽查比例"))
    beacon_source = models.CharField(_("公共随机数来源"), max_length=300)  # label of game and issue
    beacon_game = models.CharField(_("彩票"), max_length=10, blank=True)
    beacon_issue = models.CharField(_("期号"), max_length=10, blank=True)
    beacon_due_at = models.DateTimeField(_("开奖时间"))
    commitment = models.CharField(_("种子承诺值"), max_length=64)
    secret = models.CharField(max_length=64)
    # Never published: salts the hashes that cover credit classes and the firms' keys.
    salt = models.CharField(max_length=64, blank=True)
    redraw_limit = models.PositiveSmallIntegerField(_("重抽次数上限"), default=0)
    replaces_sha256 = models.CharField(_("所替代抽取的冻结参数哈希"), max_length=64, blank=True)
    frozen_sha256 = models.CharField(_("冻结参数哈希"), max_length=64)
    committed_at = models.DateTimeField()
    committed_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    beacon_value = models.CharField(_("公共随机数"), max_length=200, blank=True)
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    selected_count = models.PositiveIntegerField(default=0)
    # SHA-256(salt ‖ drawn list with strata and ranks); the public list's hash is drawn_sha256.
    selected_sha256 = models.CharField(max_length=64, blank=True)
    drawn_sha256 = models.CharField(_("公开抽取名单哈希"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    superseded_at = models.DateTimeField(null=True, blank=True)

    scope = Scope(district_field="task__jurisdiction_id", public=Q())

    class Meta:
        ordering = ["task", "number"]
        constraints = [models.UniqueConstraint(fields=["task", "number"], name="draw_number_once")]
        verbose_name = _("抽取")

    def __str__(self) -> str:
        return f"{self.task} 第{self.number}次抽取"

    @property
    def revealed(self) -> bool:
        return self.status != self.Status.COMMITTED

    @property
    def strata(self) -> tuple[str, ...]:
        return algorithm.strata_of(self.object_kind)

    def labelled_counts(self) -> list[tuple[str, int, str, int]]:
        """(stratum label, objects, ratio, how many the ratio draws) in drawing order, for pages."""
        labels = STRATUM_LABELS.get(self.object_kind, {})
        rows = []
        for s in self.strata:
            size, ratio = int(self.strata_counts.get(s, 0)), str(self.ratios.get(s, "0"))
            rows.append((labels.get(s, s), size, ratio, algorithm.stratum_count(size, ratio)))
        return rows


class DrawSnapshot(models.Model):
    """A draw's frozen eligible list (抽查对象名录快照) and, once drawn, its drawn list (抽取名单).

    ``members``: per stratum (A, B, C, D, U; K, N for special-equipment user units), the sorted USCCs
    joined by newlines, the strata
    joined by ``|`` — one value, so that a city-scale draw reads 1.5 million firms in one piece.
    ``selected``: the drawn list's text, lines ``USCC,STRATUM,RANK`` (docs/inspections-draw.md §4).
    """

    draw = models.OneToOneField(Draw, models.CASCADE, primary_key=True, related_name="snapshot")
    members = models.BinaryField()
    selected = models.BinaryField(default=b"")


class ResultCode(models.TextChoices):
    """The result categories of the national spot-check publicity practice (抽查结果公示类别)."""

    NO_PROBLEM = "no_problem", _("未发现问题")
    NOT_DISCLOSED = "not_disclosed", _("未按规定公示应当公示的信息")
    FALSE_DISCLOSURE = "false_disclosure", _("公示信息隐瞒真实情况弄虚作假")
    UNREACHABLE = "unreachable", _("通过登记的住所（经营场所）无法联系")
    RECTIFIED = "rectified", _("发现问题经责令已改正")
    PENDING = "pending", _("发现问题待后续处理")
    OBSTRUCTION = "obstruction", _("不配合检查情节严重")
    NO_ACTIVITY = "no_activity", _("未发现开展本次抽查涉及的经营活动")
    CLOSED = "closed", _("已关闭停业或正在组织清算")
    DEREGISTERED = "deregistered", _("注销")
    REVOKED = "revoked", _("被吊销")
    MOVED_OUT = "moved_out", _("迁出")
    VIOLATION = "violation", _("违反…相关规定")


class Inspection(models.Model):
    """One drawn firm's check in a task (抽查检查): team, result, rectification, publicity, code.

    ``verification_code`` is the check's 行政行为码: its URL and QR let the firm see, without
    logging in, who inspected it, on what basis, and the result.
    """

    class Status(models.TextChoices):
        DRAWN = "drawn", _("待分派")
        ASSIGNED = "assigned", _("待检查")
        UNASSIGNABLE = "unassignable", _("无法组成检查组")
        COMPLETED = "completed", _("已检查")
        CANCELLED = "cancelled", _("已作废（重抽）")

    task = models.ForeignKey(Task, models.PROTECT, related_name="inspections")
    draw = models.ForeignKey(Draw, models.PROTECT, related_name="inspections")
    # Indexed by (entity, created_at) below; no separate index, so that a draw writes fewer.
    entity = models.ForeignKey(Entity, models.PROTECT, related_name="inspections", db_index=False)
    stratum = models.CharField(_("信用类别"), max_length=1)
    rank = models.PositiveIntegerField(_("抽取序位"))
    verification_code = models.CharField(_("核验码"), max_length=16, unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAWN)
    assignment_note = models.CharField(max_length=200, blank=True)
    team = models.ManyToManyField(Inspector, through="InspectionMember", related_name="inspections")
    result_code = models.CharField(_("检查结果"), max_length=20, choices=ResultCode.choices, blank=True)
    violated_regulation = models.CharField(_("违反的规定"), max_length=200, blank=True)
    findings = models.TextField(_("检查情况"), blank=True)
    completed_on = models.DateField(_("检查完成日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    rectification_due = models.DateField(_("责令整改期限"), null=True, blank=True)
    rectification_reported_on = models.DateField(_("整改报告日期"), null=True, blank=True)
    rechecked_on = models.DateField(_("复查日期"), null=True, blank=True)
    recheck_rectified = models.BooleanField(_("复查已整改"), null=True, blank=True)
    recheck_note = models.TextField(_("复查情况"), blank=True)
    referred_at = models.DateTimeField(_("移送立案时间"), null=True, blank=True)
    referral_note = models.TextField(_("移送说明"), blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(
        district_field="entity__jurisdiction_id",
        uscc_field="entity__uscc",
        public=Q(published_at__isnull=False),
        change_roles=FIELD_WRITERS,
    )

    class Meta:
        ordering = ["task", "draw", "stratum", "rank"]
        indexes = [
            models.Index(fields=["entity", "created_at"]),
            models.Index(fields=["status"]),
        ]
        verbose_name = _("抽查检查")

    def __str__(self) -> str:
        return f"{self.task} · {self.entity.name}"

    @property
    def stratum_label(self) -> str:
        """The stratum the firm was drawn from as people say it: "B类", or "重点使用单位" for a task over
        special-equipment user units."""
        return STRATUM_LABELS.get(self.task.object_kind, {}).get(self.stratum, self.stratum)

    @property
    def result_label(self) -> str:
        if self.result_code == ResultCode.VIOLATION:
            return f"违反{self.violated_regulation}相关规定"
        return str(ResultCode(self.result_code).label) if self.result_code else ""


class InspectionMember(models.Model):
    """An inspector on a check's team (检查组成员); the lead (组长) first."""

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="members")
    inspector = models.ForeignKey(Inspector, models.PROTECT, related_name="memberships")
    lead = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "inspector"], name="member_once")]


class AssignmentRun(models.Model):
    """One random matching of inspectors to a draw's firms, with the snapshot that re-runs it."""

    draw = models.ForeignKey(Draw, models.PROTECT, related_name="assignments")
    number = models.PositiveSmallIntegerField()
    inputs = models.JSONField()
    inputs_sha256 = models.CharField(max_length=64)
    seed = models.CharField(max_length=64)
    result_sha256 = models.CharField(max_length=64)
    assigned = models.PositiveIntegerField(default=0)
    unassignable = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["draw", "number"], name="assignment_number_once")]


class Attachment(models.Model):
    """A photo or document of a check (检查照片、文书), in Django's storage; type and size checked."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        DOCUMENT = "document", _("文书")

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="inspections/%Y/%m/")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(
        district_field="inspection__entity__jurisdiction_id",
        uscc_field="inspection__entity__uscc",
        change_roles=FIELD_WRITERS,
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
