"""Events the complaints app emits (docs/events.md, docs/complaints.md)."""

from __future__ import annotations

import datetime as dt

from zhijian.core.events import register_topic
from zhijian.core.topics import Payload


class CaseReceived(Payload):
    """A case registered, on any channel (the national platform's import included).

    The warnings app counts food complaints and reports from it (category, product, respondent, and
    the trading platform that makes it an online purchase).
    """

    case_id: int
    code: str
    kind: str
    respondent_uscc: str
    jurisdiction: str
    received_on: dt.date
    category: str
    channel: str
    respondent_name: str = ""
    product: str = ""
    platform_uscc: str = ""


class CaseClosed(Payload):
    """An outcome: the credit app turns mediated, settled, terminated and filed into credit records."""

    case_id: int
    code: str
    kind: str
    outcome: str
    outcome_label: str
    respondent_uscc: str
    respondent_name: str
    entity_id: int | None
    received_on: dt.date
    closed_on: dt.date | None
    amount_recovered: str
    category: str
    jurisdiction: str
    rule_version: str
    case_decision_no: str = ""


class CaseTransferred(Payload):
    case_id: int
    to: str
    reason: str


class DisputeRaised(Payload):
    case_id: int
    dispute_id: int
    due: dt.date


class FirmEnrolled(Payload):
    uscc: str
    programme: str
    on: dt.date


class FirmWithdrawn(Payload):
    uscc: str
    programme: str


class CasesImported(Payload):
    """An import of the national platform's export. ``case_ranges`` holds the ids of the cases it
    filed as inclusive ``[first, last]`` ranges (a few per run: ids are drawn in blocks); a subscriber
    that needs the cases reads them through the provider ``complaints.received_cases``."""

    run_id: int
    created: int
    case_ranges: list[tuple[int, int]] = []


register_topic("complaints.case_received", CaseReceived)
register_topic("complaints.case_closed", CaseClosed)
register_topic("complaints.case_transferred", CaseTransferred)
register_topic("complaints.dispute_raised", DisputeRaised)
register_topic("complaints.firm_enrolled", FirmEnrolled)
register_topic("complaints.firm_withdrawn", FirmWithdrawn)
register_topic("complaints.cases_imported", CasesImported)
