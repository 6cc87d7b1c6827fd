"""The one-stop service platform (质量基础设施“一站式”服务, 检验检测服务共享): providers publish their
capabilities; a firm requests a service, gets a quote, books, receives the report and rates it."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.models import Jurisdiction, Role, User
from zhijian.core.scoping import CITY_WIDE, user_district_id
from zhijian.registry.industries import cluster_choices
from zhijian.registry.models import Entity

from ..models import (
    Capability,
    Enrolment,
    EnrolmentStatus,
    ProviderAccount,
    ProviderKind,
    RequestStatus,
    ServiceCategory,
    ServiceProvider,
    ServiceRequest,
    Standard,
)
from .campaign import _record_result
from .common import NotAllowed, QualityError, may_change, record, require, system, today

REPORT_MAX_BYTES = 20 * 1024 * 1024
REPORT_SUFFIXES = (".pdf", ".ofd", ".jpg", ".jpeg", ".png")


def _request_state(r: ServiceRequest) -> dict:
    return {
        "number": r.number,
        "provider": r.provider_id,
        "uscc": r.uscc,
        "status": r.status,
        "quote_price": r.quote_price,
        "quote_days": r.quote_days,
        "sample_on": r.sample_on,
        "report_no": r.report_no,
        "benchmark_met": r.benchmark_met,
        "rating": r.rating,
        "enrolment": r.enrolment_id,
    }


def _audit(actor, action: str, request: ServiceRequest, before: dict | None) -> None:
    record(actor, audit.Change(action, "ServiceRequest", str(request.pk), before, _request_state(request)))


def register_provider(
    *,
    actor,
    name: str,
    kind: str,
    jurisdiction: Jurisdiction,
    local: bool = True,
    address: str = "",
    phone: str = "",
    cma_no: str = "",
    cma_valid_until: dt.date | None = None,
    cnas_no: str = "",
    cnas_valid_until: dt.date | None = None,
) -> ServiceProvider:
    """The city admits a laboratory or service point to the platform (入驻), with its accreditations."""
    require(actor, "quality.provider.register", "只有市局可以审核机构入驻")
    if kind not in ProviderKind.values or not name.strip():
        raise QualityError("bad_provider", "请填写机构名称和类型")
    if (cma_no and not cma_valid_until) or (cnas_no and not cnas_valid_until):
        raise QualityError("validity_missing", "请填写资质证书的有效期")
    with transaction.atomic():
        provider, created = ServiceProvider.objects.update_or_create(
            name=name.strip(),
            defaults=dict(
                kind=kind,
                jurisdiction=jurisdiction,
                local=local,
                address=address,
                phone=phone,
                cma_no=cma_no,
                cma_valid_until=cma_valid_until,
                cnas_no=cnas_no,
                cnas_valid_until=cnas_valid_until,
            ),
        )
        record(
            actor,
            audit.Change(
                "quality.provider.save",
                "ServiceProvider",
                str(provider.pk),
                None,
                {
                    "name": provider.name,
                    "kind": kind,
                    "cma_no": cma_no,
                    "cma_valid_until": cma_valid_until,
                    "cnas_no": cnas_no,
                    "cnas_valid_until": cnas_valid_until,
                    "created": created,
                },
            ),
        )
    return provider


def link_account(*, actor, user: User, provider: ServiceProvider) -> ProviderAccount:
    """Make ``user`` (role ``lab``) an account of ``provider``."""
    require(actor, "quality.provider.register")
    if user.role != Role.LAB:
        raise QualityError("not_lab_user", "只有检验检测机构人员账户可以关联服务机构")
    with transaction.atomic():
        account, _ = ProviderAccount.objects.update_or_create(user=user, defaults={"provider": provider})
        record(
            actor,
            audit.Change(
                "quality.provider.account",
                "ProviderAccount",
                str(account.pk),
                None,
                {"user": user.pk, "provider": provider.pk},
            ),
        )
    return account


def accreditation_valid(provider: ServiceProvider, accredited: str, on: dt.date) -> bool:
    """Whether the accreditation a capability claims (CMA, CNAS or both) is in force on ``on``."""
    cma = bool(provider.cma_no) and provider.cma_valid_until is not None and provider.cma_valid_until >= on
    cnas = (
        bool(provider.cnas_no) and provider.cnas_valid_until is not None and provider.cnas_valid_until >= on
    )
    return {"cma": cma, "cnas": cnas, "both": cma and cnas, "none": True}[accredited]


def publish_capability(
    *,
    actor,
    provider: ServiceProvider,
    category: str,
    item: str,
    products: str,
    standards: list[Standard],
    turnaround_days: int,
    price: Decimal,
    accredited: str = "cma",
    clusters: list[str] | None = None,
    equipment: str = "",
) -> Capability:
    """A provider publishes what it offers; a claimed CMA/CNAS must be in force today."""
    require(actor, "quality.capability.publish", "只有服务机构可以发布服务能力")
    may_change(actor, provider)
    if category not in ServiceCategory.values or not item.strip() or not products.strip():
        raise QualityError("capability_missing", "请填写服务类别、项目和适用产品")
    if category == ServiceCategory.TESTING and not standards:
        raise QualityError(
            "standards_missing", "检验检测能力须注明依据标准", {"standards": "请至少选择一项标准"}
        )
    if turnaround_days <= 0 or price < 0:
        raise QualityError("bad_terms", "周期须大于0，价格不能为负数")
    if not accreditation_valid(provider, accredited, today()):
        raise QualityError("accreditation_expired", "所声明的资质证书缺失或已过有效期，请先更新机构资质")
    known = {code for code, _ in cluster_choices()}
    clusters = [c for c in (clusters or []) if c in known]
    with transaction.atomic():
        capability = Capability.objects.create(
            provider=provider,
            category=category,
            item=item.strip(),
            products=products.strip(),
            clusters=clusters,
            equipment=equipment.strip(),
            turnaround_days=turnaround_days,
            price=price,
            accredited=accredited,
        )
        capability.standards.set(standards)
        record(
            actor,
            audit.Change(
                "quality.capability.publish",
                "Capability",
                str(capability.pk),
                None,
                {
                    "provider": provider.pk,
                    "item": capability.item,
                    "price": price,
                    "standards": [s.number for s in standards],
                    "clusters": clusters,
                },
            ),
        )
    return capability


def request_service(
    *,
    actor,
    capability: Capability,
    uscc: str = "",
    product: str,
    standard: Standard | None = None,
    description: str = "",
    enrolment: Enrolment | None = None,
) -> ServiceRequest:
    """A firm (or its district, for a campaign enrolment) requests a service from a published capability."""
    require(actor, "quality.request.create", "您没有提出服务需求的权限")
    if not capability.active or not capability.provider.active:
        raise QualityError("capability_offline", "该服务已下线")
    if enrolment is not None:
        if system(actor) or actor.role != Role.ENTERPRISE:  # a firm's own is checked by its USCC below
            may_change(actor, enrolment)
        if enrolment.status != EnrolmentStatus.APPROVED:
            raise QualityError("not_approved", "市局确认后才能申请对标检测或技术支持")
        uscc = enrolment.uscc
    if not system(actor) and actor.role == Role.ENTERPRISE:
        uscc = uscc or actor.entity_uscc
        if uscc != actor.entity_uscc:
            raise NotAllowed("只能为本企业提出服务需求")
    entity = Entity.objects.select_related("jurisdiction").filter(uscc=(uscc or "").strip().upper()).first()
    if entity is None:
        raise QualityError("entity_unknown", "市场主体库中没有该企业", {"uscc": "未找到该企业"})
    if (
        not system(actor)
        and actor.role == Role.DISTRICT
        and entity.jurisdiction_id != user_district_id(actor)
    ):
        raise NotAllowed("只能为本辖区企业提出服务需求")
    if not product.strip():
        raise QualityError("product_missing", "请填写产品名称", {"product": "请填写产品名称"})
    if standard is not None and standard.status == "withdrawn":
        raise QualityError("standard_withdrawn", f"{standard.number}已废止")
    now = timezone.now()
    with transaction.atomic():
        request = ServiceRequest.objects.create(
            number=f"T{uuid.uuid4().hex[:19]}",  # replaced by FW<year><id> once the id is known
            provider=capability.provider,
            capability=capability,
            entity=entity,
            entity_name=entity.name,
            uscc=entity.uscc,
            jurisdiction=entity.jurisdiction,
            cluster=(enrolment.industry if enrolment else entity.cluster) or "",
            enrolment=enrolment,
            product=product.strip(),
            standard=standard,
            description=description.strip(),
            requested_at=now,
            requested_by=None if system(actor) else actor,
        )
        request.number = f"FW{now:%Y}{request.pk:07d}"
        request.save(update_fields=["number"])
        _audit(actor, "quality.request.create", request, None)
        events.emit(
            "quality.service_requested",
            {
                "request_id": request.pk,
                "provider_id": request.provider_id,
                "uscc": entity.uscc,
                "cluster": request.cluster,
                "enrolment_id": enrolment.pk if enrolment else None,
            },
        )
    return request


def _lab_owns(actor, request: ServiceRequest) -> None:
    require(actor, "quality.request.answer", "只有承接机构可以处理该需求")
    may_change(actor, request)


def quote_request(
    *, actor, request: ServiceRequest, price: Decimal, days: int, note: str = ""
) -> ServiceRequest:
    """The provider quotes a price and a turnaround (报价)."""
    _lab_owns(actor, request)
    if request.status not in (RequestStatus.REQUESTED, RequestStatus.QUOTED):
        raise QualityError("bad_state", "该需求当前不能报价")
    if price < 0 or days <= 0:
        raise QualityError("bad_terms", "报价不能为负数，周期须大于0", {"price": "请检查报价"})
    with transaction.atomic():
        before = _request_state(request)
        request.status = RequestStatus.QUOTED
        request.quote_price, request.quote_days, request.quote_note = price, days, note.strip()
        request.quoted_at = request.quoted_at or timezone.now()
        request.save(update_fields=["status", "quote_price", "quote_days", "quote_note", "quoted_at"])
        _audit(actor, "quality.request.quote", request, before)
        events.emit("quality.service_quoted", {"request_id": request.pk, "uscc": request.uscc})
    return request


def decline_request(*, actor, request: ServiceRequest, reason: str) -> ServiceRequest:
    """The provider declines (谢绝) a request it cannot take; the reason is kept for the gap analysis."""
    _lab_owns(actor, request)
    if request.status not in (RequestStatus.REQUESTED, RequestStatus.QUOTED):
        raise QualityError("bad_state", "该需求当前不能谢绝")
    if not reason.strip():
        raise QualityError("reason_missing", "请填写谢绝理由")
    with transaction.atomic():
        before = _request_state(request)
        request.status, request.quote_note = RequestStatus.DECLINED, reason.strip()
        request.quoted_at = request.quoted_at or timezone.now()
        request.save(update_fields=["status", "quote_note", "quoted_at"])
        _audit(actor, "quality.request.decline", request, before)
    return request


def _requester(actor, request: ServiceRequest, policy: str) -> None:
    require(actor, policy)
    if system(actor):
        return
    if actor.role == Role.ENTERPRISE:
        if actor.entity_uscc != request.uscc:
            raise NotAllowed("只能处理本企业的服务需求")
        return
    if actor.role not in CITY_WIDE and request.jurisdiction_id != user_district_id(actor):
        raise NotAllowed("只能处理本辖区企业的服务需求")


def accept_quote(*, actor, request: ServiceRequest, sample_on: dt.date) -> ServiceRequest:
    """The requester accepts the quote and books the day the sample goes to the provider (预约)."""
    _requester(actor, request, "quality.request.accept")
    if request.status != RequestStatus.QUOTED:
        raise QualityError("bad_state", "机构报价后才能预约")
    if sample_on < today():
        raise QualityError("date_in_past", "预约送样日期不能早于今天", {"sample_on": "不能早于今天"})
    with transaction.atomic():
        before = _request_state(request)
        request.status, request.sample_on, request.booked_at = RequestStatus.BOOKED, sample_on, timezone.now()
        request.save(update_fields=["status", "sample_on", "booked_at"])
        _audit(actor, "quality.request.book", request, before)
        events.emit("quality.service_booked", {"request_id": request.pk, "provider_id": request.provider_id})
    return request


def deliver_report(
    *,
    actor,
    request: ServiceRequest,
    report_no: str,
    conclusion: str,
    benchmark_met: bool | None = None,
    upload: UploadedFile | None = None,
) -> ServiceRequest:
    """The provider delivers its report (出具报告). For a campaign enrolment the report is the verified
    benchmark result: the enrolment's outcome is set, and a met benchmark is published."""
    _lab_owns(actor, request)
    if request.status != RequestStatus.BOOKED:
        raise QualityError("bad_state", "预约后才能出具报告")
    if not report_no.strip() or not conclusion.strip():
        raise QualityError("report_missing", "请填写报告编号和检测结论", {"report_no": "请填写报告编号"})
    if request.enrolment_id and benchmark_met is None:
        raise QualityError("verdict_missing", "对标检测须给出是否达到比对标准", {"benchmark_met": "请选择"})
    if upload is not None:
        if (upload.size or 0) > REPORT_MAX_BYTES:
            raise QualityError("file_too_large", "报告文件不能超过20MB")
        if not (upload.name or "").lower().endswith(REPORT_SUFFIXES):
            raise QualityError("bad_file", "报告文件应为PDF、OFD或图片")
    with transaction.atomic():
        before = _request_state(request)
        request.status = RequestStatus.DELIVERED
        request.report_no, request.conclusion = report_no.strip(), conclusion.strip()
        request.benchmark_met = benchmark_met
        request.delivered_at = timezone.now()
        if upload is not None:
            request.report_file.save(upload.name or "report.pdf", upload, save=False)
        request.save()
        _audit(actor, "quality.request.deliver", request, before)
        events.emit("quality.service_delivered", {"request_id": request.pk, "uscc": request.uscc})
        if request.enrolment_id:
            _record_result(
                actor=actor,
                enrolment=Enrolment.objects.select_for_update().get(pk=request.enrolment_id),
                laboratory=request.provider,
                report_no=request.report_no,
                result_on=timezone.localdate(request.delivered_at),
                met=bool(benchmark_met),
                summary=request.conclusion,
            )
    return request


def rate_service(*, actor, request: ServiceRequest, rating: int, comment: str = "") -> ServiceRequest:
    """The firm rates the delivered service, 1 to 5 (服务评价)."""
    _requester(actor, request, "quality.request.rate")
    if request.status != RequestStatus.DELIVERED:
        raise QualityError("bad_state", "出具报告后才能评价")
    if not 1 <= rating <= 5:
        raise QualityError("bad_rating", "评分应为1至5分", {"rating": "1至5分"})
    with transaction.atomic():
        before = _request_state(request)
        request.status, request.rating, request.rating_comment = RequestStatus.RATED, rating, comment.strip()
        request.save(update_fields=["status", "rating", "rating_comment"])
        _audit(actor, "quality.request.rate", request, before)
    return request


def cancel_request(*, actor, request: ServiceRequest) -> ServiceRequest:
    """The requester withdraws a request not yet booked."""
    _requester(actor, request, "quality.request.accept")
    if request.status not in (RequestStatus.REQUESTED, RequestStatus.QUOTED):
        raise QualityError("bad_state", "已预约的需求不能取消")
    with transaction.atomic():
        before = _request_state(request)
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status"])
        _audit(actor, "quality.request.cancel", request, before)
    return request
