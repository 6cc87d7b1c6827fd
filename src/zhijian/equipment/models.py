"""Special equipment (特种设备): the register, inspections, maintenance, device alarms, rescue, accidents.

Scoping: district staff see their district's units; an enterprise account sees the units its entity
uses (使用单位) *and* the units it maintains (维保单位) — a maintenance company is an enterprise
whose entity maintains units, so no role of its own is needed; an inspection institute's account
(role ``lab``, its USCC on the user) sees the units assigned to it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijian.core.models import Jurisdiction, Role, RuleValue, User
from zhijian.core.scoping import Scope

STAFF_WRITERS = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT})


class Category(models.TextChoices):
    """The eight kinds of special equipment of the catalogue (特种设备目录, 2014), by catalogue code."""

    BOILER = "1000", _("锅炉")
    PRESSURE_VESSEL = "2000", _("压力容器")
    ELEVATOR = "3000", _("电梯")
    CRANE = "4000", _("起重机械")
    IN_PLANT_VEHICLE = "5000", _("场（厂）内专用机动车辆")
    AMUSEMENT_RIDE = "6000", _("大型游乐设施")
    PRESSURE_PIPING = "8000", _("压力管道")
    ROPEWAY = "9000", _("客运索道")


class UnitStatus(models.TextChoices):
    IN_USE = "in_use", _("在用")
    STOPPED = "stopped", _("停用")
    SCRAPPED = "scrapped", _("报废")


class PlaceKind(models.TextChoices):
    """Where a unit serves; schools, hospitals, malls and stations make a key user unit (重点使用单位)."""

    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    MALL = "mall", _("商场")
    STATION = "station", _("车站")
    RESIDENTIAL = "residential", _("住宅小区")
    OFFICE = "office", _("写字楼")
    FACTORY = "factory", _("工厂")
    OTHER = "other", _("其他")


KEY_PLACES = frozenset({PlaceKind.SCHOOL, PlaceKind.HOSPITAL, PlaceKind.MALL, PlaceKind.STATION})


class RiskClass(models.TextChoices):
    LOW = "1", _("低风险")
    MEDIUM = "2", _("一般风险")
    HIGH = "3", _("较高风险")
    SEVERE = "4", _("高风险")


def _enterprise_units(prefix: str = ""):
    """An enterprise sees what its entity uses and what it maintains."""

    def condition(user) -> Q | None:
        if not user.entity_uscc:
            return None
        return Q(**{f"{prefix}user_unit_uscc": user.entity_uscc}) | Q(
            **{f"{prefix}maintenance_uscc": user.entity_uscc}
        )

    return condition


def _institute_units(prefix: str = ""):
    def condition(user) -> Q | None:
        return Q(**{f"{prefix}institute_uscc": user.entity_uscc}) if user.entity_uscc else None

    return condition


def unit_scope(prefix: str = "", change_roles=STAFF_WRITERS, public=None) -> Scope:
    return Scope(
        district_field=f"{prefix}district_id",
        change_roles=frozenset(change_roles),
        public=public,
        role_filters={
            Role.ENTERPRISE: _enterprise_units(prefix),
            Role.LAB: _institute_units(prefix),
        },
    )


class Unit(models.Model):
    """One unit of special equipment in the register (特种设备使用登记台账).

    The due dates (``registration_due``, ``inspection_valid_until``/``inspection_request_by``,
    ``maintenance_due``, ``selftest_due``) are stored, recomputed by the services whenever an input
    changes, so that the district's due lists are index range scans (see docs/equipment.md).
    """

    code = models.CharField(_("设备代码"), max_length=24, unique=True)
    category = models.CharField(_("设备种类"), max_length=4, choices=Category.choices)
    category_code = models.CharField(_("设备类别品种代码"), max_length=4)
    certificate_no = models.CharField(_("使用登记证编号"), max_length=40, blank=True)
    user_unit_uscc = models.CharField(_("使用单位统一社会信用代码"), max_length=18)
    user_unit_name = models.CharField(_("使用单位"), max_length=200)
    maintenance_uscc = models.CharField(_("维保单位统一社会信用代码"), max_length=18, blank=True)
    maintenance_name = models.CharField(_("维保单位"), max_length=200, blank=True)
    institute_uscc = models.CharField(_("检验机构统一社会信用代码"), max_length=18, blank=True)
    district = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("所属辖区"), db_index=False
    )
    address = models.CharField(_("使用地点"), max_length=300)
    place_kind = models.CharField(_("使用场所"), max_length=12, choices=PlaceKind.choices, default="other")
    manufacturer = models.CharField(_("制造单位"), max_length=200, blank=True)
    model_no = models.CharField(_("型号"), max_length=60, blank=True)
    commissioned_on = models.DateField(_("投入使用日期"))
    registered_on = models.DateField(_("使用登记日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=UnitStatus.choices, default="in_use")
    scrapped_on = models.DateField(_("报废日期"), null=True, blank=True)
    on_demand_maintenance = models.BooleanField(_("按需维保"), default=False)
    maintenance_interval_days = models.PositiveSmallIntegerField(
        _("按需维保周期（日）"), null=True, blank=True, help_text=_("仅按需维保方案适用")
    )
    last_inspected_on = models.DateField(_("最近检验日期"), null=True, blank=True)
    inspection_valid_until = models.DateField(_("下次检验日期（检验有效期至）"), null=True, blank=True)
    inspection_request_by = models.DateField(_("应申报定期检验日期"), null=True, blank=True)
    selftest_due = models.DateField(_("应自行检测日期"), null=True, blank=True)
    last_maintained_on = models.DateField(_("最近维保日期"), null=True, blank=True)
    maintenance_due = models.DateField(_("应维保日期"), null=True, blank=True)
    registration_due = models.DateField(_("应办理使用登记日期"), null=True, blank=True)
    risk_class = models.CharField(_("风险等级"), max_length=1, choices=RiskClass.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = unit_scope()

    class Meta:
        verbose_name = _("特种设备")
        verbose_name_plural = _("特种设备")
        indexes = [
            # due / overdue lists: a range scan of one district's in-use units by validity end
            models.Index(
                fields=["district", "inspection_valid_until"],
                condition=Q(status="in_use"),
                name="unit_due_inspection",
            ),
            models.Index(
                fields=["district", "commissioned_on"],
                condition=Q(status="in_use", inspection_valid_until__isnull=True),
                name="unit_never_inspected",
            ),
            models.Index(
                fields=["district", "maintenance_due"],
                condition=Q(status="in_use", category="3000"),
                name="unit_due_maintenance",
            ),
            models.Index(
                fields=["district", "registration_due"],
                condition=Q(registered_on__isnull=True),
                name="unit_due_registration",
            ),
            models.Index(fields=["user_unit_uscc"], name="unit_user_unit"),
            models.Index(fields=["maintenance_uscc"], name="unit_maintainer"),
            models.Index(fields=["institute_uscc"], name="unit_institute"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.code}"


class UnitChange(models.Model):
    """One step of a unit's history (设备履历): status changes, transfers, register corrections."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="history")
    occurred_on = models.DateField(_("日期"))
    changes = models.JSONField(_("变更内容"), default=dict)
    source = models.CharField(_("来源"), max_length=120, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope = unit_scope("unit__")

    class Meta:
        ordering = ["-occurred_on", "-id"]


class Conclusion(models.TextChoices):
    PASS = "pass", _("合格")
    PASS_AFTER_RECTIFICATION = "rectified", _("复检合格")
    FAIL = "fail", _("不合格")


class InspectionKind(models.TextChoices):
    PERIODIC = "periodic", _("定期检验")
    SUPERVISION = "supervision", _("监督检验")
    SELF_TEST = "self_test", _("自行检测")


class Inspection(models.Model):
    """An inspection result (检验结论) reported by an inspection institute, or a user's self-test."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="inspections")
    kind = models.CharField(_("检验类别"), max_length=12, choices=InspectionKind.choices)
    institute_uscc = models.CharField(_("检验机构统一社会信用代码"), max_length=18, blank=True)
    institute_name = models.CharField(_("检验机构"), max_length=200, blank=True)
    report_no = models.CharField(_("报告编号"), max_length=40)
    inspected_on = models.DateField(_("检验日期"))
    conclusion = models.CharField(_("检验结论"), max_length=10, choices=Conclusion.choices)
    valid_until = models.DateField(_("下次检验日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope = unit_scope("unit__", STAFF_WRITERS | {Role.LAB})

    class Meta:
        ordering = ["-inspected_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit", "report_no"], name="inspection_report_once")]


class MaintenanceKind(models.TextChoices):
    HALF_MONTH = "half_month", _("半月维保")
    QUARTER = "quarter", _("季度维保")
    HALF_YEAR = "half_year", _("半年维保")
    YEAR = "year", _("年度维保")
    ON_DEMAND = "on_demand", _("按需维保")


class MaintenanceRecord(models.Model):
    """A maintenance visit (维保记录) entered by the maintenance company in its own account."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="maintenance")
    maintenance_uscc = models.CharField(_("维保单位统一社会信用代码"), max_length=18)
    kind = models.CharField(_("维保类型"), max_length=12, choices=MaintenanceKind.choices)
    performed_on = models.DateField(_("维保日期"))
    worker = models.CharField(_("维保人员"), max_length=40)
    findings = models.CharField(_("维保情况"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(
        district_field="unit__district_id",
        change_roles=STAFF_WRITERS | {Role.ENTERPRISE},
        role_filters={
            Role.ENTERPRISE: lambda user: (
                Q(maintenance_uscc=user.entity_uscc) | Q(unit__user_unit_uscc=user.entity_uscc)
                if user.entity_uscc
                else None
            ),
            Role.LAB: _institute_units("unit__"),
        },
    )

    class Meta:
        ordering = ["-performed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "performed_on", "kind"], name="maintenance_once")
        ]
        indexes = [models.Index(fields=["maintenance_uscc", "performed_on"], name="maintenance_company")]


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class MaintenanceGrade(models.Model):
    """A maintenance company's yearly grade A–D (维保单位质量评价等级), computed and then published."""

    company_uscc = models.CharField(_("维保单位统一社会信用代码"), max_length=18)
    company_name = models.CharField(_("维保单位"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    units = models.PositiveIntegerField(_("维保台数"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices)
    details = models.JSONField(_("扣分明细"), default=dict)
    computed_at = models.DateTimeField(auto_now=True)
    published = models.BooleanField(_("已公布"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    scope = Scope(
        # Grades are city-wide: every non-city role has its own filter, so no district field applies.
        district_field="id",
        public=Q(published=True),
        change_roles=frozenset({Role.CITY_ADMIN, Role.DEPARTMENT}),
        role_filters={
            Role.DISTRICT: lambda user: Q(),
            Role.INSPECTOR: lambda user: Q(published=True),
            Role.ENTERPRISE: lambda user: Q(published=True) | Q(company_uscc=user.entity_uscc),
            Role.LAB: lambda user: Q(published=True),
        },
    )

    class Meta:
        ordering = ["-year", "-score", "company_uscc"]
        constraints = [models.UniqueConstraint(fields=["company_uscc", "year"], name="grade_once")]


class Device(models.Model):
    """An elevator monitoring terminal (电梯物联网监测终端) with its own credential.

    Only the SHA-256 of the credential is stored; ``silent`` is set when no message came within the
    rule's window and cleared by the next message.
    """

    device_id = models.CharField(_("终端编号"), max_length=40, unique=True)
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="devices")
    district = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+", db_index=False)
    secret_digest = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    last_seen_at = models.DateTimeField(_("最近通讯时间"), null=True, blank=True)
    silent = models.BooleanField(_("失联"), default=False)
    silent_since = models.DateTimeField(null=True, blank=True)

    scope = unit_scope("unit__")

    class Meta:
        indexes = [models.Index(fields=["district", "silent"], name="device_silent")]


class MessageKind(models.TextChoices):
    HEARTBEAT = "heartbeat", _("心跳")
    TRAPPED = "trapped", _("困人")
    DOOR_FAULT = "door_fault", _("门故障")
    OVER_SPEED = "over_speed", _("超速")
    POWER_LOSS = "power_loss", _("停电")


class DeviceMessage(models.Model):
    """One message as a device sent it; ``(device, msg_id)`` is unique, so a repeat is dropped."""

    device = models.ForeignKey(Device, models.CASCADE, related_name="+", db_index=False)
    msg_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    state = models.CharField(max_length=8, default="raised")  # raised | cleared (events only)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "msg_id"], name="device_message_once")]


class AlarmStatus(models.TextChoices):
    OPEN = "open", _("未恢复")
    CLEARED = "cleared", _("已恢复")


class Alarm(models.Model):
    """A fault episode reported by a device (故障报警), raised and later cleared."""

    device = models.ForeignKey(Device, models.CASCADE, related_name="alarms")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="alarms", db_index=False)
    district = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("报警类型"), max_length=12, choices=MessageKind.choices)
    raised_at = models.DateTimeField(_("报警时间"))
    cleared_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=AlarmStatus.choices, default="open")
    late = models.BooleanField(_("迟到报文"), default=False, help_text=_("到达时该故障已恢复（乱序报文）"))
    received_at = models.DateTimeField(auto_now_add=True)

    scope = unit_scope("unit__")

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["district", "-received_at"], name="alarm_screen"),
            models.Index(fields=["device", "kind", "-raised_at"], name="alarm_episode"),
            models.Index(fields=["unit", "raised_at"], name="alarm_unit"),
        ]


class RescueStatus(models.TextChoices):
    OPEN = "open", _("待到达")
    ARRIVED = "arrived", _("已到达")
    CLOSED = "closed", _("已解救")


class RescueCase(models.Model):
    """A trapped-passenger rescue (困人救援) with the maintenance company's arrival deadline."""

    alarm = models.OneToOneField(Alarm, models.PROTECT, null=True, blank=True, related_name="rescue")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="rescues")
    district = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+", db_index=False)
    maintenance_uscc = models.CharField(max_length=18, blank=True)
    opened_at = models.DateTimeField(_("报警时间"))
    arrival_deadline = models.DateTimeField(_("应到达时间"))
    deadline_rule = models.ForeignKey(RuleValue, models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    rescued_at = models.DateTimeField(_("解救时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("超时升级时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=RescueStatus.choices, default="open")
    note = models.CharField(_("救援情况"), max_length=300, blank=True)

    scope = Scope(
        district_field="district_id",
        change_roles=STAFF_WRITERS | {Role.ENTERPRISE},
        role_filters={
            Role.ENTERPRISE: lambda user: (
                Q(maintenance_uscc=user.entity_uscc) | Q(unit__user_unit_uscc=user.entity_uscc)
                if user.entity_uscc
                else None
            ),
        },
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["arrival_deadline"], condition=Q(status="open"), name="rescue_waiting"),
            models.Index(fields=["district", "-opened_at"], name="rescue_district"),
        ]

    @property
    def rescue_minutes(self) -> int | None:
        if self.rescued_at is None:
            return None
        return int((self.rescued_at - self.opened_at).total_seconds() // 60)


class AccidentClass(models.TextChoices):
    """Classes of 特种设备事故报告和调查处理规定 / 特种设备安全监察条例 Art 61–64, plus incidents."""

    EXTRAORDINARY = "extraordinary", _("特别重大事故")
    MAJOR = "major", _("重大事故")
    SERIOUS = "serious", _("较大事故")
    GENERAL = "general", _("一般事故")
    INCIDENT = "incident", _("事件（非事故）")


class Accident(models.Model):
    """An accident or incident with special equipment (特种设备事故), with its casualties."""

    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="accidents")
    district = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    category = models.CharField(_("设备种类"), max_length=4, choices=Category.choices)
    occurred_on = models.DateField(_("发生日期"))
    classification = models.CharField(_("事故等级"), max_length=14, choices=AccidentClass.choices)
    deaths = models.PositiveSmallIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveSmallIntegerField(_("重伤人数"), default=0)
    minor_injuries = models.PositiveSmallIntegerField(_("轻伤人数"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（万元）"), max_digits=12, decimal_places=2, default=0)
    description = models.CharField(_("经过"), max_length=500)
    recorded_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(district_field="district_id", change_roles=STAFF_WRITERS)

    class Meta:
        ordering = ["-occurred_on"]
        indexes = [models.Index(fields=["occurred_on", "district"], name="accident_year")]

    @property
    def is_accident(self) -> bool:
        return self.classification != AccidentClass.INCIDENT


class ReminderKind(models.TextChoices):
    REGISTRATION = "registration", _("使用登记")
    INSPECTION = "inspection", _("定期检验申报")
    OVERDUE = "overdue", _("检验逾期")
    SELF_TEST = "self_test", _("自行检测")
    MAINTENANCE = "maintenance", _("维保逾期")


class Reminder(models.Model):
    """A reminder in the user unit's enterprise account (到期提醒), once per unit, kind and due date."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="reminders")
    user_unit_uscc = models.CharField(max_length=18)
    kind = models.CharField(_("提醒事项"), max_length=12, choices=ReminderKind.choices)
    due_on = models.DateField(_("期限"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    scope = Scope(
        district_field="unit__district_id",
        change_roles=frozenset({Role.ENTERPRISE}),
        role_filters={
            Role.ENTERPRISE: lambda user: Q(user_unit_uscc=user.entity_uscc) if user.entity_uscc else None
        },
    )

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "due_on"], name="equipment_reminder_once")
        ]
        indexes = [models.Index(fields=["user_unit_uscc", "read_at"], name="reminder_inbox")]


class RuleConfirmation(models.Model):
    """An administrator's confirmation of a rule entered as unconfirmed (待确认规则)."""

    rule = models.OneToOneField(RuleValue, models.CASCADE, related_name="+")
    confirmed_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)


class UserUnitRisk(models.Model):
    """The risk class of a user unit (使用单位风险分级) over its units, and whether it is a key unit."""

    uscc = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=200)
    district = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+")
    units = models.PositiveIntegerField()
    key_unit = models.BooleanField(_("重点使用单位"))
    risk_class = models.CharField(max_length=1, choices=RiskClass.choices)
    computed_at = models.DateTimeField(auto_now=True)

    scope = Scope(
        district_field="district_id",
        role_filters={Role.ENTERPRISE: lambda user: Q(uscc=user.entity_uscc) if user.entity_uscc else None},
    )
