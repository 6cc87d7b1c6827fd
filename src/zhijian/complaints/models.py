"""12315 complaints and reports (投诉举报): intake, routing, time limits, mediation, disclosure.

A :class:`Case` is one complaint (投诉: a consumer's dispute with a business), report (举报: a clue of
a violation) or enquiry (咨询), from any channel. It keeps the procedure version (``rule_version``) in
force on its receipt date: SAMR Order 20 until 2026-04-14, Order 121 from 2026-04-15. Its time
limits are :class:`~zhijian.core.models.Deadline` rows counted in working days on the core calendar,
each pointing at the rule (with its article) it was computed from; the due dates the lists and
figures need are copied onto the case by the same service call that writes the deadline.

Personal data of the complainant or reporter (name, phone, ID number, address) is stored in full and
shown masked (``privacy.py``) to everyone but the handling officer; duplicates are found through
hashed keys, never through the plain phone or ID number.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijian.core.models import Jurisdiction, Role, RuleValue, User
from zhijian.core.scoping import Scope

CASE_HANDLERS = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT})


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    ENQUIRY = "enquiry", _("咨询")


class Channel(models.TextChoices):
    WEB = "web", _("网上登记")
    PHONE = "phone", _("电话")
    WALK_IN = "walk_in", _("来访")
    PLATFORM = "platform", _("全国12315平台")


class RuleVersion(models.TextChoices):
    """The complaint-and-report procedure a case runs under, fixed on its receipt date."""

    ORDER_20 = "order20", _("《市场监督管理投诉举报处理暂行办法》（总局令第20号）")
    ORDER_121 = "order121", _("《市场监督管理投诉举报处理办法》（总局令第121号）")


class Status(models.TextChoices):
    RECEIVED = "received", _("待受理")
    ODR = "odr", _("企业先行处理")
    ACCEPTED = "accepted", _("已受理")
    MEDIATING = "mediating", _("调解中")
    DISPUTED = "disputed", _("管辖争议待指定")
    CLOSED = "closed", _("已办结")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = (Status.RECEIVED, Status.ODR, Status.ACCEPTED, Status.MEDIATING, Status.DISPUTED)


class Category(models.TextChoices):
    """Goods and services classification of consumer complaints (商品和服务分类, top level)."""

    FOOD = "food", _("食品")
    CLOTHING = "clothing", _("服装鞋帽")
    APPLIANCES = "appliances", _("家用电器")
    ELECTRONICS = "electronics", _("通讯及电子产品")
    VEHICLES = "vehicles", _("交通工具")
    HOUSING = "housing", _("房屋及建材")
    COSMETICS = "cosmetics", _("化妆品")
    HEALTH = "health", _("医药及医疗用品")
    DAILY = "daily", _("日用商品")
    CATERING = "catering", _("餐饮住宿服务")
    EDUCATION = "education", _("教育培训服务")
    LIFE_SERVICE = "life_service", _("生活社会服务")
    INTERNET = "internet", _("互联网服务")
    TRAVEL = "travel", _("旅游服务")
    OTHER = "other", _("其他")


class Outcome(models.TextChoices):
    MEDIATED = "mediated", _("调解成功")
    ODR_SETTLED = "odr_settled", _("企业和解")
    TERMINATED = "terminated", _("终止调解")
    FILED = "filed", _("举报已立案")
    NOT_FILED = "not_filed", _("举报不予立案")
    ANSWERED = "answered", _("已答复")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    MERGED = "merged", _("合并处理")


class TerminationGround(models.TextChoices):
    """Grounds to end mediation (终止调解), after Order 20 Art 21."""

    WITHDRAWN = "withdrawn", _("投诉人撤回投诉")
    REFUSED = "refused", _("当事人一方拒绝调解")
    UNREACHABLE = "unreachable", _("无法与投诉人或被投诉人取得联系")
    NO_AGREEMENT = "no_agreement", _("调解不成")
    TIME_LIMIT = "time_limit", _("自受理之日起45个工作日内调解不成")
    COURT = "court", _("已经人民法院、仲裁机构、其他行政机关受理或处理")
    OTHER = "other", _("其他依法终止调解的情形")


class NotAcceptedGround(models.TextChoices):
    """Grounds not to accept a complaint (不予受理), after Order 20 Art 15."""

    NO_DISPUTE = "no_dispute", _("不属于消费者权益争议")
    NOT_OURS = "not_ours", _("不属于本部门管辖")
    COURT = "court", _("已经法院、仲裁机构或其他行政机关受理或处理")
    REPEATED = "repeated", _("同一投诉已受理或处理，投诉人无新的事实和理由")
    LATE = "late", _("超过三年投诉时效")
    NO_PARTY = "no_party", _("未提供被投诉人或事实理由")
    OTHER = "other", _("其他不予受理的情形")


def jurisdiction_scope() -> Scope:
    return Scope(
        district_field="jurisdiction_id",
        uscc_field="respondent_uscc",
        change_roles=CASE_HANDLERS,
        # A firm sees the complaints against it; reports and enquiries never (the reporter is protected).
        role_filters={
            Role.ENTERPRISE: lambda user: (
                Q(respondent_uscc=user.entity_uscc, kind=Kind.COMPLAINT) if user.entity_uscc else None
            ),
            Role.LAB: lambda user: None,
        },
    )


class Cluster(models.Model):
    """A group of mass complaints about one respondent or one product in one month (群体投诉)."""

    class KeyKind(models.TextChoices):
        RESPONDENT = "respondent", _("同一被投诉人")
        PRODUCT = "product", _("同一商品或服务")

    key_kind = models.CharField(max_length=12, choices=KeyKind.choices)
    key = models.CharField(max_length=200)
    month = models.DateField()
    label = models.CharField(_("名称"), max_length=200)
    size = models.PositiveIntegerField(_("件数"))
    complainants = models.PositiveIntegerField(_("投诉人数"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+", null=True)
    computed_at = models.DateTimeField(auto_now=True)

    scope = Scope(district_field="jurisdiction_id", change_roles=CASE_HANDLERS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key_kind", "key", "month"], name="cluster_once")]
        verbose_name = _("群体投诉")


class Case(models.Model):
    """One complaint, report or enquiry (投诉举报件) with its procedure version and time limits."""

    code = models.CharField(_("查询码"), max_length=16, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    platform_no = models.CharField(_("全国平台编号"), max_length=40, null=True, blank=True, unique=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    received_on = models.DateField(_("登记日期"))
    rule_version = models.CharField(_("适用程序"), max_length=10, choices=RuleVersion.choices)
    # The complainant (投诉人) or reporter (举报人): personal data, masked on every page but the handler's.
    person_name = models.CharField(_("姓名"), max_length=60, blank=True)
    person_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    person_id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    person_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    complainant_key = models.CharField(max_length=16, blank=True, help_text="hash of phone or ID number")
    # The respondent (被投诉举报人): resolved to the register when it can be.
    respondent = models.ForeignKey(
        "registry.Entity", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    respondent_uscc = models.CharField(_("被投诉人统一社会信用代码"), max_length=18, blank=True)
    respondent_name = models.CharField(_("被投诉人名称"), max_length=200)
    respondent_address = models.CharField(_("被投诉人地址"), max_length=300, blank=True)
    respondent_key = models.CharField(max_length=200, blank=True, help_text="USCC, else normalised name")
    platform_uscc = models.CharField(_("交易平台统一社会信用代码"), max_length=18, blank=True)
    category = models.CharField(_("商品服务类别"), max_length=14, choices=Category.choices)
    product = models.CharField(_("商品或服务名称"), max_length=100, blank=True)
    subject = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("事实和理由"))
    demand = models.CharField(_("诉求"), max_length=300, blank=True)
    amount_claimed = models.DecimalField(
        _("涉案金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    text_hash = models.CharField(max_length=16, blank=True, help_text="hash of the normalised text")
    # Routing.
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("承办单位"), db_index=False
    )
    office = models.ForeignKey(
        Jurisdiction,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办市场监管所"),
    )
    handler = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("承办人")
    )
    routed_by = models.CharField(_("分派依据"), max_length=60, blank=True)
    # State.
    status = models.CharField(_("状态"), max_length=14, choices=Status.choices, default=Status.RECEIVED)
    odr_until = models.DateField(_("企业处理截止"), null=True, blank=True)
    odr_ended_on = models.DateField(_("企业处理结束日期"), null=True, blank=True)
    parties_told_on = models.DateField(_("告知当事人日期"), null=True, blank=True)
    acceptance_due = models.DateField(_("受理决定期限"), null=True, blank=True)
    handling_due = models.DateField(_("办理期限"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    not_accepted_ground = models.CharField(
        _("不予受理理由"), max_length=14, choices=NotAcceptedGround.choices, blank=True
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=14, choices=Outcome.choices, blank=True)
    termination_ground = models.CharField(
        _("终止调解理由"), max_length=14, choices=TerminationGround.choices, blank=True
    )
    amount_recovered = models.DecimalField(
        _("挽回经济损失（元）"), max_digits=12, decimal_places=2, default=0
    )
    result_text = models.TextField(_("处理结果说明"), blank=True)
    case_decision_no = models.CharField(_("立案（不予立案）决定文号"), max_length=60, blank=True)
    reporter_told_on = models.DateField(_("告知举报人日期"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged_cases", verbose_name=_("并入")
    )
    merge_reason = models.CharField(_("合并理由"), max_length=300, blank=True)
    repeated_report = models.BooleanField(_("重复举报"), default=False)
    cluster = models.ForeignKey(Cluster, models.SET_NULL, null=True, blank=True, related_name="cases")
    created_at = models.DateTimeField(auto_now_add=True)

    scope = jurisdiction_scope()

    class Meta:
        verbose_name = _("投诉举报件")
        verbose_name_plural = _("投诉举报件")
        indexes = [
            # Duplicate candidates: same complainant and respondent, newest first (duplicates.py).
            models.Index(fields=["complainant_key", "respondent_key", "received_on"], name="case_dup_key"),
            models.Index(fields=["jurisdiction", "status", "received_on"], name="case_unit_status"),
            models.Index(fields=["respondent_uscc", "received_on"], name="case_respondent"),
            models.Index(fields=["received_on"], name="case_received"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def respondent_known(self) -> bool:
        return self.respondent_id is not None


class CaseStep(models.Model):
    """One step in a case's history (办理过程), shown to the officer and, summarised, to the complainant."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="steps")
    at = models.DateTimeField(auto_now_add=True)
    on = models.DateField()
    action = models.CharField(max_length=40)
    label = models.CharField(max_length=60)
    note = models.TextField(blank=True)
    actor_name = models.CharField(max_length=150)
    public = models.BooleanField(default=True, help_text="shown to the complainant on the tracking page")

    class Meta:
        ordering = ["at", "id"]


class Transfer(models.Model):
    """A transfer of a case to another unit (移送/转办) with its reason."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    reason = models.CharField(_("移送理由"), max_length=300)
    on = models.DateField()
    by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")


class JurisdictionDispute(models.Model):
    """A jurisdiction dispute (管辖争议) escalated to the city bureau, which designates the unit."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="disputes")
    raised_by_unit = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    other_unit = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    reason = models.CharField(_("争议理由"), max_length=300)
    raised_on = models.DateField()
    due = models.DateField(_("指定管辖期限"))
    decided_on = models.DateField(null=True, blank=True)
    decided_unit = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+")
    decision_note = models.CharField(max_length=300, blank=True)


class Mediation(models.Model):
    """A mediation session (调解记录) of an accepted complaint."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="mediations")
    held_on = models.DateField(_("调解日期"))
    method = models.CharField(_("方式"), max_length=20, default="电话调解")
    agreed = models.BooleanField(_("达成调解协议"))
    amount = models.DecimalField(_("挽回经济损失（元）"), max_digits=12, decimal_places=2, default=0)
    note = models.TextField(_("调解情况"))
    by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")


class ClockPause(models.Model):
    """Testing, appraisal or similar time that does not count in the mediation limit (Order 20 Art 20)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="pauses")
    reason = models.CharField(_("事由"), max_length=100)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)


class Enrolment(models.Model):
    """A firm's enrolment in ODR (在线消费纠纷解决) or compensation-first (赔偿先付); history by rows.

    A row is one period of enrolment; withdrawing closes it (``withdrawn_on``), enrolling again opens
    a new row. The firm is enrolled on a day when a row covers that day.
    """

    class Programme(models.TextChoices):
        ODR = "odr", _("ODR在线纠纷解决")
        COMPENSATION_FIRST = "comp_first", _("赔偿先付")

    entity = models.ForeignKey("registry.Entity", models.PROTECT, related_name="+")
    uscc = models.CharField(max_length=18)
    programme = models.CharField(_("项目"), max_length=12, choices=Programme.choices)
    enrolled_on = models.DateField(_("加入日期"))
    withdrawn_on = models.DateField(_("退出日期"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("退出原因"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")

    scope = Scope(
        district_field="jurisdiction_id",
        uscc_field="uscc",
        public=Q(withdrawn_on__isnull=True),
        change_roles=CASE_HANDLERS,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["uscc", "programme"],
                condition=Q(withdrawn_on__isnull=True),
                name="enrolment_open_once",
            )
        ]
        indexes = [models.Index(fields=["uscc", "programme", "enrolled_on"], name="enrolment_lookup")]


class FirmReply(models.Model):
    """A firm's reply on its consumer-complaint disclosure (消费投诉公示企业回应)."""

    uscc = models.CharField(max_length=18, unique=True)
    text = models.TextField(_("企业回应"))
    updated_at = models.DateTimeField(auto_now=True)


class RuleCheck(models.Model):
    """Whether an administrator has confirmed a rule value against the official text (规则核对).

    A rule with a row here and ``confirmed_on`` empty is unconfirmed: every case computed on it says so.
    """

    rule = models.OneToOneField(RuleValue, models.CASCADE, related_name="complaints_check")
    article = models.CharField(_("条款"), max_length=60)
    confirmed_on = models.DateField(null=True, blank=True)
    confirmed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    checked_against = models.CharField(_("核对依据"), max_length=200, blank=True)


class IntakeThrottle(models.Model):
    """Submissions of the public form per client and minute, for the rate limit (shared by all workers)."""

    client = models.CharField(max_length=64)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "minute"], name="throttle_once")]


class ImportRun(models.Model):
    """An import of the national 12315 platform's export (全国12315平台数据导入)."""

    actor = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    unchanged = models.PositiveIntegerField()
    finished_at = models.DateTimeField()
