"""Filing a complaint, report or enquiry (登记) from every channel: the public form, staff entry for
phone and walk-in, and the national 12315 platform's export (``importing.py`` calls ``prepare_case``).

One writer for all of them: validate (Chinese messages per field), resolve the respondent in the
register, route, fix the rule version on the receipt date, set the first deadline, look for a repeated
report, then save, audit and emit ``complaints.case_received``. The public form passes an
idempotency key (a double submit files once); the import passes the platform's number.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from zhijian.core import events
from zhijian.core.codes import CodeError, validate_uscc
from zhijian.core.models import Jurisdiction
from zhijian.registry.models import Entity
from zhijian.registry.queries import name_fragment

from .. import deadlines
from ..duplicates import complainant_key, is_repeated_report, respondent_key, text_hash
from ..models import CASE_HANDLERS, Case, Category, Channel, Enrolment, Kind, Status
from ._base import ComplaintsError, record, require_role, step, today
from .routing import route

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_FORMULA = ("=", "+", "-", "@")
# Enum .values builds a new list on each call; the import validates 200,000 rows.
KINDS = frozenset(Kind.values)
CATEGORIES = frozenset(Category.values)


@dataclass
class CaseIn:
    """What a complainant or an officer enters (or a platform export row holds)."""

    kind: str
    subject: str
    description: str
    respondent_name: str
    category: str = Category.OTHER
    received_on: dt.date | None = None
    person_name: str = ""
    person_phone: str = ""
    person_id_number: str = ""
    person_address: str = ""
    anonymous: bool = False
    respondent_uscc: str = ""
    respondent_address: str = ""
    platform_uscc: str = ""
    place: str = ""  # a jurisdiction code: where the transaction took place
    product: str = ""
    demand: str = ""
    amount_claimed: str = ""


def clean_phone(raw: str) -> str:
    return re.sub(r"[\s()（）]", "", raw or "").replace("+86", "")


def validate(data: CaseIn, *, on_today: dt.date | None = None, places: dict | None = None) -> dict:
    """Check ``data``; return the cleaned values or raise ComplaintsError with a message per field."""
    errors: dict[str, str] = {}
    on_today = on_today or today()
    clean: dict = {}
    if data.kind not in KINDS:
        errors["kind"] = "请选择投诉、举报或咨询"
    for field, label, limit in (
        ("subject", "标题", 200),
        ("description", "事实和理由", 5000),
        ("respondent_name", "被投诉（举报）对象名称", 200),
        ("person_name", "姓名", 60),
        ("person_address", "联系地址", 200),
        ("product", "商品或服务名称", 100),
        ("demand", "诉求", 300),
        ("respondent_address", "被投诉人地址", 300),
    ):
        value = (getattr(data, field) or "").strip()
        if value[:1] in _FORMULA:
            errors[field] = f"{label}不能以“{value[0]}”开头"
        elif len(value) > limit:
            errors[field] = f"{label}不能超过{limit}个字"
        clean[field] = value
    if not clean["subject"]:
        errors["subject"] = "请填写标题"
    if len(clean["description"]) < 10:
        errors["description"] = "请用不少于10个字说明事实和理由"
    if not clean["respondent_name"] and not (data.respondent_uscc or "").strip():
        errors["respondent_name"] = "请填写被投诉（举报）对象名称"
    anonymous = bool(data.anonymous) and data.kind == Kind.REPORT
    clean["anonymous"] = anonymous
    phone = clean_phone(data.person_phone)
    if not anonymous:
        if not clean["person_name"]:
            errors["person_name"] = "请填写姓名（举报可选择匿名）"
        if not phone:
            errors["person_phone"] = "请填写联系电话"
    if phone and not (MOBILE.match(phone) or LANDLINE.match(phone)):
        errors["person_phone"] = "联系电话格式不正确（手机号为11位数字）"
    clean["person_phone"] = "" if anonymous else phone
    id_number = (data.person_id_number or "").strip().upper()
    if id_number and not anonymous:
        try:
            ric.validate(id_number)
        except stdnum_errors.ValidationError:
            errors["person_id_number"] = "身份证号码不正确"
    clean["person_id_number"] = "" if anonymous else id_number
    if anonymous:
        clean["person_name"] = clean["person_address"] = ""
    for field, label in (
        ("respondent_uscc", "被投诉人统一社会信用代码"),
        ("platform_uscc", "交易平台统一社会信用代码"),
    ):
        raw = (getattr(data, field) or "").strip()
        clean[field] = ""
        if raw:
            try:
                clean[field] = validate_uscc(raw)
            except CodeError as exc:
                errors[field] = f"{label}：{exc}"
    clean["category"] = data.category if data.category in CATEGORIES else ""
    if not clean["category"]:
        errors["category"] = "请选择商品或服务类别"
    received = data.received_on or on_today
    if received > on_today:
        errors["received_on"] = "登记日期不能晚于今天"
    clean["received_on"] = received
    clean["place"] = None
    if data.place:
        code = data.place.strip()
        clean["place"] = (
            places.get(code) if places is not None else Jurisdiction.objects.filter(code=code).first()
        )
        if clean["place"] is None:
            errors["place"] = "交易发生地无效"
    amount = (data.amount_claimed or "").strip().replace(",", "")
    clean["amount_claimed"] = None
    if amount:
        try:
            clean["amount_claimed"] = Decimal(amount).quantize(Decimal("0.01"))
            if clean["amount_claimed"] < 0 or clean["amount_claimed"] >= Decimal("1e10"):
                raise InvalidOperation
        except InvalidOperation:
            errors["amount_claimed"] = "涉案金额应为不小于0的数字"
    clean["kind"] = data.kind
    if errors:
        first = next(iter(errors.values()))
        raise ComplaintsError("invalid", f"请检查填写内容：{first}", errors)
    return clean


def resolve_respondent(uscc: str, name: str) -> Entity | None:
    """The respondent in the register: by USCC, else by its exact name (unique); None when unknown."""
    if uscc:
        return Entity.objects.select_related("jurisdiction", "office").filter(uscc=uscc).first()
    # name_fragment lets PostgreSQL answer through the register's bigram index instead of a scan
    name = name.strip()
    found = list(
        Entity.objects.select_related("jurisdiction", "office").filter(name_fragment(name), name=name)[:2]
    )
    return found[0] if len(found) == 1 else None


# byte → its character of the code (b % 31), so that six random bytes become six characters at once
_CODE_BYTES = bytes(ord(_CODE_ALPHABET[b % 31]) for b in range(256))


def new_code(received_on: dt.date) -> str:
    """A tracking code (查询码): T + receipt date + six characters nobody can guess."""
    # one read of the system's randomness per code (an import makes 200,000 of them)
    day = f"{received_on.year % 100:02d}{received_on.month:02d}{received_on.day:02d}"
    return "T" + day + secrets.token_bytes(6).translate(_CODE_BYTES).decode("ascii")


def enrolled(uscc: str, programme: str, on: dt.date) -> bool:
    if not uscc:
        return False
    return Enrolment.objects.filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on),
        uscc=uscc,
        programme=programme,
        enrolled_on__lte=on,
    ).exists()


def prepare_case(
    clean: dict, *, channel: str, platform_no: str | None = None, idempotency_key: str | None = None
) -> Case:
    """An unsaved case from cleaned values: respondent resolved, routed, rule version fixed."""
    received_on = clean["received_on"]
    version = deadlines.rule_version_on(received_on)
    respondent = resolve_respondent(clean["respondent_uscc"], clean["respondent_name"])
    platform = resolve_respondent(clean["platform_uscc"], "") if clean["platform_uscc"] else None
    where = route(rule_version=version, respondent=respondent, platform=platform, place=clean["place"])
    uscc = respondent.uscc if respondent else clean["respondent_uscc"]
    return Case(
        code=new_code(received_on),
        kind=clean["kind"],
        channel=channel,
        platform_no=platform_no or None,
        idempotency_key=idempotency_key or None,
        received_on=received_on,
        rule_version=version,
        person_name=clean["person_name"],
        person_phone=clean["person_phone"],
        person_id_number=clean["person_id_number"],
        person_address=clean["person_address"],
        anonymous=clean["anonymous"],
        complainant_key=complainant_key(clean["person_phone"], clean["person_id_number"]),
        respondent=respondent,
        respondent_uscc=uscc,
        respondent_name=respondent.name if respondent else (clean["respondent_name"] or uscc),
        respondent_address=clean["respondent_address"] or (respondent.address if respondent else ""),
        respondent_key=respondent_key(uscc, clean["respondent_name"]),
        platform_uscc=clean["platform_uscc"],
        category=clean["category"],
        product=clean["product"],
        subject=clean["subject"],
        description=clean["description"],
        demand=clean["demand"],
        amount_claimed=clean["amount_claimed"],
        text_hash=text_hash(clean["subject"], clean["description"]),
        jurisdiction=where.unit,
        office=where.office,
        routed_by=where.basis,
    )


def start_clock(case: Case) -> deadlines.PlannedDeadline | None:
    """The first time limit of a case being filed: an ODR firm's window, the acceptance decision, or the
    report's check. Set on the unsaved case (one INSERT files it); returns the deadline to store once
    the case is saved."""
    first = None
    if case.kind == Kind.COMPLAINT and enrolled(
        case.respondent_uscc, Enrolment.Programme.ODR, case.received_on
    ):
        first = deadlines.plan_case_deadline(case, "odr", case.received_on)
        case.status, case.odr_until = Status.ODR, first.due
    elif case.kind == Kind.COMPLAINT:
        first = deadlines.plan_case_deadline(case, "acceptance", case.received_on)
        case.acceptance_due = first.due
    elif case.kind == Kind.REPORT:
        first = deadlines.plan_case_deadline(case, "report_verify", case.received_on)
        case.handling_due = first.due
        case.repeated_report = is_repeated_report(case)
    return first


def file_case(
    *, actor, data: CaseIn, channel: str, idempotency_key: str | None = None, platform_no: str | None = None
) -> tuple[Case, bool]:
    """File a case; return (case, created). A repeated idempotency key returns the first filing."""
    if channel in (Channel.PHONE, Channel.WALK_IN):
        require_role(actor, CASE_HANDLERS, "只有市场监管部门工作人员可以录入电话和来访登记")
    if idempotency_key:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    clean = validate(data)
    try:
        with transaction.atomic():
            case = prepare_case(
                clean, channel=channel, platform_no=platform_no, idempotency_key=idempotency_key
            )
            first = start_clock(case)
            case.save()
            if first is not None:
                deadlines.store_case_deadline(case, first, new=True)
            channel_label = Channel(channel).label
            step(
                case,
                actor,
                "received",
                f"{channel_label}登记",
                case.received_on,
                f"分派至{case.jurisdiction.name}（{case.routed_by}）",
            )
            if case.status == Status.ODR:
                step(
                    case,
                    actor,
                    "odr",
                    "转ODR企业先行处理",
                    case.received_on,
                    f"企业处理截止 {case.odr_until:%Y-%m-%d}",
                )
            record(
                actor,
                "complaints.case.file",
                case,
                None,
                {
                    "code": case.code,
                    "kind": case.kind,
                    "channel": channel,
                    "respondent": case.respondent_key,
                    "jurisdiction": case.jurisdiction.code,
                    "rule_version": case.rule_version,
                },
            )
            events.emit(
                "complaints.case_received",
                {
                    "case_id": case.pk,
                    "code": case.code,
                    "kind": case.kind,
                    "respondent_uscc": case.respondent_uscc,
                    "jurisdiction": case.jurisdiction.code,
                    "received_on": case.received_on,
                    "category": case.category,
                    "channel": channel,
                    "respondent_name": case.respondent_name,
                    "product": case.product,
                    "platform_uscc": case.platform_uscc,
                },
            )
    except IntegrityError:
        if idempotency_key:
            existing = Case.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
        raise
    return case, True
