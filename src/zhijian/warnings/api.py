"""REST API of the warnings app (/api/v1/warnings/…): signals, warnings, answers, consumer notices.
Same scoping as the pages; errors as ``{code, message, fields}``."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from zhijian.core.access import api_policy, api_public
from zhijian.core.errors import ERRORS, WRITE_ERRORS, ErrorOut
from zhijian.core.params import Id
from zhijian.core.scoping import CHANGE, VIEW, get_scoped

from . import services
from .models import Recipient, RiskWarning, Source
from .queries import public_notices, signals_for, warnings_for

router = Router(tags=["warnings"])


Error = ErrorOut  # the one error body: {code, message, fields}


class SignalOut(Schema):
    id: int
    method: str
    series_key: str
    week: dt.date
    observed: float
    upperbound: float | None
    score: float
    state: str


class RecipientOut(Schema):
    id: int
    name: str
    reason: str
    must_follow_up: bool
    due_at: dt.datetime
    answered_at: dt.datetime | None
    verified_at: dt.datetime | None


class WarningOut(Schema):
    id: int
    number: str
    title: str
    classification: str
    risk_level: str
    hazard: str
    product: str
    producer: str
    state: str
    raised_at: dt.datetime
    closed_at: dt.datetime | None


class WarningDetail(WarningOut):
    recipients: list[RecipientOut]

    @staticmethod
    def resolve_recipients(obj):
        return list(obj.recipients.select_related("district", "department"))


class AnswerIn(Schema):
    findings: str
    measures: str


class NoticeOut(Schema):
    number: str
    title: str
    product: str
    hazard: str
    consumer_notice: str
    notice_published_at: dt.datetime


@router.get("/signals", response={200: list[SignalOut], **ERRORS})
@api_policy("warnings.view")
def list_signals(request, state: str = ""):
    signals = signals_for(request.user)
    if state:
        signals = signals.filter(state=state)
    return list(signals[:500])


@router.get("/warnings", response={200: list[WarningOut], **ERRORS})
@api_policy("warnings.view")
def list_warnings(request):
    return list(warnings_for(request.user)[:500])


@router.get("/warnings/{warning_id}", response={200: WarningDetail, **ERRORS})
@api_policy("warnings.view")
def get_warning(request, warning_id: Id):
    return Status(200, get_scoped(RiskWarning.objects.all(), request.user, VIEW, pk=warning_id))


@router.post("/recipients/{recipient_id}/answer", response={200: RecipientOut, **WRITE_ERRORS})
@api_policy("warnings.answer")
def answer(request, recipient_id: Id, body: AnswerIn):
    """A recipient's answer: what it found and what it did."""
    recipient = get_scoped(Recipient.objects.select_related("warning"), request.user, CHANGE, pk=recipient_id)
    services.answer_warning(
        actor=request.user, recipient=recipient, findings=body.findings, measures=body.measures
    )
    return Status(200, recipient)


@router.get("/notices", auth=None, response={200: list[NoticeOut], **ERRORS})
@api_public
def list_notices(request):
    return list(public_notices()[:100])


class LoadOut(Schema):
    ok: bool
    summary: str
    rows: int
    created: int
    already_loaded: bool
    load_id: int | None
    issues: list[list]


@router.post("/sources/{code}/loads", response={200: LoadOut, 400: LoadOut, 403: Error, 404: Error})
@api_policy("warnings.sources")
def load_source(request, code: str, file: UploadedFile = File(...)):  # noqa: B008 - ninja's declaration
    """An outside feed delivers a file (CSV/XLSX): all rows or none, a file already loaded is not loaded again."""
    source = get_scoped(Source.objects.all(), request.user, CHANGE, code=code)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(file.name or "upload.csv").name
        path.write_bytes(file.read())
        report = services.load_source_file(actor=request.user, source=source, path=path, file_name=file.name)
    body = {
        "ok": report.ok,
        "summary": report.summary() if report.ok else (report.unreadable or "文件有错误，未导入任何数据"),
        "rows": report.rows,
        "created": report.created,
        "already_loaded": report.already_loaded,
        "load_id": report.load_id,
        "issues": [[i.row, i.column, i.message] for i in report.issues[:1000]],
    }
    return Status(200 if report.ok else 400, body)
