"""Importing the register from a file (市场主体导入): validate every row, then write all or nothing.

One pass over the file, streamed: each row is validated; while no row has failed, valid rows are
written in batches inside one transaction; at the end the transaction commits only when every row
was valid and this is not a dry run. Importing the same file twice changes nothing: rows are matched
by USCC and only real differences are written, each as a lifecycle event and an audit entry.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.access import SystemActor, is_system
from zhijian.core.errors import Forbidden
from zhijian.core.models import Jurisdiction
from zhijian.core.scoping import CITY_WIDE, user_district_id

from .models import Entity, ImportRun
from .parallel import Settings, validated_batches_parallel, validated_batches_serial
from .tables import Table, UnreadableFile, open_table
from .validation import COLUMNS, RowValidator
from .writing import StagedWriter

# Rows written per staged chunk: large enough that per-statement costs vanish, small enough that
# progress moves and the staging table stays in PostgreSQL's temporary buffers (8 MB by default).
CHUNK = 20_000
# Bulk mode (writing.py) from about this many rows up; a register CSV row is about 230 bytes.
BULK_MIN_ROWS = 200_000
BYTES_PER_ROW = 230
# Below this size (about 20,000 rows) starting a second process costs more than it saves.
PARALLEL_MIN_BYTES = 4 << 20
MAX_ISSUES = 100_000


@dataclass(frozen=True)
class ImportIssue:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What came of importing a file, whatever it held: rows read, problems, whether it could be read.

    ``exit_code`` is what every import command exits with: 0 done, 1 validation errors, 2 unreadable.
    Each kind of import adds its own counts.
    """

    file_name: str
    encoding: str = ""
    dry_run: bool = False
    rows: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    unreadable: str = ""
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.issues and not self.unreadable

    @property
    def exit_code(self) -> int:
        return 2 if self.unreadable else (1 if self.issues else 0)

    def summary(self) -> str:
        """One Chinese sentence on a clean import, for the job page and the command line."""
        return f"{self._verb()}：共 {self.rows} 行（编码：{self.encoding}）"

    def _verb(self) -> str:
        return "试导入通过，未写入任何数据" if self.dry_run else "导入完成"

    def job_result(self) -> dict:
        """What a background job keeps of the import for its page: counts, summary, the first problems."""
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.type in ("int", int)}
        return {
            **counts,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "encoding": self.encoding,
            "unreadable": self.unreadable,
            "summary": self.summary() if self.ok else "",
            "issues": [[i.row, i.column, i.message] for i in self.issues[:1000]],
            "issue_count": len(self.issues),
        }


@dataclass
class ImportResult(ImportReport):
    """A register import: entities created, changed and found unchanged."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{self._verb()}：共 {self.rows} 行，新增 {self.created}，变更 {self.changed}，"
            f"未变 {self.unchanged}（编码：{self.encoding}）"
        )


def open_checked(path: Path, columns, report: ImportReport) -> Table | None:
    """Open an import file and map its header, or record in ``report`` why not and return None.

    An unreadable file sets ``report.unreadable`` (exit code 2); a missing required column is a
    problem on the header's row (exit code 1). Every import starts here.
    """
    try:
        table = open_table(path, columns)
    except UnreadableFile as exc:
        report.unreadable = str(exc)
        return None
    report.encoding = table.encoding
    missing = [c for c in columns if c.required and c.field not in table.columns]
    if missing:
        report.issues = [ImportIssue(table.header_row, c.label, f"缺少必填列“{c.label}”") for c in missing]
        return None
    return table


def run_import_job(job_id: int, path: str, file_name: str, dry_run: bool, import_file) -> dict:
    """The body of every upload's background task: import as the job's owner, keep the outcome.

    ``import_file(path, *, actor, dry_run, progress, file_name)`` returns an :class:`ImportReport`.
    The uploaded file is removed afterwards.
    """
    from zhijian.core.jobs import job_progress, running
    from zhijian.core.models import Job, User

    job = Job.objects.get(pk=job_id)
    actor = (
        User.objects.get(pk=job.owner_id) if job.owner_id is not None else SystemActor("job:registry-import")
    )
    with running(job_id):
        report = import_file(
            Path(path), actor=actor, dry_run=dry_run, progress=job_progress(job_id), file_name=file_name
        )
        outcome = report.job_result()
        Job.objects.filter(pk=job_id).update(result=outcome)
    Path(path).unlink(missing_ok=True)
    return outcome


class PermissionDenied(Forbidden):
    """The actor may not import into these jurisdictions."""

    def __init__(self, message: str):
        super().__init__(message=message)


def _allowed_jurisdictions(actor) -> set[int] | None:
    """None: city-wide; otherwise the county-level units the actor may change."""
    if is_system(actor):
        return None  # the operator on the server's command line
    if not actor.is_active or actor.role not in Entity.scope.change_roles:
        raise PermissionDenied("您没有导入市场主体的权限")
    if actor.role in CITY_WIDE:
        return None
    district_id = user_district_id(actor)
    if district_id is None:
        raise PermissionDenied("您的账户未设置所属辖区")
    return {district_id}


def chunks_to_write(
    batches: Iterable, report: ImportReport, labels: Mapping[str, str], size: int, progress=None
) -> Iterator[list]:
    """The valid lines of validated ``batches`` (``parallel.Batch``) in chunks of about ``size``, the last
    one possibly empty, to be written as they come. Every batch's row issues go to ``report.issues``
    (up to MAX_ISSUES, columns by their label in the file); once a row has failed nothing more is
    yielded — validation goes on to the end, so that the report names every bad row."""
    chunk: list = []
    for batch in batches:
        report.rows += batch.count
        if batch.issues and len(report.issues) < MAX_ISSUES:
            report.issues.extend(ImportIssue(n, labels.get(f, f), m) for n, f, m in batch.issues)
        if report.issues:
            chunk = []
        else:
            chunk.extend(batch.lines)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if progress:
            progress(report.rows, 0)
    if not report.issues:
        yield chunk


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_entities(
    path: Path,
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    file_name: str | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Import a register file. Nothing is written unless every row is valid and ``dry_run`` is off.

    ``parallel`` validates in a second process (default: for files over PARALLEL_MIN_BYTES on a
    machine with more than one core).
    """
    path = Path(path)
    allowed = _allowed_jurisdictions(actor)
    result = ImportResult(file_name=file_name or path.name, dry_run=dry_run)
    table = open_checked(path, COLUMNS, result)
    if table is None:
        return result
    digest = file_sha256(path)
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1 and path.stat().st_size >= PARALLEL_MIN_BYTES
    try:
        with transaction.atomic():
            _run(table, result, actor, allowed, dry_run, progress, path, parallel, f"{digest[:12]}")
            if not result.ok or dry_run:
                transaction.set_rollback(True)
            else:
                run = ImportRun.objects.create(
                    actor=None if is_system(actor) else actor,
                    file_name=result.file_name,
                    file_sha256=digest,
                    rows=result.rows,
                    created=result.created,
                    changed=result.changed,
                    unchanged=result.unchanged,
                    errors=0,
                    finished_at=timezone.now(),
                )
                result.run_id = run.pk
                audit.record(
                    actor,
                    audit.Change(
                        "registry.import",
                        "ImportRun",
                        str(run.pk),
                        None,
                        {
                            "file": result.file_name,
                            "sha256": digest,
                            "rows": result.rows,
                            "created": result.created,
                            "changed": result.changed,
                            "unchanged": result.unchanged,
                        },
                    ),
                )
                events.emit(
                    "registry.entities_imported",
                    {"run_id": run.pk, "created": result.created, "changed": result.changed},
                )
    except UnreadableFile as exc:  # raised mid-stream, e.g. a broken CSV quote
        result.unreadable = str(exc)
    return result


def _run(
    table: Table,
    result: ImportResult,
    actor,
    allowed,
    dry_run,
    progress,
    path: Path,
    parallel: bool,
    label: str,
) -> None:
    jurisdictions = list(Jurisdiction.objects.all())
    if parallel:
        settings = Settings(timezone.localdate(), frozenset(allowed) if allowed is not None else None)
        batches = validated_batches_parallel(path, jurisdictions, settings)
    else:
        batches = validated_batches_serial(table, RowValidator(jurisdictions, allowed=allowed))
    writer = StagedWriter(
        actor=actor,
        source=f"导入：{result.file_name}",
        present=set(table.columns),
        write=not dry_run,
        label=label,
        bulk=_bulk_mode(path),
    )
    labels = {c.field: table.labels.get(c.field, c.label) for c in COLUMNS}
    for chunk in chunks_to_write(batches, result, labels, CHUNK, progress):
        writer.flush(chunk)
    writer.finish()
    result.created, result.changed, result.unchanged = writer.created, writer.changed, writer.unchanged
    if progress:
        progress(result.rows, result.rows)


def _bulk_mode(path: Path) -> bool:
    """Whether this import should rebuild the register's indexes instead of growing them row by row.

    Only on PostgreSQL, for a file of at least BULK_MIN_ROWS (estimated from its size) that is
    larger than the register already is: a city's first load, not a daily update.
    """
    if connection.vendor != "postgresql":
        return False
    estimated_rows = path.stat().st_size // BYTES_PER_ROW
    if estimated_rows < BULK_MIN_ROWS:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'registry_entity'::regclass"
        )
        (registered,) = cursor.fetchone()
    return estimated_rows > registered
