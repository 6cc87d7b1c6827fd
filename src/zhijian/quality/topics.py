"""Events quality infrastructure emits (docs/events.md, docs/quality.md)."""

from __future__ import annotations

from zhijian.core.events import register_topic
from zhijian.core.topics import Payload


class StandardSaved(Payload):
    standard_id: int
    number: str
    status: str


class StandardsImported(Payload):
    run_id: int
    created: int
    changed: int


class EnrolmentSubmitted(Payload):
    enrolment_id: int
    jurisdiction: str
    uscc: str


class EnrolmentReviewed(Payload):
    enrolment_id: int
    approved: bool
    uscc: str


class BenchmarkResult(Payload):
    enrolment_id: int
    uscc: str
    met: bool
    industry: str


class LeaderRecommended(Payload):
    enrolment_id: int
    uscc: str


class ReportSubmitted(Payload):
    report_id: int
    jurisdiction: str
    year: int
    period: str
    late: bool


class ReportReminder(Payload):
    jurisdiction: str
    year: int
    period: str
    kind: str
    due_on: str


class LibraryNominated(Payload):
    entry_id: int
    library: str
    uscc: str


class LibraryStage(Payload):
    entry_id: int
    library: str
    stage: str


class AwardWon(Payload):
    entry_id: int
    library: str
    level: str
    uscc: str
    year: int


class ServiceRequested(Payload):
    request_id: int
    provider_id: int
    uscc: str
    cluster: str
    enrolment_id: int | None = None


class ServiceStep(Payload):
    request_id: int
    uscc: str | None = None
    provider_id: int | None = None


register_topic("quality.standard_saved", StandardSaved)
register_topic("quality.standards_imported", StandardsImported)
register_topic("quality.enrolment_submitted", EnrolmentSubmitted)
register_topic("quality.enrolment_reviewed", EnrolmentReviewed)
register_topic("quality.benchmark_result", BenchmarkResult)
register_topic("quality.leader_recommended", LeaderRecommended)
register_topic("quality.report_submitted", ReportSubmitted)
register_topic("quality.report_reminder", ReportReminder)
register_topic("quality.library_nominated", LibraryNominated)
register_topic("quality.library_stage", LibraryStage)
register_topic("quality.award_won", AwardWon)
register_topic("quality.service_requested", ServiceRequested)
for _step in ("quality.service_quoted", "quality.service_booked", "quality.service_delivered"):
    register_topic(_step, ServiceStep)
