"""Read interfaces the complaints app offers other apps (declared in ``ComplaintsConfig.providers``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Q

from .models import Case


def received_cases(
    case_ranges: Iterable[tuple[int, int]],
    *,
    categories: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> Iterator[dict]:
    """The cases with ids in ``case_ranges`` (as ``complaints.cases_imported`` announces them), each as
    the payload ``complaints.case_received`` would have carried, optionally narrowed to goods
    categories and kinds. Nothing personal: the same fields as the event."""
    where = Q()
    for first, last in case_ranges:
        where |= Q(pk__gte=first, pk__lte=last)
    if not where:
        return
    cases = Case.objects.filter(where)
    if categories is not None:
        cases = cases.filter(category__in=list(categories))
    if kinds is not None:
        cases = cases.filter(kind__in=list(kinds))
    fields = (
        "pk",
        "code",
        "kind",
        "respondent_uscc",
        "jurisdiction__code",
        "received_on",
        "category",
        "channel",
        "respondent_name",
        "product",
        "platform_uscc",
    )
    for row in cases.order_by("pk").values(*fields).iterator(chunk_size=2000):
        yield {
            "case_id": row["pk"],
            "code": row["code"],
            "kind": row["kind"],
            "respondent_uscc": row["respondent_uscc"],
            "jurisdiction": row["jurisdiction__code"],
            "received_on": row["received_on"].isoformat(),
            "category": row["category"],
            "channel": row["channel"],
            "respondent_name": row["respondent_name"],
            "product": row["product"],
            "platform_uscc": row["platform_uscc"],
        }
