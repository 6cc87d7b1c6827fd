"""Results of checks (检查结果): recording, attachments, rectification, re-check, referral, publicity."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.models import Role
from zhijian.core.rules import rule
from zhijian.core.scoping import CHANGE, can
from zhijian.core.workdays import set_deadline

from ..models import (
    Attachment,
    Inspection,
    ResultCode,
    Task,
)
from ..topics import RESULT_TOPIC  # noqa: E402,F401 - the topic is declared with its schema
from ._common import (
    DEADLINE_TYPE,
    MAX_ATTACHMENT_BYTES,
    PUBLICITY_RULE,
    RECHECK_RULE,
    InspectionError,
    _require_change,
    _require_staff,
    _role,
    _text,
)

# --- results --------------------------------------------------------------------------------------


def _may_work_on(actor, inspection: Inspection) -> bool:
    """Team members work on their own checks; staff of the firm's district (or the city) on any."""
    role = _role(actor)
    if role == Role.INSPECTOR:
        return inspection.members.filter(inspector__user=actor).exists()
    return role in (Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT) and can(actor, inspection, CHANGE)


def _require_work(actor, inspection: Inspection) -> None:
    if not _may_work_on(actor, inspection):
        raise PermissionDenied


def _snapshot_result(inspection: Inspection) -> dict:
    return {
        "status": inspection.status,
        "result_code": inspection.result_code,
        "violated_regulation": inspection.violated_regulation,
        "findings": inspection.findings,
        "completed_on": inspection.completed_on,
        "rectification_due": inspection.rectification_due,
        "rectification_reported_on": inspection.rectification_reported_on,
        "rechecked_on": inspection.rechecked_on,
        "recheck_rectified": inspection.recheck_rectified,
        "recheck_note": inspection.recheck_note,
        "referred_at": inspection.referred_at,
        "referral_note": inspection.referral_note,
        "published_at": inspection.published_at,
    }


def legal_basis_text(task: Task) -> str:
    return "；".join(dict.fromkeys(item.legal_basis for item in task.items.order_by("code")))


def _emit_result(inspection: Inspection) -> None:
    task = inspection.task
    department = task.lead_department.name if task.lead_department else task.jurisdiction.name
    events.emit(
        RESULT_TOPIC,
        {
            "inspection_id": inspection.pk,
            "task_id": task.pk,
            "entity_id": inspection.entity_id,
            "uscc": inspection.entity.uscc,
            "result_code": inspection.result_code,
            "result_label": inspection.result_label,
            "completed_on": inspection.completed_on.isoformat() if inspection.completed_on else None,
            "department": department,
            "legal_basis": legal_basis_text(task),
            "public": task.publish_results,
            "task_title": task.title,
            "verification_code": inspection.verification_code,
        },
    )


def record_result(
    *,
    actor,
    inspection: Inspection,
    result_code: str,
    completed_on: dt.date,
    findings: str = "",
    violated_regulation: str = "",
    rectification_due: dt.date | None = None,
) -> Inspection:
    """Record (or correct) a check's result (录入检查结果); starts the 20-working-day publicity clock."""
    _require_work(actor, inspection)
    if result_code not in ResultCode.values:
        raise InspectionError("result_code", "请选择检查结果")
    findings = _text(findings, field="检查情况", code="result_findings", max_length=5000, required=False)
    violated_regulation = _text(
        violated_regulation,
        field="违反的规定",
        code="result_regulation",
        max_length=200,
        required=result_code == ResultCode.VIOLATION,
    )
    today = timezone.localdate()
    if completed_on is None or completed_on > today:
        raise InspectionError("result_date", "检查完成日期不能晚于今天")
    if result_code == ResultCode.PENDING:
        if rectification_due is None or rectification_due < completed_on:
            raise InspectionError(
                "result_rectification_due", "发现问题待后续处理的，请填写不早于检查日期的责令整改期限"
            )
    else:
        rectification_due = None
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update().select_related("task", "entity").get(pk=inspection.pk)
        )
        if inspection.status not in (Inspection.Status.ASSIGNED, Inspection.Status.COMPLETED):
            raise InspectionError("result_state", "该检查尚未分派或已作废，不能录入结果")
        if inspection.draw.drawn_at and completed_on < timezone.localdate(inspection.draw.drawn_at):
            raise InspectionError("result_date", "检查完成日期不能早于抽取日期")
        before = _snapshot_result(inspection)
        inspection.result_code = result_code
        inspection.violated_regulation = violated_regulation if result_code == ResultCode.VIOLATION else ""
        inspection.findings = findings
        inspection.completed_on = completed_on
        inspection.rectification_due = rectification_due
        inspection.status = Inspection.Status.COMPLETED
        inspection.recorded_by = actor
        inspection.recorded_at = timezone.now()
        inspection.save()
        set_deadline(
            object_type=DEADLINE_TYPE,
            object_id=str(inspection.pk),
            kind="publicity",
            start=completed_on,
            rule=rule(PUBLICITY_RULE, on=completed_on),
        )
        audit.record(
            actor,
            audit.Change(
                "inspections.record_result",
                "Inspection",
                str(inspection.pk),
                before,
                _snapshot_result(inspection),
            ),
        )
        _emit_result(inspection)
        open_left = inspection.task.inspections.filter(
            draw=inspection.draw, status__in=[Inspection.Status.DRAWN, Inspection.Status.ASSIGNED]
        ).exists()
        if not open_left:
            Task.objects.filter(pk=inspection.task_id).update(status=Task.Status.COMPLETED)
    return inspection


_MAGIC = [
    (b"\xff\xd8\xff", "image/jpeg", Attachment.Kind.PHOTO),
    (b"\x89PNG\r\n\x1a\n", "image/png", Attachment.Kind.PHOTO),
    (b"%PDF-", "application/pdf", Attachment.Kind.DOCUMENT),
]


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, kind) from a file's first bytes, or None for a type not accepted."""
    for magic, content_type, kind in _MAGIC:
        if head.startswith(magic):
            return content_type, kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", Attachment.Kind.PHOTO
    return None


def attach_file(*, actor, inspection: Inspection, name: str, data: bytes) -> Attachment:
    """Attach a photo (JPEG, PNG, WebP) or a document (PDF) of at most 10 MB to a check."""
    _require_work(actor, inspection)
    if inspection.status == Inspection.Status.CANCELLED:
        raise InspectionError("attachment_state", "该检查已作废")
    if not data:
        raise InspectionError("attachment_empty", "文件为空")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise InspectionError(
            "attachment_size",
            f"文件过大：{len(data) / 1048576:.1f} MB，单个文件不能超过 {MAX_ATTACHMENT_BYTES // 1048576} MB",
        )
    sniffed = sniff(data[:16])
    if sniffed is None:
        raise InspectionError("attachment_type", "只能上传JPEG、PNG、WebP格式的照片或PDF格式的文书")
    content_type, kind = sniffed
    digest = hashlib.sha256(data).hexdigest()
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}[
        content_type
    ]
    original = (str(name or "").replace("\\", "/").rsplit("/", 1)[-1] or f"file.{extension}")[:200]
    with transaction.atomic():
        attachment = Attachment(
            inspection=inspection,
            kind=kind,
            original_name=original,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=actor,
        )
        attachment.file.save(f"{inspection.pk}-{digest[:16]}.{extension}", ContentFile(data), save=False)
        attachment.save()
        audit.record(
            actor,
            audit.Change(
                "inspections.attach_file",
                "Attachment",
                str(attachment.pk),
                None,
                {
                    "inspection": inspection.pk,
                    "name": original,
                    "content_type": content_type,
                    "size": len(data),
                    "sha256": digest,
                },
            ),
        )
    return attachment


def report_rectification(*, actor, inspection: Inspection, reported_on: dt.date) -> Inspection:
    """Record the firm's rectification report (整改报告); the re-check falls due 10 working days on."""
    _require_work(actor, inspection)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.result_code != ResultCode.PENDING:
            raise InspectionError("rectification_state", "只有“发现问题待后续处理”的检查需要整改")
        if reported_on > timezone.localdate() or (
            inspection.completed_on and reported_on < inspection.completed_on
        ):
            raise InspectionError(
                "rectification_date",
                "整改报告日期须在检查日期与今天之间",
                fields={"on": "整改报告日期须在检查日期与今天之间"},
            )
        before = _snapshot_result(inspection)
        inspection.rectification_reported_on = reported_on
        inspection.save(update_fields=["rectification_reported_on"])
        set_deadline(
            object_type=DEADLINE_TYPE,
            object_id=str(inspection.pk),
            kind="recheck",
            start=reported_on,
            rule=rule(RECHECK_RULE, on=reported_on),
        )
        audit.record(
            actor,
            audit.Change(
                "inspections.report_rectification",
                "Inspection",
                str(inspection.pk),
                before,
                _snapshot_result(inspection),
            ),
        )
    return inspection


def record_recheck(
    *, actor, inspection: Inspection, rechecked_on: dt.date, rectified: bool, note: str = ""
) -> Inspection:
    """Record the re-check (复查). Rectified: the result becomes 发现问题经责令已改正 (a corrected
    result, announced again); not rectified: the check stays pending and may be referred for a case."""
    _require_work(actor, inspection)
    note = _text(note, field="复查情况", code="recheck_note", max_length=5000, required=not rectified)
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update().select_related("task", "entity").get(pk=inspection.pk)
        )
        if inspection.result_code != ResultCode.PENDING or inspection.rectification_reported_on is None:
            raise InspectionError("recheck_state", "请先登记整改报告")
        if rechecked_on > timezone.localdate() or rechecked_on < inspection.rectification_reported_on:
            raise InspectionError(
                "recheck_date",
                "复查日期须在整改报告日期与今天之间",
                fields={"on": "复查日期须在整改报告日期与今天之间"},
            )
        before = _snapshot_result(inspection)
        inspection.rechecked_on, inspection.recheck_rectified, inspection.recheck_note = (
            rechecked_on,
            rectified,
            note,
        )
        if rectified:
            inspection.result_code = ResultCode.RECTIFIED
        inspection.save()
        audit.record(
            actor,
            audit.Change(
                "inspections.record_recheck",
                "Inspection",
                str(inspection.pk),
                before,
                _snapshot_result(inspection),
            ),
        )
        if rectified:
            _emit_result(inspection)
    return inspection


def refer_case(*, actor, inspection: Inspection, note: str) -> Inspection:
    """Refer a check's findings for a case (移送立案调查)."""
    _require_work(actor, inspection)
    note = _text(note, field="移送说明", code="referral_note", max_length=2000)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.status != Inspection.Status.COMPLETED:
            raise InspectionError("referral_state", "请先录入检查结果")
        if inspection.referred_at:
            raise InspectionError("referral_exists", "该检查已移送立案")
        before = _snapshot_result(inspection)
        inspection.referred_at, inspection.referral_note = timezone.now(), note
        inspection.save(update_fields=["referred_at", "referral_note"])
        audit.record(
            actor,
            audit.Change(
                "inspections.refer_case",
                "Inspection",
                str(inspection.pk),
                before,
                _snapshot_result(inspection),
            ),
        )
    return inspection


def publish_results(*, actor, task: Task) -> int:
    """Publish a task's completed, unpublished results on the public portal (结果公示); returns how many."""
    _require_staff(actor)
    _require_change(actor, task)
    if not task.publish_results:
        raise InspectionError("publicity_off", "该任务设定为不公示结果")
    with transaction.atomic():
        pending = list(
            Inspection.objects.select_for_update()
            .filter(task=task, status=Inspection.Status.COMPLETED, published_at__isnull=True)
            .order_by("pk")
        )
        if not pending:
            return 0
        now = timezone.now()
        Inspection.objects.filter(pk__in=[i.pk for i in pending]).update(published_at=now)
        audit.record_many(
            actor,
            (
                audit.Change(
                    "inspections.publish",
                    "Inspection",
                    str(i.pk),
                    {"published_at": None},
                    {"published_at": now},
                )
                for i in pending
            ),
        )
    return len(pending)
