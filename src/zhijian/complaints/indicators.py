"""Plan indicators computed from complaints (see :class:`zhijian.core.hooks.IndicatorSource`).

Seed 001 (《宁波市市场监管“十四五”规划》) table 2-1:

- s001.t21.r07 消费者投诉处置率 (%): complaints received in the period (``kind`` 投诉, by
  ``received_on``) that are disposed of — 已办结, 不予受理 or 已合并 — ÷ complaints received in it,
  per handling jurisdiction; the same cohort as the statistics page (:func:`queries.figures`).
- s001.t21.r06 ODR企业 (个): firms enrolled in ODR on the period's last day (enrolled on or before it,
  not withdrawn by then) — a stock, per the firm's jurisdiction.
- s001.t21.r05 推行赔偿先付企业 (个): the same for 赔偿先付.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import ibis
from django.urls import reverse

from zhijian.core.analytics import source
from zhijian.core.hooks import IndicatorSource

from .models import Case, Enrolment, Kind, Status

DISPOSED = [Status.CLOSED, Status.NOT_ACCEPTED, Status.MERGED]


def complaint_disposal_rate(start: dt.date, end: dt.date, district_id: int | None = None):
    case = source(Case, ["kind", "status", "received_on", "jurisdiction"])
    cohort = case.filter(case.kind == Kind.COMPLAINT, case.received_on >= start, case.received_on <= end)
    if district_id is not None:
        cohort = cohort.filter(cohort.jurisdiction_id == district_id)
    flagged = cohort.mutate(n=cohort.status.isin(DISPOSED).ifelse(1, 0).cast("int64"))
    return flagged.group_by(district_id=flagged.jurisdiction_id).aggregate(
        numerator=flagged.n.sum().cast("int64"), denominator=flagged.count().cast("int64")
    )


def _enrolled(programme: str):
    def firms(start: dt.date, end: dt.date, district_id: int | None = None):
        enrolment = source(Enrolment, ["uscc", "programme", "enrolled_on", "withdrawn_on", "jurisdiction"])
        active = enrolment.filter(
            enrolment.programme == programme,
            enrolment.enrolled_on <= end,
            enrolment.withdrawn_on.isnull() | (enrolment.withdrawn_on > end),
        )
        if district_id is not None:
            active = active.filter(active.jurisdiction_id == district_id)
        return active.group_by(district_id=active.jurisdiction_id).aggregate(
            numerator=active.uscc.nunique().cast("int64"), denominator=ibis.null().cast("int64")
        )

    firms.__name__ = f"enrolled_{programme}_firms"
    return firms


odr_firms = _enrolled(Enrolment.Programme.ODR)
compensation_first_firms = _enrolled(Enrolment.Programme.COMPENSATION_FIRST)


def _cases_url(start: dt.date, end: dt.date, district_id: int | None = None) -> str:
    query = {"kind": Kind.COMPLAINT.value}
    if district_id:
        query["jurisdiction"] = str(district_id)
    return f"{reverse('complaints:case_list')}?{urlencode(query)}"


def _firms_url(start: dt.date, end: dt.date, district_id: int | None = None) -> str:
    return reverse("complaints:enrolments")


def definitions() -> list[IndicatorSource]:
    return [
        IndicatorSource(
            code="s001.t21.r07",
            app="complaints",
            compute=complaint_disposal_rate,
            records_url=_cases_url,
            note="期内登记的消费者投诉中已办结、不予受理或已合并的件数 ÷ 期内登记的投诉件数",
            scale=Decimal(100),
        ),
        IndicatorSource(
            code="s001.t21.r06",
            app="complaints",
            compute=odr_firms,
            records_url=_firms_url,
            note="期末在册的ODR（在线消费纠纷解决）企业（按统一社会信用代码去重）",
        ),
        IndicatorSource(
            code="s001.t21.r05",
            app="complaints",
            compute=compensation_first_firms,
            records_url=_firms_url,
            note="期末在册的推行赔偿先付企业（按统一社会信用代码去重）",
        ),
    ]
