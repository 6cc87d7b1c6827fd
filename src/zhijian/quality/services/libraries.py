"""The three cultivation libraries (三库): government quality award, China standard innovation award,
patent award. Firms are nominated, coached, apply and are awarded; evidence and coaching are recorded."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhijian.core import audit, events
from zhijian.core.scoping import CITY_WIDE, user_district_id
from zhijian.registry.models import Entity

from ..models import (
    STAGE_ORDER,
    AwardRecord,
    CoachingRecord,
    CultivationEntry,
    CultivationEvidence,
    Library,
    Stage,
)
from .common import NotAllowed, QualityError, may_change, record, require, system, today

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def _state(entry: CultivationEntry) -> dict:
    return {
        "library": entry.library,
        "uscc": entry.uscc,
        "stage": entry.stage,
        "standards_led": entry.standards_led,
        "high_value_patents": entry.high_value_patents,
        "target_award": entry.target_award,
    }


def nominate_firm(
    *,
    actor,
    library: str,
    uscc: str,
    target_award: str = "",
    standards_led: int = 0,
    high_value_patents: int = 0,
) -> CultivationEntry:
    """Put a firm into a library as a candidate (入库); a district nominates firms of its own register."""
    require(actor, "quality.library.nominate", "您没有推荐入库的权限")
    if library not in Library.values:
        raise QualityError("bad_library", "培育库无效")
    entity = Entity.objects.select_related("jurisdiction").filter(uscc=(uscc or "").strip().upper()).first()
    if entity is None:
        raise QualityError(
            "entity_unknown", "市场主体库中没有该统一社会信用代码的企业", {"uscc": "未找到该企业"}
        )
    if (
        not system(actor)
        and actor.role not in CITY_WIDE
        and entity.jurisdiction_id != user_district_id(actor)
    ):
        raise NotAllowed("只能推荐本辖区的企业")
    if CultivationEntry.objects.filter(library=library, entity=entity).exists():
        raise QualityError("already_nominated", f"{entity.name}已在{Library(library).label}中")
    if standards_led < 0 or high_value_patents < 0:
        raise QualityError("bad_count", "数量不能为负数")
    with transaction.atomic():
        entry = CultivationEntry.objects.create(
            library=library,
            entity=entity,
            entity_name=entity.name,
            uscc=entity.uscc,
            jurisdiction=entity.jurisdiction,
            nominated_on=today(),
            target_award=target_award.strip(),
            standards_led=standards_led,
            high_value_patents=high_value_patents,
        )
        record(
            actor,
            audit.Change("quality.library.nominate", "CultivationEntry", str(entry.pk), None, _state(entry)),
        )
        events.emit(
            "quality.library_nominated", {"entry_id": entry.pk, "library": library, "uscc": entity.uscc}
        )
    return entry


def advance_stage(*, actor, entry: CultivationEntry, stage: str) -> CultivationEntry:
    """Move an entry one or more stages on (候选 → 辅导中 → 已申报 → 已获奖); never back."""
    require(actor, "quality.library.advance", "只有市局可以调整培育阶段")
    if stage not in Stage.values:
        raise QualityError("bad_stage", "培育阶段无效")
    if STAGE_ORDER.index(Stage(stage)) <= STAGE_ORDER.index(Stage(entry.stage)):
        raise QualityError("stage_backwards", "培育阶段只能向前推进")
    if stage == Stage.AWARDED and not entry.awards.filter(won=True).exists():
        raise QualityError("no_award", "请先登记获奖记录")
    with transaction.atomic():
        before = _state(entry)
        entry.stage = stage
        entry.save(update_fields=["stage"])
        record(
            actor,
            audit.Change("quality.library.stage", "CultivationEntry", str(entry.pk), before, _state(entry)),
        )
        events.emit("quality.library_stage", {"entry_id": entry.pk, "stage": stage, "library": entry.library})
    return entry


def add_coaching(*, actor, entry: CultivationEntry, held_on, coach: str, content: str) -> CoachingRecord:
    """Record a coaching session (辅导记录); a candidate becomes 辅导中 with its first one."""
    require(actor, "quality.library.record")
    may_change(actor, entry)
    if not coach.strip() or not content.strip():
        raise QualityError("coaching_missing", "请填写辅导人员和辅导内容")
    if held_on > today():
        raise QualityError("date_in_future", "辅导日期不能晚于今天")
    with transaction.atomic():
        session = CoachingRecord.objects.create(
            entry=entry, held_on=held_on, coach=coach.strip(), content=content.strip()
        )
        if entry.stage == Stage.CANDIDATE:
            entry.stage = Stage.COACHED
            entry.save(update_fields=["stage"])
        record(
            actor,
            audit.Change(
                "quality.library.coaching",
                "CoachingRecord",
                str(session.pk),
                None,
                {"entry": entry.pk, "held_on": held_on, "coach": session.coach},
            ),
        )
    return session


def add_evidence(
    *, actor, entry: CultivationEntry, title: str, upload: UploadedFile | None = None
) -> CultivationEvidence:
    """Attach a piece of evidence (证明材料) to an entry."""
    require(actor, "quality.library.record")
    may_change(actor, entry)
    if not title.strip():
        raise QualityError("title_missing", "请填写材料名称")
    if upload is not None and (upload.size or 0) > EVIDENCE_MAX_BYTES:
        raise QualityError("file_too_large", "文件不能超过20MB")
    with transaction.atomic():
        evidence = CultivationEvidence(entry=entry, title=title.strip(), added_on=today())
        if upload is not None:
            evidence.file.save(upload.name or "evidence", upload, save=False)
        evidence.save()
        record(
            actor,
            audit.Change(
                "quality.library.evidence",
                "CultivationEvidence",
                str(evidence.pk),
                None,
                {"entry": entry.pk, "title": evidence.title, "file": evidence.file.name or None},
            ),
        )
    return evidence


def record_award(
    *, actor, entry: CultivationEntry, year: int, award: str, level: str, won: bool
) -> AwardRecord:
    """Record an award application's result (获奖记录); a won award moves the entry to 已获奖."""
    require(actor, "quality.library.advance", "只有市局可以登记获奖记录")
    if not award.strip() or level not in ("city", "province", "national"):
        raise QualityError("award_missing", "请填写奖项名称和级别")
    with transaction.atomic():
        award_record = AwardRecord.objects.create(
            entry=entry, year=year, award=award.strip(), level=level, won=won
        )
        before = _state(entry)
        entry.stage = (
            Stage.AWARDED
            if won
            else max(entry.stage, Stage.APPLIED, key=lambda s: STAGE_ORDER.index(Stage(s)))
        )
        entry.save(update_fields=["stage"])
        record(
            actor,
            audit.Change(
                "quality.library.award",
                "CultivationEntry",
                str(entry.pk),
                before,
                {**_state(entry), "award": [year, award_record.award, level, won]},
            ),
        )
        if won:
            events.emit(
                "quality.award_won",
                {
                    "entry_id": entry.pk,
                    "library": entry.library,
                    "level": level,
                    "uscc": entry.uscc,
                    "year": year,
                },
            )
    return award_record
