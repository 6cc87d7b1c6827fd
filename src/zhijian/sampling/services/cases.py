"""Post-processing of failed samples (不合格产品核查处置): cases, measures, notices, the closed loop, escalation."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import PurePath

from django.db import transaction

from zhijian.core import audit
from zhijian.core.access import is_system
from zhijian.core.models import Department

from .. import deadlines
from ..models import (
    CaseEvidence,
    CaseMeasure,
    CaseRecheck,
    CaseStatus,
    Kind,
    LoopStatus,
    MeasureKind,
    OutsideNotice,
    PostProcessingCase,
    Sample,
)
from ._common import (
    ESCALATE_TO,
    EVIDENCE_MAX_BYTES,
    EVIDENCE_SUFFIXES,
    SamplingError,
    _lock,
    _may_change,
    _not_future,
    _require,
    _today,
)

# --- post-processing ---------------------------------------------------------------------------------


def _open_case(actor, case: PostProcessingCase) -> PostProcessingCase:
    _require(actor, "sampling.sample", "只有市场监管部门可以办理核查处置")
    _may_change(actor, case)
    case = _lock(PostProcessingCase, case.pk)
    if case.status != CaseStatus.OPEN:
        raise SamplingError("case_not_open", "该核查处置已办结或已撤销")
    return case


def add_measure(
    *,
    actor,
    case: PostProcessingCase,
    kind: str,
    taken_on: dt.date,
    document_no: str = "",
    quantity: str = "",
    note: str = "",
) -> CaseMeasure:
    """Record a measure (下架, 召回, 封存, 责令整改, 立案查处) taken in a case."""
    if kind not in MeasureKind.values:
        raise SamplingError("bad_measure", "处置措施无效")
    _not_future(taken_on, "措施日期", "taken_on")
    with transaction.atomic():
        case = _open_case(actor, case)
        if taken_on < case.opened_on:
            raise SamplingError(
                "measure_before_case", "措施日期不能早于立案日期", fields={"taken_on": "不能早于立案日期"}
            )
        measure = CaseMeasure.objects.create(
            case=case,
            kind=kind,
            taken_on=taken_on,
            document_no=document_no.strip(),
            quantity=quantity.strip(),
            note=note.strip(),
            recorded_by=None if is_system(actor) else actor,
        )
        audit.record(
            actor,
            audit.Change(
                "sampling.case.measure",
                "PostProcessingCase",
                str(case.pk),
                None,
                {
                    "measure": kind,
                    "taken_on": taken_on,
                    "document_no": measure.document_no,
                    "note": measure.note,
                },
            ),
        )
    return measure


def add_recheck(
    *, actor, case: PostProcessingCase, checked_on: dt.date, passed: bool, note: str = ""
) -> CaseRecheck:
    """Record a re-check (复查) of the rectification."""
    _not_future(checked_on, "复查日期", "checked_on")
    with transaction.atomic():
        case = _open_case(actor, case)
        if checked_on < case.opened_on:
            raise SamplingError(
                "recheck_before_case", "复查日期不能早于立案日期", fields={"checked_on": "不能早于立案日期"}
            )
        recheck = CaseRecheck.objects.create(
            case=case,
            checked_on=checked_on,
            passed=passed,
            note=note.strip(),
            recorded_by=None if is_system(actor) else actor,
        )
        audit.record(
            actor,
            audit.Change(
                "sampling.case.recheck",
                "PostProcessingCase",
                str(case.pk),
                None,
                {"checked_on": checked_on, "passed": passed, "note": recheck.note},
            ),
        )
    return recheck


def add_evidence(*, actor, case: PostProcessingCase, uploaded, description: str) -> CaseEvidence:
    """Attach a file of evidence (证据材料) to a case; its SHA-256 is kept and audited."""
    name = PurePath(getattr(uploaded, "name", "") or "").name
    if not name or PurePath(name).suffix.lower() not in EVIDENCE_SUFFIXES:
        raise SamplingError(
            "bad_file_type", "证据材料须为PDF、OFD、图片、Word、Excel或ZIP文件", fields={"file": "格式不支持"}
        )
    if uploaded.size > EVIDENCE_MAX_BYTES:
        raise SamplingError("file_too_large", "证据材料不能超过20MB", fields={"file": "文件过大"})
    if uploaded.size == 0:
        raise SamplingError("file_empty", "证据材料为空文件", fields={"file": "空文件"})
    if not description.strip():
        raise SamplingError("description_missing", "请填写证据说明", fields={"description": "请填写证据说明"})
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    with transaction.atomic():
        case = _open_case(actor, case)
        evidence = CaseEvidence(
            case=case,
            file_name=name[:200],
            description=description.strip()[:200],
            sha256=digest.hexdigest(),
            size=uploaded.size,
            uploaded_by=None if is_system(actor) else actor,
        )
        evidence.file.save(name, uploaded, save=False)
        evidence.save()
        audit.record(
            actor,
            audit.Change(
                "sampling.case.evidence",
                "PostProcessingCase",
                str(case.pk),
                None,
                {"file": evidence.file_name, "sha256": evidence.sha256, "size": evidence.size},
            ),
        )
    return evidence


def close_case(*, actor, case: PostProcessingCase, closed_on: dt.date, conclusion: str) -> PostProcessingCase:
    """Close a case (办结) with evidence. Closes the sample's loop when its last case and notice are done."""
    _not_future(closed_on, "办结日期", "closed_on")
    if not conclusion.strip():
        raise SamplingError("conclusion_missing", "请填写处置结论", fields={"conclusion": "请填写处置结论"})
    with transaction.atomic():
        case = _open_case(actor, case)
        if closed_on < case.opened_on:
            raise SamplingError(
                "closed_before_opened", "办结日期不能早于立案日期", fields={"closed_on": "不能早于立案日期"}
            )
        measures = list(case.measures.all())
        if not measures:
            raise SamplingError("no_measure", "尚未记录任何处置措施，不能办结")
        if not case.evidence.exists():
            raise SamplingError("no_evidence", "尚未上传证据材料，不能办结")
        if any(m.kind == MeasureKind.RECTIFY for m in measures):
            last = case.rechecks.order_by("-checked_on", "-id").first()
            if last is None or not last.passed:
                raise SamplingError("not_rechecked", "责令整改的须复查且整改到位后才能办结")
        case.status, case.closed_on, case.conclusion = CaseStatus.CLOSED, closed_on, conclusion.strip()
        case.closed_by = None if is_system(actor) else actor
        case.save(update_fields=["status", "closed_on", "conclusion", "closed_by"])
        audit.record(
            actor,
            audit.Change(
                "sampling.case.close",
                "PostProcessingCase",
                str(case.pk),
                {"status": CaseStatus.OPEN},
                {"status": CaseStatus.CLOSED, "closed_on": closed_on, "conclusion": case.conclusion},
            ),
        )
        _close_loop_if_done(actor, case.sample_id)
    return case


def send_notice(*, actor, notice: OutsideNotice, sent_on: dt.date, document_no: str) -> OutsideNotice:
    """Record that the notice to the outside regulator went out (发送协查函)."""
    _require(actor, "sampling.sample")
    _may_change(actor, notice)
    _not_future(sent_on, "发函日期", "sent_on")
    if not document_no.strip():
        raise SamplingError("document_no_missing", "请填写函号")
    with transaction.atomic():
        notice = _lock(OutsideNotice, notice.pk)
        if notice.sent_on is not None:
            raise SamplingError("already_sent", "协查函已发送")
        if sent_on < notice.created_on:
            raise SamplingError("sent_before_created", "发函日期不能早于生成日期")
        notice.sent_on, notice.document_no = sent_on, document_no.strip()
        notice.save(update_fields=["sent_on", "document_no"])
        audit.record(
            actor,
            audit.Change(
                "sampling.notice.send",
                "OutsideNotice",
                str(notice.pk),
                None,
                {"sent_on": sent_on, "document_no": notice.document_no},
            ),
        )
        _close_loop_if_done(actor, notice.sample_id)
    return notice


def _close_loop_if_done(actor, sample_id: int) -> None:
    _lock(Sample, sample_id)
    close_finished_loops(actor=actor, sample_ids=[sample_id])


def close_finished_loops(*, actor, sample_ids: list[int]) -> int:
    """Both ways traced (生产、流通双向追溯): close the loop of every failing sample whose cases are all
    closed and whose notices are all sent, on the last of those days; return how many closed.

    The one rule for a single sample (after a case closes or a notice is sent) and for a whole batch.
    """
    from ..results import update_rows

    open_ids = set(
        Sample.objects.filter(pk__in=sample_ids, loop_status=LoopStatus.OPEN).values_list("pk", flat=True)
    )
    last: dict[int, dt.date] = {}
    blocked: set[int] = set()
    for sample_id, status, closed in PostProcessingCase.objects.filter(sample_id__in=open_ids).values_list(
        "sample_id", "status", "closed_on"
    ):
        if status == CaseStatus.OPEN:
            blocked.add(sample_id)
        elif closed:
            last[sample_id] = max(last.get(sample_id, closed), closed)
    for sample_id, sent in OutsideNotice.objects.filter(sample_id__in=open_ids).values_list(
        "sample_id", "sent_on"
    ):
        if sent is None:
            blocked.add(sample_id)
        else:
            last[sample_id] = max(last.get(sample_id, sent), sent)
    done = sorted((open_ids - blocked) & set(last))
    update_rows(Sample, ("loop_status", "loop_closed_on"), [(pk, LoopStatus.CLOSED, last[pk]) for pk in done])
    audit.record_many(
        actor,
        (
            audit.Change(
                "sampling.loop.close",
                "Sample",
                str(pk),
                {"loop_status": LoopStatus.OPEN},
                {"loop_status": LoopStatus.CLOSED, "loop_closed_on": last[pk].isoformat()},
            )
            for pk in done
        ),
    )
    return len(done)


def escalate_overdue_cases(*, actor, today: dt.date | None = None) -> int:
    """Escalate every open case past its deadline to the city department (逾期升级); return how many."""
    _require(actor, "sampling.plans.edit", "只有市局可以执行逾期升级")
    today = today or _today()
    departments = {d.code: d for d in Department.objects.filter(code__in=ESCALATE_TO.values())}
    with transaction.atomic():
        overdue = list(
            PostProcessingCase.objects.select_for_update()
            .filter(status=CaseStatus.OPEN, escalated_on__isnull=True)
            .annotate(due=deadlines.due_of("disposal"))
            .filter(due__lt=today)
            .values_list("pk", "sample__kind", "due")
        )
        changes = []
        for kind in Kind.values:
            ids = [pk for pk, sample_kind, _ in overdue if sample_kind == kind]
            department = departments.get(ESCALATE_TO[Kind(kind)])
            if ids:
                PostProcessingCase.objects.filter(pk__in=ids).update(
                    escalated_on=today, escalated_to=department
                )
        for pk, _kind, due in overdue:
            changes.append(
                audit.Change(
                    "sampling.case.escalate",
                    "PostProcessingCase",
                    str(pk),
                    {"escalated_on": None},
                    {"escalated_on": today, "due": due},
                )
            )
        if changes:
            audit.record_many(actor, changes)
    return len(overdue)
