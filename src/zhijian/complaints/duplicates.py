"""Likely duplicates (疑似重复), repeated reports (重复举报) and mass-complaint clusters (群体投诉).

Duplicate candidates come from one composite index, ``(complainant_key, respondent_key,
received_on)``: the complainant's key is a hash of the phone number (else the ID number), the
respondent's the USCC (else the normalised name). Among a year of 200,000 cases one complainant has
a handful against one respondent, so the index hands back a few rows and the texts are compared in
Python (character-bigram Jaccard). A brute-force comparison against every case in the window
(``brute_force_candidates``) is kept as the benchmark's baseline and the tests' oracle.

Clusters are found set-based: one GROUP BY per key (respondent, product) and month, keeping groups
with at least ``CLUSTER_MIN_COMPLAINANTS`` distinct complainants that are a surge — at least
``CLUSTER_SPIKE`` times the key's monthly average over the window (a large retailer's steady stream of
complaints is not a mass complaint; a gym's members complaining in the month it closed are). The cases
are then labelled with one UPDATE joining them to their cluster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncMonth

from zhijian.core.rules import rule

from .models import Case, Cluster, Kind, Status

SIMILAR = 0.8  # bigram Jaccard at or above which two texts are near-identical
CLUSTER_MIN_COMPLAINANTS = 5  # distinct complainants about one respondent or product in a month
CLUSTER_SPIKE = 3  # ... and at least three times that key's monthly average over the window
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_LEGAL_FORMS = ("有限责任公司", "股份有限公司", "有限公司", "分公司", "公司")


def complainant_key(phone: str, id_number: str) -> str:
    """A hash of the phone number (digits only), else of the ID number: never the number itself."""
    digits = (phone if phone.isdigit() else "".join(c for c in phone if c.isdigit()))[-11:]
    basis = ("p:" + digits) if digits else ("i:" + id_number.strip().upper() if id_number.strip() else "")
    return hashlib.sha256(basis.encode()).hexdigest()[:16] if basis else ""


def respondent_key(uscc: str, name: str) -> str:
    if uscc:
        return uscc.upper()
    name = _PUNCT.sub("", name)
    for form in _LEGAL_FORMS:
        if name.endswith(form) and len(name) > len(form) + 1:
            name = name[: -len(form)]
            break
    return "n:" + name[:150]


def normalise_text(text: str) -> str:
    return _PUNCT.sub("", text).lower()


def text_hash(subject: str, description: str) -> str:
    return hashlib.sha256(normalise_text(subject + description).encode()).hexdigest()[:16]


def bigrams(text: str) -> frozenset[str]:
    text = normalise_text(text)
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


def similarity(a: str, b: str) -> float:
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x | y else 1.0


@dataclass(frozen=True)
class Candidate:
    case_id: int
    code: str
    received_on: dt.date
    status: str
    similarity: float


def window_days(on: dt.date) -> int:
    try:
        return int(rule("complaints.duplicate_window", on=on).value)
    except LookupError:
        return 90


def _text(subject: str, description: str) -> str:
    return f"{subject}\n{description}"


def duplicate_candidates(case: Case, *, limit: int = 20) -> list[Candidate]:
    """Earlier cases of the same complainant against the same respondent with near-identical text."""
    if not case.complainant_key or not case.respondent_key:
        return []
    since = case.received_on - dt.timedelta(days=window_days(case.received_on))
    rows = (
        Case.objects.filter(
            complainant_key=case.complainant_key,
            respondent_key=case.respondent_key,
            received_on__gte=since,
            received_on__lte=case.received_on,
        )
        .exclude(pk=case.pk)
        .values_list("pk", "code", "received_on", "status", "subject", "description")
        .order_by("-received_on")[:200]
    )
    mine = _text(case.subject, case.description)
    found = []
    for pk, code, received_on, status, subject, description in rows:
        score = similarity(mine, _text(subject, description))
        if score >= SIMILAR:
            found.append(Candidate(pk, code, received_on, status, round(score, 3)))
    return found[:limit]


def brute_force_candidates(case: Case, rows: Iterable[tuple] | None = None) -> list[int]:
    """The baseline: compare the text with every case in the window, then check the parties."""
    since = case.received_on - dt.timedelta(days=window_days(case.received_on))
    if rows is None:
        rows = Case.objects.filter(received_on__gte=since, received_on__lte=case.received_on).values_list(
            "pk", "complainant_key", "respondent_key", "subject", "description"
        )
    mine = _text(case.subject, case.description)
    return [
        pk
        for pk, c_key, r_key, subject, description in rows
        if pk != case.pk
        and similarity(mine, _text(subject, description)) >= SIMILAR
        and c_key == case.complainant_key
        and r_key == case.respondent_key
    ]


def is_repeated_report(case: Case) -> bool:
    """A report whose source already made the identical report about the same respondent (重复举报)."""
    if case.kind != Kind.REPORT or not case.complainant_key:
        return False
    return (
        Case.objects.filter(
            kind=Kind.REPORT,
            complainant_key=case.complainant_key,
            respondent_key=case.respondent_key,
            text_hash=case.text_hash,
            received_on__lte=case.received_on,
        )
        .exclude(pk=case.pk)
        .exists()
    )


def flag_repeated_reports(since: dt.date | None = None) -> int:
    """Set-based, one UPDATE: flag every report preceded by an identical one from the same source.

    The earlier report is found through the duplicate index (complainant, respondent, receipt date).
    """
    earlier = Case.objects.filter(
        Q(received_on__lt=OuterRef("received_on"))
        | Q(received_on=OuterRef("received_on"), pk__lt=OuterRef("pk")),
        kind=Kind.REPORT,
        complainant_key=OuterRef("complainant_key"),
        respondent_key=OuterRef("respondent_key"),
        text_hash=OuterRef("text_hash"),
    )
    qs = Case.objects.filter(kind=Kind.REPORT, repeated_report=False).exclude(complainant_key="")
    if since:
        qs = qs.filter(received_on__gte=since)
    return qs.filter(Exists(earlier)).update(repeated_report=True)


def _month_expr():
    return TruncMonth("received_on")


def compute_clusters(*, start: dt.date, end: dt.date, minimum: int = CLUSTER_MIN_COMPLAINANTS) -> int:
    """Recompute the clusters of cases received in [start, end]; return how many clusters exist.

    Set-based: one grouped query per key kind gives the clusters; cases get their cluster by one
    UPDATE per cluster (a cluster is a few dozen to a few thousand rows). A case in both a respondent
    and a product cluster keeps the respondent's.
    """
    base = Case.objects.filter(received_on__gte=start, received_on__lte=end, kind=Kind.COMPLAINT).exclude(
        status=Status.MERGED
    )
    with transaction.atomic():
        Case.objects.filter(received_on__gte=start, received_on__lte=end).exclude(cluster=None).update(
            cluster=None
        )
        months = Q(month__gte=start.replace(day=1), month__lte=end)
        Cluster.objects.filter(months).delete()
        made = 0
        for key_kind, field, label_field in (
            (Cluster.KeyKind.RESPONDENT, "respondent_key", "respondent_name"),
            (Cluster.KeyKind.PRODUCT, "product", "product"),
        ):
            qs = base.exclude(**{field: ""}) if field != "respondent_key" else base.exclude(respondent_key="")
            groups = (
                qs.annotate(month=_month_expr())
                .values(field, "month")
                .annotate(
                    size=Count("id"),
                    people=Count("complainant_key", distinct=True),
                    label=Min(label_field),
                    unit=Min("jurisdiction_id"),
                )
                .filter(people__gte=minimum)
                .order_by()
            )
            groups = list(groups)
            totals = dict(
                qs.filter(**{f"{field}__in": {g[field] for g in groups}})
                .values_list(field)
                .annotate(n=Count("id"))
                .order_by()
            )
            months_in_window = (end.year - start.year) * 12 + end.month - start.month + 1
            clusters = [
                Cluster(
                    key_kind=key_kind,
                    key=g[field][:200],
                    month=_as_date(g["month"]),
                    label=(g["label"] or "")[:200],
                    size=g["size"],
                    complainants=g["people"],
                    jurisdiction_id=g["unit"],
                )
                for g in groups
                if g["size"] * months_in_window >= CLUSTER_SPIKE * totals.get(g[field], 0)
            ]
            Cluster.objects.bulk_create(clusters, batch_size=2000)
            made += len(clusters)
            _label_cases(key_kind, field, start, end)
    return made


def _label_cases(key_kind: str, field: str, start: dt.date, end: dt.date) -> None:
    """One UPDATE joining the cases of [start, end] to their cluster by key and month."""
    case, cluster = Case._meta.db_table, Cluster._meta.db_table
    params: list[str | dt.date] = [key_kind, start, end, Kind.COMPLAINT, Status.MERGED]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""UPDATE {case} SET cluster_id = c.id FROM {cluster} c
                WHERE c.key_kind = %s AND c.key = {case}.{field}
                  AND c.month = date_trunc('month', {case}.received_on)::date
                  AND {case}.received_on BETWEEN %s AND %s AND {case}.kind = %s AND {case}.status <> %s
                  AND {case}.cluster_id IS NULL""",  # noqa: S608 - table and field names are ours
                params,
            )
        else:
            match = (
                f"SELECT c.id FROM {cluster} c WHERE c.key_kind = %s AND c.key = {case}.{field} "  # noqa: S608
                f"AND c.month = strftime('%%Y-%%m-01', {case}.received_on)"
            )
            cursor.execute(
                f"""UPDATE {case} SET cluster_id = ({match})
                WHERE received_on BETWEEN %s AND %s AND kind = %s AND status <> %s AND cluster_id IS NULL
                  AND EXISTS ({match})""",  # noqa: S608
                [key_kind, start, end, Kind.COMPLAINT, Status.MERGED, key_kind],
            )


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
