"""State changes of quality infrastructure, one module per aggregate; each ``verb_noun(*, actor, ...)``
runs in one transaction: permission, save, deadline, audit, event."""

from .campaign import (
    enrol_firm,
    recommend_leader,
    record_enrolment_result,
    record_plan,
    review_enrolment,
    save_campaign,
)
from .common import NotAllowed, QualityError
from .libraries import add_coaching, add_evidence, advance_stage, nominate_firm, record_award
from .onestop import (
    accept_quote,
    cancel_request,
    decline_request,
    deliver_report,
    link_account,
    publish_capability,
    quote_request,
    rate_service,
    register_provider,
    request_service,
)
from .reports import generate_report, review_report, save_narrative, send_reminders, submit_report
from .standards import find_standard, save_standard

__all__ = [
    "NotAllowed",
    "QualityError",
    "accept_quote",
    "add_coaching",
    "add_evidence",
    "advance_stage",
    "cancel_request",
    "decline_request",
    "deliver_report",
    "enrol_firm",
    "find_standard",
    "generate_report",
    "link_account",
    "nominate_firm",
    "publish_capability",
    "quote_request",
    "rate_service",
    "recommend_leader",
    "record_award",
    "record_enrolment_result",
    "record_plan",
    "register_provider",
    "request_service",
    "review_enrolment",
    "review_report",
    "save_campaign",
    "save_narrative",
    "save_standard",
    "send_reminders",
    "submit_report",
]
