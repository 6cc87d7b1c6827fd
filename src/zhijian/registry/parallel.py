"""Validating a register file, in this process or in a second one while the first one writes.

Parsing and validating a row costs about as much CPU as writing it; on a machine with more than one
core, a child process reads and validates the file and hands over batches, while the parent writes
them. A batch carries the valid rows already in the staging table's column order
(:func:`zhijian.registry.writing.stage_row`) and the problems found, so that the parent does
almost nothing per row. The child never touches the database.

This module imports nothing of Django at import time: a spawned child must set Django up first.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

BATCH = 5000
# Batches the validating child may run ahead: more than a chunk, so that it keeps working while the
# parent waits on the database writing the previous chunk.
QUEUE_DEPTH = 24


@dataclass(frozen=True)
class Unit:
    """What the validator needs of a jurisdiction, picklable without Django."""

    pk: int
    code: str
    name: str
    short_name: str
    level: str
    division_code: str
    parent_id: int | None


@dataclass
class Batch:
    """Up to BATCH consecutive rows of the file: the valid ones as staging lines, the others' problems."""

    count: int = 0
    lines: list[str] = field(default_factory=list)  # writing.stage_line of each valid row
    issues: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, field, message)


@dataclass(frozen=True)
class Settings:
    """How to validate, picklable for the child."""

    today: dt.date
    allowed: frozenset[int] | None


def validated_batches_serial(table, validator) -> Iterator[Batch]:
    """Batches of the whole file, validated in this process."""
    from .writing import stage_line

    batch = Batch()
    for number, raw in table.records():
        clean, errors = validator.validate(number, raw)
        batch.count += 1
        if errors:
            batch.issues.extend((number, f, m) for f, m in errors)
        else:
            batch.lines.append(stage_line(number, clean))
        if batch.count >= BATCH:
            yield batch
            batch = Batch()
    if batch.count:
        yield batch


def _child(path: str, jurisdictions, settings: Settings, queue) -> None:
    """Entry point of the validating process: batches onto ``queue``, then a final marker."""
    import django

    django.setup()
    from .tables import UnreadableFile, open_table
    from .validation import COLUMNS, RowValidator

    try:
        table = open_table(Path(path), COLUMNS)
        allowed = set(settings.allowed) if settings.allowed is not None else None
        validator = RowValidator(jurisdictions, today=settings.today, allowed=allowed)
        for batch in validated_batches_serial(table, validator):
            queue.put(("batch", batch))
        queue.put(("done", None))
    except UnreadableFile as exc:
        queue.put(("unreadable", str(exc)))
    except BaseException as exc:  # the parent must hear of any failure, not wait forever
        queue.put(("failed", f"{exc.__class__.__name__}: {exc}"))


def validated_batches_parallel(path: Path, jurisdictions, settings: Settings) -> Iterator[Batch]:
    """The same batches as :func:`validated_batches_serial`, produced by a spawned child process."""
    import multiprocessing

    from .tables import UnreadableFile

    context = multiprocessing.get_context("spawn")  # never fork a process holding a DB connection
    queue = context.Queue(maxsize=QUEUE_DEPTH)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijian.settings")
    # Plain data only: model instances cannot be unpickled before the child has set Django up.
    units = [
        Unit(j.pk, j.code, j.name, j.short_name, j.level, j.division_code, j.parent_id) for j in jurisdictions
    ]
    child = context.Process(target=_child, args=(str(path), units, settings, queue), daemon=True)
    child.start()
    try:
        while True:
            try:
                kind, payload = queue.get(timeout=1)
            except Empty:
                if not child.is_alive():
                    raise RuntimeError(
                        f"validating process ended unexpectedly (exit code {child.exitcode})"
                    ) from None
                continue
            if kind == "batch":
                yield payload
            elif kind == "done":
                return
            elif kind == "unreadable":
                raise UnreadableFile(payload)
            else:
                raise RuntimeError(f"validating process failed: {payload}")
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.terminate()
