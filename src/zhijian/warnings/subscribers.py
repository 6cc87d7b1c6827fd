"""Event handlers: the platform's own records become observations of its own sources.

Idempotent: each observation is keyed on the event's origin (``reference``), so an event offered again
changes nothing, and a reversed judgement sets the failure back to zero.

Sources and their events:

- ``own.sampling``: ``sampling.sample_failed`` (one observation per failed test item, 1 test, 1
  failure), ``sampling.judgement_reversed`` (the failure back to zero);
- ``own.spot_checks``: ``inspections.result_recorded``;
- ``own.complaints``: ``complaints.case_received`` and ``complaints.case_closed`` for complaints and
  reports about food (商品服务类别 食品) and catering (餐饮住宿服务): one case is one count, keyed
  ``complaints.case:<tracking code>``; a case closed as merged into another (合并处理) counts zero, since the
  case it joined is counted. A case imported from the national platform (which announces the run,
  not each case) is counted on its day of receipt from the run's id ranges, read through the complaints
  app's provider ``complaints.received_cases``;
- ``own.credit``: ``credit.class_changed`` when a firm of the food trade (GB/T 4754 divisions 13–15,
  food wholesale 512, food retail 522, catering 62) drops to a worse credit-risk class.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zhijian.core.events import subscriber
from zhijian.core.hooks import provider
from zhijian.core.models import Jurisdiction
from zhijian.registry.models import Entity

from .models import Channel
from .services import record_own_observation, record_own_observations

PROBLEM_CODES = {"violation", "false_disclosure", "not_disclosed", "obstruction", "unreachable"}
# Complaint categories (商品和服务分类, complaints.models.Category) that concern food, by their label.
FOOD_COMPLAINT_CATEGORIES = {"food": "食品", "catering": "餐饮住宿服务"}
COMPLAINT_KINDS = {"complaint", "report"}  # enquiries (咨询) are not complaints about food
MERGED_OUTCOME = "merged"
# The food trade by GB/T 4754-2017 code prefix (section letter + digits): its label and channel (环节).
FOOD_TRADE = {
    "C13": ("农副食品加工", Channel.PRODUCTION),
    "C14": ("食品制造", Channel.PRODUCTION),
    "C15": ("酒、饮料和精制茶制造", Channel.PRODUCTION),
    "F512": ("食品、饮料批发", Channel.CIRCULATION),
    "F522": ("食品、饮料专门零售", Channel.CIRCULATION),
    "H62": ("餐饮", Channel.CATERING),
}
CREDIT_CLASSES = ("A", "B", "C", "D")  # from low risk to high (信用风险分类, 国市监信发〔2022〕6号)


def _district_of(uscc: str | None) -> int | None:
    if not uscc:
        return None
    entity = Entity.objects.filter(uscc=uscc).select_related("jurisdiction").first()
    if entity is None:
        return None
    return entity.jurisdiction.district_id or entity.jurisdiction_id


def _county_of(code: str | None) -> int | None:
    """The county-level unit of a jurisdiction code; ``None`` for the city itself or an unknown code."""
    unit = Jurisdiction.objects.filter(code=code).first() if code else None
    if unit is None or unit.level == Jurisdiction.Level.CITY:
        return None
    return unit.district_id or unit.pk


def food_trade(industry_code: str) -> tuple[str, str] | None:
    """(label, channel) of a firm of the food trade by its industry code; ``None`` outside the trade."""
    return next(
        (trade for prefix, trade in FOOD_TRADE.items() if (industry_code or "").startswith(prefix)), None
    )


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


def _food_case_values(p: dict, respondents: dict[str, dict] | None = None, counties=None) -> dict | None:
    """The observation of a complaint or report about food, or ``None`` for any other case.

    ``respondents`` (USCC → name and industry code) and ``counties`` (jurisdiction code → county id)
    are read ahead for a whole import; one case reads them itself."""
    category = FOOD_COMPLAINT_CATEGORIES.get(p.get("category", ""))
    if category is None or p.get("kind") not in COMPLAINT_KINDS:
        return None
    uscc = p.get("respondent_uscc")
    if respondents is not None:
        respondent = respondents.get(uscc) if uscc else None
    else:
        respondent = (
            Entity.objects.filter(uscc=uscc).values("name", "industry_code").first() if uscc else None
        )
    trade = food_trade(respondent["industry_code"]) if respondent else None
    channel: str
    if p.get("platform_uscc"):
        channel = Channel.ONLINE
    elif p["category"] == "catering":
        channel = Channel.CATERING
    else:
        channel = trade[1] if trade else ""
    producer = (
        (respondent["name"] if respondent else "")
        or p.get("respondent_name")
        or p.get("respondent_uscc")
        or ""
    )
    return {
        "occurred_on": dt.date.fromisoformat(p["received_on"]),
        "district_id": counties(p.get("jurisdiction")) if counties else _county_of(p.get("jurisdiction")),
        "category": category,
        "channel": channel,
        "producer": producer[:120],
        "product": (p.get("product") or "")[:120],
    }


def _case_reference(p: dict) -> str:
    return f"complaints.case:{p['code']}"  # the case's tracking code (查询码), unique and stable


@subscriber("complaints.case_received", "warnings.record_food_complaint")
def record_food_complaint(event) -> None:
    """A complaint or report about food, counted on the day it was received."""
    values = _food_case_values(event.payload)
    if values is not None:
        record_own_observation(
            source_code="own.complaints", reference=_case_reference(event.payload), **values
        )


@subscriber("complaints.case_closed", "warnings.close_food_complaint")
def close_food_complaint(event) -> None:
    """The same case on closing: counted now if its receipt was not announced (an imported case), and
    zero when it was merged into another case (合并处理), which is counted instead."""
    from .models import Observation

    p = event.payload
    count = 0 if p.get("outcome") == MERGED_OUTCOME else 1
    reference = _case_reference(p)
    known = Observation.objects.filter(source__code="own.complaints", reference=reference)
    if known.exists():
        known.update(count=count)
        return
    values = _food_case_values(p)
    if values is not None:
        record_own_observation(source_code="own.complaints", reference=reference, count=count, **values)


@subscriber("complaints.cases_imported", "warnings.record_imported_food_complaints")
def record_imported_food_complaints(event) -> None:
    """The food complaints and reports of a national-platform import, counted on the days they were
    received (the run announces its cases as id ranges; the complaints app's provider reads them)."""
    cases = provider("complaints.received_cases")
    ranges = event.payload.get("case_ranges") or []
    if cases is None or not ranges:
        return
    payloads = list(cases(ranges, categories=list(FOOD_COMPLAINT_CATEGORIES), kinds=list(COMPLAINT_KINDS)))
    if not payloads:
        return
    usccs = {p["respondent_uscc"] for p in payloads if p.get("respondent_uscc")}
    respondents = {
        row["uscc"]: row
        for row in Entity.objects.filter(uscc__in=usccs).values("uscc", "name", "industry_code").iterator()
    }
    units = {
        u.code: None if u.level == Jurisdiction.Level.CITY else (u.district_id or u.pk)
        for u in Jurisdiction.objects.filter(code__in={p["jurisdiction"] for p in payloads})
    }
    items = []
    for p in payloads:
        values = _food_case_values(p, respondents, units.get)
        if values is not None:
            items.append((_case_reference(p), values))
    record_own_observations(source_code="own.complaints", items=items)


@subscriber("credit.class_changed", "warnings.record_credit_drop")
def record_credit_drop(event) -> None:
    """A firm of the food trade whose credit-risk class got worse (e.g. dropped to D, 高风险)."""
    p = event.payload
    before, after = p.get("from") or "", p.get("to") or ""
    if before not in CREDIT_CLASSES or after not in CREDIT_CLASSES:
        return  # a first classification (no class before) is not a drop
    if CREDIT_CLASSES.index(after) <= CREDIT_CLASSES.index(before):
        return
    entity = (
        Entity.objects.filter(pk=p["entity_id"]).select_related("jurisdiction").first()
        or Entity.objects.filter(uscc=p.get("uscc") or "").select_related("jurisdiction").first()
    )
    trade = food_trade(entity.industry_code) if entity else None
    if entity is None or trade is None:
        return
    classified = parse_datetime(str(p["classified_at"])) or timezone.now()
    if timezone.is_aware(classified):
        classified = timezone.localtime(classified)
    record_own_observation(
        source_code="own.credit",
        reference=f"credit.class:{entity.pk}:{classified:%Y%m%dT%H%M%S}",
        occurred_on=classified.date(),
        district_id=entity.jurisdiction.district_id or entity.jurisdiction_id,
        category=trade[0],
        hazard=f"信用风险分类降为{after}类",
        channel=trade[1],
        producer=entity.name[:120],
    )
