"""Credit repair (信用修复): applications, the checks of their conditions, and decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import is_system
from zhijian.core.models import Deadline, Role
from zhijian.core.rules import rule
from zhijian.core.uploads import stored_name
from zhijian.core.workdays import set_deadline
from zhijian.registry.models import Entity

from .. import classify
from ..models import (
    LIGHT_MEASURES,
    NO_EARLY_END_MEASURES,
    CreditList,
    CreditRecord,
    ListEntry,
    PenaltyMeasure,
    Publicity,
    RecordKind,
    RepairApplication,
    RepairEvidence,
    RepairKind,
    Sector,
    Trigger,
)
from ..periods import add_period
from ._common import RECORD_FIELDS, CreditError, _notify, _require, _snapshot
from .lists import _remove

# ---------------------------------------------------------------------------------------------
# Credit repair (信用修复)


def abnormal_removal_problems(entry: ListEntry) -> list[str]:
    """Why an abnormal-list entry cannot be applied for (empty: it can)."""
    problems = []
    if entry.list != CreditList.ABNORMAL:
        problems.append("只有经营异常名录记录可以申请移出")
    elif entry.status != ListEntry.Status.IN_FORCE:
        problems.append("该记录已不在列")
    return problems


def publicity_end_problems(record: CreditRecord, on: dt.date) -> list[str]:
    """Why a penalty's publicity cannot end early on ``on`` (empty: it can).

    Order 45 Art 13–14 and 国市监信规〔2021〕3号 Art 6: not for light penalties (their publicity is
    short anyway) nor for revocation, shutdown, suspension and the like; only after the minimum
    publicity period (longer for food, drugs and special equipment), with the penalty fulfilled and
    the entity on neither the abnormal list nor the 严重违法失信名单.
    """
    problems = []
    if record.kind != RecordKind.PENALTY:
        return ["只有行政处罚信息可以申请提前停止公示"]
    if record.publicity != Publicity.PUBLISHED:
        return ["该处罚信息不在公示期内"]
    measures = set(record.measures)
    if measures & NO_EARLY_END_MEASURES:
        labels = "、".join(str(PenaltyMeasure(m).label) for m in sorted(measures & NO_EARLY_END_MEASURES))
        problems.append(f"受到{labels}处罚的，不得提前停止公示")
    elif measures <= LIGHT_MEASURES:
        problems.append("仅受到警告、通报批评或较低数额罚款的，公示期满3个月自动停止公示，无需申请")
    else:
        key = (
            "credit.repair.penalty_min_publicity_strict"
            if record.sector in (Sector.FOOD, Sector.DRUG, Sector.SPECIAL_EQUIPMENT)
            else "credit.repair.penalty_min_publicity"
        )
        minimum = rule(key, on=on)
        earliest = add_period(record.published_on or record.occurred_on, minimum)
        if on < earliest:
            problems.append(f"公示期须满{int(minimum.value)}个月，{earliest:%Y年%m月%d日}后方可申请")
    if record.fulfilled_on is None:
        problems.append("行政处罚决定规定的义务尚未履行完毕")
    if ListEntry.objects.filter(
        entity_id=record.entity_id,
        list__in=[CreditList.ABNORMAL, CreditList.SERIOUS],
        status=ListEntry.Status.IN_FORCE,
    ).exists():
        problems.append("当事人在经营异常名录或严重违法失信名单中")
    if (
        record.violation_type
        and CreditRecord.objects.filter(
            entity_id=record.entity_id,
            kind=RecordKind.PENALTY,
            violation_type=record.violation_type,
            occurred_on__gt=record.occurred_on,
            withdrawn_on__isnull=True,
        ).exists()
    ):
        problems.append("此后因同一类违法行为再次受到行政处罚")
    return problems


DECISION_RULES = {
    RepairKind.ABNORMAL_REMOVAL: "credit.repair.abnormal_decision",
    RepairKind.PUBLICITY_END: "credit.repair.publicity_decision",
}


@transaction.atomic
def apply_for_repair(
    *,
    actor,
    kind: str,
    statement: str,
    commitment: bool,
    list_entry: ListEntry | None = None,
    record: CreditRecord | None = None,
    applied_on: dt.date | None = None,
    evidence: Sequence = (),
) -> RepairApplication:
    """An enterprise applies online for credit repair of its own entry or record (信用修复申请).

    ``evidence`` are uploaded files (证明材料) kept with the application for the decider to read:
    at most EVIDENCE_MAX_FILES, each of a kind in EVIDENCE_SUFFIXES and at most EVIDENCE_MAX_BYTES
    (the request as a whole is bounded by ``settings.UPLOAD_LIMITS["credit.repair_evidence"]``).

    The decision deadline is counted in working days from the application (rule data), and is
    marked provisional when it runs into a year whose holiday notice is not yet known.
    """
    if is_system(actor) or actor.role != Role.ENTERPRISE:
        raise PermissionDenied("信用修复由企业本身申请")
    applied_on = applied_on or timezone.localdate()
    if kind == RepairKind.ABNORMAL_REMOVAL:
        if list_entry is None:
            raise CreditError("target_required", "请选择要移出的经营异常名录记录")
        target_entity_id, problems = list_entry.entity_id, abnormal_removal_problems(list_entry)
    elif kind == RepairKind.PUBLICITY_END:
        if record is None:
            raise CreditError("target_required", "请选择要提前停止公示的行政处罚信息")
        target_entity_id, problems = record.entity_id, publicity_end_problems(record, applied_on)
    else:
        raise CreditError("bad_kind", "未知的修复事项")
    entity = Entity.objects.get(pk=target_entity_id)
    if entity.uscc != actor.entity_uscc:
        raise PermissionDenied("只能为本企业申请信用修复")
    if problems:
        raise CreditError("ineligible", "不符合信用修复条件：" + "；".join(problems))
    if not statement.strip():
        raise CreditError(
            "statement_required",
            "请说明纠正失信行为、消除不良影响的情况",
            fields={"statement": "请说明纠正失信行为、消除不良影响的情况"},
        )
    if not commitment:
        raise CreditError("commitment_required", "请勾选信用承诺", fields={"commitment": "请勾选信用承诺"})
    _check_evidence(evidence)
    open_ = RepairApplication.objects.filter(status=RepairApplication.Status.SUBMITTED)
    if (list_entry and open_.filter(list_entry=list_entry).exists()) or (
        record and open_.filter(record=record).exists()
    ):
        raise CreditError("pending", "该事项已有审查中的申请")
    application = RepairApplication.objects.create(
        entity=entity,
        kind=kind,
        list_entry=list_entry,
        record=record,
        statement=statement.strip(),
        commitment=True,
        applicant=actor,
        applied_on=applied_on,
    )
    for upload in evidence:
        RepairEvidence.objects.create(
            application=application, file=upload, name=upload.name[:200], size=upload.size
        )
    deadline = set_deadline(
        object_type="credit.RepairApplication",
        object_id=str(application.pk),
        kind="credit.repair.decision",
        start=applied_on,
        rule=rule(DECISION_RULES[RepairKind(kind)], on=applied_on),
    )
    audit.record(
        actor,
        audit.Change(
            "credit.repair_apply",
            "RepairApplication",
            str(application.pk),
            None,
            {
                "kind": kind,
                "entity": entity.uscc,
                "target": list_entry.pk if list_entry else record.pk if record else None,
                "evidence": [upload.name for upload in evidence],
                "due": deadline.due,
                "provisional": deadline.provisional,
            },
        ),
    )
    due = f"{deadline.due:%Y年%m月%d日}" + (
        "（暂定：该年度放假安排尚未公布）" if deadline.provisional else ""
    )
    _notify(
        entity,
        "信用修复申请已受理",
        f"您提交的“{application.get_kind_display()}”申请已收到，将于{due}前作出决定。",
        application,
    )
    return application


EVIDENCE_MAX_FILES = 10
EVIDENCE_MAX_BYTES = 10 << 20
EVIDENCE_SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".ofd", ".doc", ".docx"})


def _check_evidence(evidence: Sequence) -> None:
    if len(evidence) > EVIDENCE_MAX_FILES:
        raise CreditError(
            "evidence_count", f"证明材料最多上传{EVIDENCE_MAX_FILES}个文件", fields={"evidence": "文件过多"}
        )
    for upload in evidence:
        if stored_name(upload.name) not in EVIDENCE_SUFFIXES:
            raise CreditError(
                "evidence_kind",
                f"证明材料“{upload.name}”格式不支持：请上传PDF、OFD、图片（JPG、PNG）或Word文件",
                fields={"evidence": "格式不支持"},
            )
        if upload.size > EVIDENCE_MAX_BYTES:
            raise CreditError(
                "evidence_size",
                f"证明材料“{upload.name}”超过{EVIDENCE_MAX_BYTES >> 20} MB",
                fields={"evidence": "文件过大"},
            )


def decision_deadline(application: RepairApplication) -> Deadline | None:
    return Deadline.objects.filter(
        object_type="credit.RepairApplication", object_id=str(application.pk), kind="credit.repair.decision"
    ).first()


@transaction.atomic
def decide_repair(
    *,
    actor,
    application: RepairApplication,
    approve: bool,
    reason: str,
    decided_on: dt.date | None = None,
    decision_no: str = "",
) -> RepairApplication:
    """Decide a repair application with reasons and apply its effects (信用修复决定).

    ``decision_no`` is the number of the written decision (决定书文号); the page requires it.

    Approved: the abnormal-list entry is removed, or the penalty's publicity ends; the entity is
    reclassed. Either way the applicant receives a notice.
    """
    application = RepairApplication.objects.select_for_update().get(pk=application.pk)
    _require(actor, application)
    if is_system(actor):
        raise PermissionDenied("信用修复须由工作人员决定")
    if application.status != RepairApplication.Status.SUBMITTED:
        raise CreditError("decided", "该申请已作出决定")
    if not reason.strip():
        raise CreditError("reason_required", "请填写决定理由")
    decided_on = decided_on or timezone.localdate()
    if approve:
        if application.kind == RepairKind.PUBLICITY_END:
            problems = publicity_end_problems(application.record, application.applied_on)  # type: ignore[arg-type]
        else:
            problems = abnormal_removal_problems(application.list_entry)  # type: ignore[arg-type]
        if problems:
            raise CreditError("ineligible", "不能准予修复：" + "；".join(problems))
    application.status = RepairApplication.Status.APPROVED if approve else RepairApplication.Status.REFUSED
    application.decided_by, application.decided_on, application.decision_reason = (
        actor,
        decided_on,
        reason.strip()[:500],
    )
    application.decision_no = decision_no.strip()[:80]
    application.save()
    if approve and application.kind == RepairKind.ABNORMAL_REMOVAL:
        _remove(
            application.list_entry,  # type: ignore[arg-type]
            actor=actor,
            removed_on=decided_on,
            reason=f"信用修复：{application.decision_reason}",
            action="credit.list_remove",
        )
    elif approve:
        record = application.record
        assert record is not None
        before = _snapshot(record, RECORD_FIELDS)
        record.publicity, record.publicity_ended_on, record.repaired_on = (
            Publicity.ENDED_EARLY,
            decided_on,
            decided_on,
        )
        record.save(update_fields=["publicity", "publicity_ended_on", "repaired_on"])
        audit.record(
            actor,
            audit.Change(
                "credit.publicity_end",
                "CreditRecord",
                str(record.pk),
                before,
                _snapshot(record, RECORD_FIELDS),
            ),
        )
    audit.record(
        actor,
        audit.Change(
            "credit.repair_decide",
            "RepairApplication",
            str(application.pk),
            {"status": RepairApplication.Status.SUBMITTED},
            {
                "status": application.status,
                "reason": application.decision_reason,
                "decided_on": decided_on,
                "decision_no": application.decision_no,
            },
        ),
    )
    outcome = (
        classify.reclassify_entity(application.entity_id, trigger=Trigger.REPAIR, actor=actor)
        if approve
        else None
    )
    verdict = "准予信用修复" if approve else "不予信用修复"
    extra = ""
    if outcome and outcome.credit_class:
        extra = f"当前信用风险分类：{outcome.credit_class}类。"
    _notify(
        application.entity,
        f"信用修复决定：{verdict}",
        f"您于{application.applied_on:%Y年%m月%d日}提交的“{application.get_kind_display()}”申请，经审查决定{verdict}。理由：{application.decision_reason}。{extra}",
        application,
    )
    return application
