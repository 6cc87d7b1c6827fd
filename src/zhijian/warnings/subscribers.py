"""Event handlers: the platform's own records become observations of its own sources.

Idempotent: each observation is keyed on the event's origin (``reference``), so an event offered again
changes nothing, and a reversed judgement sets the failure back to zero.
"""

from __future__ import annotations

import datetime as dt

from zhijian.core.events import subscriber
from zhijian.registry.models import Entity

from .services import record_own_observation

PROBLEM_CODES = {"violation", "false_disclosure", "not_disclosed", "obstruction", "unreachable"}


def _district_of(uscc: str | None) -> int | None:
    if not uscc:
        return None
    entity = Entity.objects.filter(uscc=uscc).select_related("jurisdiction").first()
    if entity is None:
        return None
    return entity.jurisdiction.district_id or entity.jurisdiction_id


@subscriber("sampling.sample_failed", "warnings.record_failed_sample")
def record_failed_sample(event) -> None:
    p = event.payload
    producer = p.get("producer_uscc") or ""
    name = Entity.objects.filter(uscc=producer).values_list("name", flat=True).first() if producer else None
    for item in p.get("failed_items") or [""]:
        record_own_observation(
            source_code="own.sampling",
            reference=f"sampling:{p['sample_id']}:{item}",
            occurred_on=dt.date.fromisoformat(p["judged_on"]),
            district_id=_district_of(p.get("seller_uscc")),
            category=p.get("category", ""),
            hazard=item,
            producer=name or producer,
            product=p.get("product", ""),
            tested=1,
            failed=1,
        )


@subscriber("sampling.judgement_reversed", "warnings.withdraw_failed_sample")
def withdraw_failed_sample(event) -> None:
    from .models import Observation

    Observation.objects.filter(
        source__code="own.sampling", reference__startswith=f"sampling:{event.payload['sample_id']}:"
    ).update(failed=0)


@subscriber("inspections.result_recorded", "warnings.record_spot_check")
def record_spot_check(event) -> None:
    p = event.payload
    record_own_observation(
        source_code="own.spot_checks",
        reference=f"inspection:{p['inspection_id']}",
        occurred_on=dt.date.fromisoformat(p["completed_on"]) if p.get("completed_on") else dt.date.today(),
        district_id=_district_of(p.get("uscc")),
        category=p.get("task_title", "")[:60],
        hazard=p.get("result_label", "")[:60],
        tested=1,
        failed=1 if p.get("result_code") in PROBLEM_CODES else 0,
    )
