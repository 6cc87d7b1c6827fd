"""The verifiable draw (摇号抽取): commitment, lottery, performing and redrawing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.models import User
from zhijian.core.rules import rule
from zhijian.registry.models import Entity

from .. import algorithm, snapshot
from ..models import (
    Draw,
    DrawSnapshot,
    Inspection,
    Task,
)
from ..topics import RESULT_TOPIC  # noqa: E402,F401 - the topic is declared with its schema
from ._common import InspectionError, _require_change, _require_staff, _text, new_verification_code
from .tasks import eligible_lines

# --- the draw -------------------------------------------------------------------------------------


REDRAW_RULE = "inspections.draw.redraw_limit"


def _beacon(beacon_game: str, beacon_issue: str, beacon_date: dt.date) -> algorithm.Beacon:
    """The lottery issue a draw commits to; its draw time must lie in the future."""
    try:
        beacon = algorithm.beacon_for(beacon_game, beacon_issue, beacon_date)
    except algorithm.DrawInputError as exc:
        raise InspectionError("beacon_source", str(exc)) from None
    if dt.datetime.fromisoformat(beacon.due) <= timezone.now():
        raise InspectionError("beacon_due", "公共随机数须在公布之后才产生：请选择一个尚未开奖的期次")
    return beacon


def _freeze(
    *,
    actor,
    task: Task,
    number: int,
    reason: str,
    beacon: algorithm.Beacon,
    replaces: Draw | None,
    secret: str | None,
    salt: str | None,
) -> Draw:
    """Freeze the eligible list and write the draw's frozen inputs (公布抽取参数), hashed and audited."""
    now = timezone.now().replace(microsecond=0)
    secret = secret or algorithm.new_secret()
    salt = salt or algorithm.new_secret()
    commitment = algorithm.commitment_of(secret)
    # The limit is fixed by the first draw of a task and carried by every redraw's frozen text.
    redraw_limit = (
        replaces.redraw_limit if replaces else int(rule(REDRAW_RULE, on=timezone.localdate(now)).value)
    )
    strata = algorithm.strata_of(task.object_kind)
    lines, ratios = eligible_lines(task)
    if not lines:
        raise InspectionError("eligible_empty", f"抽查范围内没有符合条件的{task.get_object_kind_display()}")
    try:
        canonical = algorithm.canonical_from_lines(lines)
        ratios = algorithm.canonical_ratios(ratios, strata)
    except algorithm.DrawInputError as exc:
        raise InspectionError("eligible_invalid", str(exc)) from None
    counts = algorithm.count_strata(canonical, strata)
    if sum(counts.values()) != len(lines):
        raise InspectionError("eligible_invalid", "名录中有无效的类别")
    draw = Draw(
        task=task,
        number=number,
        reason=reason,
        object_kind=task.object_kind,
        eligible_count=len(lines),
        eligible_sha256=algorithm.salted_sha256(salt, canonical),
        population_sha256=algorithm.sha256_hex(algorithm.population_text(canonical)),
        strata_counts=counts,
        ratios=ratios,
        beacon_source=beacon.label,
        beacon_game=beacon.game,
        beacon_issue=beacon.issue,
        beacon_due_at=dt.datetime.fromisoformat(beacon.due),
        commitment=commitment,
        secret=secret,
        salt=salt,
        redraw_limit=redraw_limit,
        replaces_sha256=replaces.frozen_sha256 if replaces else "",
        committed_at=now,
        committed_by=actor if isinstance(actor, User) else None,
    )
    frozen = frozen_text_of(draw).encode("utf-8")
    draw.frozen_sha256 = algorithm.sha256_hex(frozen)
    draw.save()
    DrawSnapshot.objects.create(draw=draw, members=snapshot.pack_members(canonical, strata))
    # The frozen text itself rides in the audit chain as the entry's attachment: the chain (and the
    # signed heads built on it) archive the commitment where it cannot be changed afterwards.
    audit.record(
        actor,
        audit.Change(
            "inspections.commit_draw" if replaces is None else "inspections.redraw",
            "Draw",
            str(draw.pk),
            {"superseded_draw": replaces.pk} if replaces else None,
            _draw_public(draw),
            attachment=frozen,
        ),
    )
    archive_in_signed_head(
        actor, f"draw:{draw.pk}:frozen", draw.frozen_sha256, {"task": task.pk, "number": number}
    )
    return draw


COMMITMENT_KIND = "inspections.draw"


def archive_in_signed_head(actor, key: str, sha256: str, detail: dict) -> None:
    """Name a draw's commitment in the next signed audit-chain head (issue 15, item 2:
    ``core.audit.archive_commitment``) where the core offers it; until then the audit entry that
    carries the frozen text is the archive, and the signed heads, once they exist, cover it too."""
    archive = getattr(audit, "archive_commitment", None)
    if archive is not None:
        archive(actor=actor, kind=COMMITMENT_KIND, key=key, sha256=sha256, detail=detail)


def frozen_text_of(draw: Draw) -> str:
    """The frozen inputs of a stored draw (docs/inspections-draw.md §2)."""
    return algorithm.frozen_text(
        task_id=draw.task_id,
        draw_number=draw.number,
        replaces=draw.replaces_sha256,
        reason=draw.reason,
        redraw_limit=draw.redraw_limit,
        committed_at=algorithm.due_text(draw.committed_at),
        counts=draw.strata_counts,
        eligible_salted_sha256=draw.eligible_sha256,
        population_sha256=draw.population_sha256,
        ratios=draw.ratios,
        beacon=draw_beacon(draw),
        commitment=draw.commitment,
        objects=draw.object_kind,
    )


def draw_beacon(draw: Draw) -> algorithm.Beacon:
    return algorithm.Beacon(draw.beacon_game, draw.beacon_issue, algorithm.due_text(draw.beacon_due_at))


def _draw_public(draw: Draw) -> dict:
    """What the audit entry of a draw records: everything published, never the salt."""
    return {
        "format": draw.algorithm,
        "task": draw.task_id,
        "number": draw.number,
        "objects": draw.object_kind,
        "status": draw.status,
        "eligible_count": draw.eligible_count,
        "eligible_salted_sha256": draw.eligible_sha256,
        "population_sha256": draw.population_sha256,
        "strata_counts": draw.strata_counts,
        "ratios": draw.ratios,
        "beacon_game": draw.beacon_game,
        "beacon_issue": draw.beacon_issue,
        "beacon_due_at": draw.beacon_due_at,
        "commitment": draw.commitment,
        "redraw_limit": draw.redraw_limit,
        "replaces_sha256": draw.replaces_sha256,
        "frozen_sha256": draw.frozen_sha256,
        "reason": draw.reason,
        "beacon_value": draw.beacon_value,
        "seed": draw.seed,
        "selected_count": draw.selected_count,
        "selected_salted_sha256": draw.selected_sha256,
        "drawn_sha256": draw.drawn_sha256,
    }


def commit_draw(
    *,
    actor,
    task: Task,
    beacon_game: str,
    beacon_issue: str,
    beacon_date: dt.date,
    secret: str | None = None,
    salt: str | None = None,
) -> Draw:
    """Freeze and publish a task's draw inputs (公布抽取参数): the eligible list's hashes, the counts
    per class, the ratios, the lottery issue whose result will complete the seed, and the commitment
    to a fresh secret — one frozen text, archived in the audit chain."""
    _require_staff(actor)
    _require_change(actor, task)
    beacon = _beacon(beacon_game, beacon_issue, beacon_date)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status != Task.Status.DRAFT:
            raise InspectionError("task_not_draft", "该任务的抽取参数已公布")
        draw = _freeze(
            actor=actor,
            task=task,
            number=1,
            reason="",
            beacon=beacon,
            replaces=None,
            secret=secret,
            salt=salt,
        )
        task.status = Task.Status.COMMITTED
        task.save(update_fields=["status"])
    return draw


_INSPECTION_FIELDS = (
    "task_id",
    "draw_id",
    "entity_id",
    "stratum",
    "rank",
    "verification_code",
    "status",
    "assignment_note",
    "result_code",
    "violated_regulation",
    "findings",
    "recheck_note",
    "referral_note",
    "created_at",
)


def _materialise_checks(draw: Draw) -> int:
    """One check per drawn firm, each with a fresh verification code, inserted in bulk (检查任务单).

    Done when inspectors are first matched, not in the draw itself: the draw's result is its
    stored list; a city-scale list becomes 70,000 checks in the assignment job.
    """
    from zhijian.core.bulk import insert_rows

    if draw.inspections.exists():
        return 0
    selected = snapshot.selected_of(draw.pk)
    ids: dict[str, int] = {}
    usccs = [s.uscc for s in selected]
    for start in range(0, len(usccs), 2000):
        ids.update(Entity.objects.filter(uscc__in=usccs[start : start + 2000]).values_list("uscc", "pk"))
    now = timezone.now()
    codes: set[str] = set()

    def rows():
        for s in selected:
            code = new_verification_code()
            while code in codes:
                code = new_verification_code()
            codes.add(code)
            yield (
                draw.task_id, draw.pk, ids[s.uscc], s.stratum, s.rank, code, Inspection.Status.DRAWN,
                "", "", "", "", "", "", now,
            )  # fmt: skip

    return insert_rows(Inspection, _INSPECTION_FIELDS, rows())


def perform_draw(*, actor, draw: Draw, beacon_value: str) -> Draw:
    """Complete the seed with the lottery result, reveal the secret and draw (执行抽取).

    The result is accepted only in its one canonical text for the committed game: a different
    spelling of the same numbers is refused, never normalised, so nobody can choose among spellings.
    """
    _require_staff(actor)
    _require_change(actor, draw.task)
    with transaction.atomic():
        draw = Draw.objects.select_for_update().select_related("task").get(pk=draw.pk)
        if draw.status != Draw.Status.COMMITTED:
            raise InspectionError("draw_done", "该次抽取已执行或已作废")
        if draw.algorithm != algorithm.FORMAT:
            raise InspectionError("draw_format", f"该次抽取使用旧算法 {draw.algorithm}，请重新公布抽取参数")
        if timezone.now() < draw.beacon_due_at:
            due = timezone.localtime(draw.beacon_due_at)
            raise InspectionError(
                "beacon_pending", f"公共随机数尚未产生（预定于 {due:%Y-%m-%d %H:%M} 开奖），不能抽取"
            )
        try:
            beacon_value = algorithm.canonical_beacon_value(algorithm.game_of(draw.beacon_game), beacon_value)
        except algorithm.DrawInputError as exc:
            raise InspectionError("beacon_value", str(exc)) from None
        seed = algorithm.seed_of(draw.frozen_sha256, draw.secret, beacon_value)
        key_seed = algorithm.key_seed_of(seed, draw.salt)
        selected = algorithm.select(snapshot.members_of(draw.pk), draw.ratios, key_seed, draw.strata)
        text = algorithm.selected_text(selected)
        DrawSnapshot.objects.filter(draw=draw).update(selected=text)
        draw.beacon_value = beacon_value
        draw.seed = seed.hex()
        draw.selected_count = len(selected)
        draw.selected_sha256 = algorithm.salted_sha256(draw.salt, text)
        draw.drawn_sha256 = algorithm.sha256_hex(algorithm.drawn_text(s.uscc for s in selected))
        draw.status = Draw.Status.DRAWN
        draw.drawn_at = timezone.now()
        draw.drawn_by = actor if isinstance(actor, User) else None
        draw.save()
        Task.objects.filter(pk=draw.task_id).update(status=Task.Status.DRAWN)
        audit.record(
            actor,
            audit.Change(
                "inspections.perform_draw",
                "Draw",
                str(draw.pk),
                {"status": Draw.Status.COMMITTED},
                {**_draw_public(draw), "secret": draw.secret},
            ),
        )
        archive_in_signed_head(
            actor,
            f"draw:{draw.pk}:drawn",
            draw.drawn_sha256,
            {"seed": draw.seed, "count": draw.selected_count},
        )
    return draw


def redraw(
    *,
    actor,
    task: Task,
    reason: str,
    beacon_game: str,
    beacon_issue: str,
    beacon_date: dt.date,
    secret: str | None = None,
    salt: str | None = None,
) -> Draw:
    """Void the current draw and commit a new one (重新抽取): only with a reason, published as such,
    at most the rule's number of times per task, only while no check of the current draw has a
    result, and never for a draw whose lottery result is out but which was not performed — that
    draw is performed first, so the list a redraw replaces is always public."""
    _require_staff(actor)
    _require_change(actor, task)
    reason = _text(reason, field="重抽理由", code="redraw_reason", max_length=2000)
    if len(reason) < 5:
        raise InspectionError("redraw_reason", "重抽理由须具体说明（至少5个字）")
    beacon = _beacon(beacon_game, beacon_issue, beacon_date)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        current = task.current_draw()
        if current is None:
            raise InspectionError("redraw_nothing", "该任务尚未公布抽取参数")
        limit = current.redraw_limit
        if current.number - 1 >= limit:
            raise InspectionError(
                "redraw_limit", f"每项任务最多重新抽取{limit}次（{REDRAW_RULE}），本任务已达上限"
            )
        legacy = current.algorithm != algorithm.FORMAT  # a /1 draw can no longer be performed
        if current.status == Draw.Status.COMMITTED and timezone.now() >= current.beacon_due_at and not legacy:
            raise InspectionError(
                "redraw_after_beacon", "本次抽取的公共随机数已产生：须先执行抽取并公示结果，再说明理由重抽"
            )
        if current.inspections.filter(status=Inspection.Status.COMPLETED).exists():
            raise InspectionError("redraw_after_results", "已有检查结果，不能重新抽取")
        current.status = Draw.Status.SUPERSEDED
        current.superseded_at = timezone.now()
        current.save(update_fields=["status", "superseded_at"])
        current.inspections.exclude(status=Inspection.Status.CANCELLED).update(
            status=Inspection.Status.CANCELLED
        )
        draw = _freeze(
            actor=actor,
            task=task,
            number=current.number + 1,
            reason=reason,
            beacon=beacon,
            replaces=current,
            secret=secret,
            salt=salt,
        )
        task.status = Task.Status.COMMITTED
        task.save(update_fields=["status"])
    return draw
