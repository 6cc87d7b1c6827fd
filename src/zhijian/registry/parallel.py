"""Validating an import file, in this process or in a second one while the first one writes.

Parsing and validating a row costs about as much CPU as writing it; on a machine with more than one
core, a child process reads and validates the file and hands over batches, while the parent writes
them. A batch carries the valid rows already in the shape the parent writes (for the register, the
staging table's lines, :func:`zhijian.registry.writing.stage_line`) and the problems found, so that
the parent does almost nothing per row. The child never touches the database.

:func:`batches_in_child` is the machinery, for any import: it runs a module-level generator of
batches in a spawned process and yields its batches in the parent. The register's import uses it
through :func:`validated_batches_parallel`; the 12315 import (``complaints.importing``) with its
own generator.

This module imports nothing of Django at import time: a spawned child must set Django up first.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any

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
    # What the parent writes of each valid row: for the register, writing.stage_line's text
    lines: list[Any] = field(default_factory=list)
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


def register_batches(path: str, jurisdictions: list[Unit], settings: Settings) -> Iterator[Batch]:
    """The register's batches of the file at ``path``: what the validating child runs."""
    from .tables import open_table
    from .validation import COLUMNS, RowValidator

    table = open_table(Path(path), COLUMNS)
    allowed = set(settings.allowed) if settings.allowed is not None else None
    validator = RowValidator(jurisdictions, today=settings.today, allowed=allowed)
    yield from validated_batches_serial(table, validator)


def _child(produce: str, args: tuple, queue) -> None:
    """Entry point of the validating process: ``produce(*args)``'s batches onto ``queue``, then a marker.

    ``produce`` comes as "module:function" and is imported only once Django is set up, so that it may
    live in a module that imports models.
    """
    import importlib

    import django

    django.setup()
    from .tables import UnreadableFile

    try:
        module, name = produce.split(":")
        for batch in getattr(importlib.import_module(module), name)(*args):
            queue.put(("batch", batch))
        queue.put(("done", None))
    except UnreadableFile as exc:
        queue.put(("unreadable", str(exc)))
    except BaseException as exc:  # the parent must hear of any failure, not wait forever
        queue.put(("failed", f"{exc.__class__.__name__}: {exc}"))


def batches_in_child(produce: Callable[..., Iterator[Any]], *args: Any) -> Iterator[Any]:
    """What ``produce(*args)`` yields, produced by a spawned child process while the caller works.

    ``produce`` must be a module-level function (the child imports it by name once it has set Django
    up) and ``args`` plain picklable data (no model instance: the child unpickles them first). The child may run QUEUE_DEPTH batches
    ahead. An :class:`~.tables.UnreadableFile` raised in the child is raised here; any other failure
    is a RuntimeError naming it.
    """
    import multiprocessing

    from .tables import UnreadableFile

    context = multiprocessing.get_context("spawn")  # never fork a process holding a DB connection
    queue = context.Queue(maxsize=QUEUE_DEPTH)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijian.settings")
    name = f"{produce.__module__}:{produce.__qualname__}"
    child = context.Process(target=_child, args=(name, args, queue), daemon=True)
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


def validated_batches_parallel(path: Path, jurisdictions, settings: Settings) -> Iterator[Batch]:
    """The same batches as :func:`validated_batches_serial`, produced by a spawned child process."""
    # Plain data only: model instances cannot be unpickled before the child has set Django up.
    units = [
        Unit(j.pk, j.code, j.name, j.short_name, j.level, j.division_code, j.parent_id) for j in jurisdictions
    ]
    return batches_in_child(register_batches, str(path), units, settings)
