"""Demo data of credit supervision: synthetic records and lists for the loaded register, then a batch.

Run by ``zhijian demo`` after the register is loaded (``CreditConfig.demo_loader``); deterministic for
a seed, set-based (COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import SystemActor
from zhijian.core.bulk import RawJSON, insert_rows
from zhijian.core.models import Jurisdiction
from zhijian.core.rules import rule
from zhijian.credit.classify import rescore_all
from zhijian.credit.models import CreditRecord, CreditStanding, ListEntry, ListingProposal
from zhijian.credit.periods import add_period
from zhijian.registry.models import Entity

from .synthetic import Register, generate, to_date

RECORD_FIELDS = (
    "entity_id",
    "kind",
    "severity",
    "title",
    "violation_type",
    "decision_no",
    "authority",
    "occurred_on",
    "legal_basis",
    "measures",
    "sector",
    "source",
    "source_ref",
    "public",
    "publicity",
    "published_on",
    "publicity_until",
    "fulfilled_on",
    "withdrawal_reason",
    "recorded_at",
)
ENTRY_FIELDS = (
    "entity_id",
    "list",
    "ground",
    "status",
    "entered_on",
    "entry_reason",
    "decision_no",
    "authority",
    "removed_on",
    "removal_reason",
    "recorded_at",
)


def load_register() -> tuple[Register, dict[int, str]]:
    """The register as numpy arrays in USCC order, and each entity's supervising bureau's name."""
    rows = list(
        Entity.objects.order_by("uscc").values_list(
            "id", "jurisdiction__code", "entity_type", "established_on"
        )
    )
    names = {j.code: j.name for j in Jurisdiction.objects.filter(level__in=["district", "zone"])}
    register = Register(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        districts=np.array([r[1] for r in rows], dtype=object),
        types=np.array([r[2] for r in rows], dtype=object),
        established=np.array([r[3] for r in rows], dtype="datetime64[D]"),
    )
    authority = {r[0]: names.get(r[1], "宁波市市场监督管理局") for r in rows}
    return register, authority


def publicity_days(on: dt.date) -> tuple[int, int]:
    light = add_period(on, rule("credit.penalty.publicity_light", on=on)) - on
    normal = add_period(on, rule("credit.penalty.publicity", on=on)) - on
    return light.days, normal.days


def record_rows(records: dict, authority: dict[int, str], now: dt.datetime):
    basis = {"penalty": "《中华人民共和国行政处罚法》", "spot_check": "《市场监督管理随机抽查工作细则》"}
    for i in range(len(records["entity"])):
        entity_id = int(records["entity"][i])
        kind = records["kind"][i]
        occurred = to_date(records["occurred"][i])
        public = bool(records["public"][i])
        yield (
            entity_id,
            kind,
            records["severity"][i],
            records["title"][i],
            records["title"][i] if kind == "penalty" else "",
            f"甬市监处〔{occurred.year}〕{i % 100000}号" if kind == "penalty" else "",
            authority.get(entity_id, ""),
            occurred,
            basis.get(kind, ""),
            # The generator's measures are JSON text already (what COPY takes): passed as they are,
            # never encoded a second time into a JSON string.
            RawJSON(records["measures"][i]),
            records["sector"][i],
            "demo",
            "",
            public,
            records["publicity"][i],
            occurred if public else None,
            to_date(records["until"][i]),
            to_date(records["fulfilled"][i]),
            "",
            now,
        )


def entry_rows(lists: dict, authority: dict[int, str], now: dt.datetime):
    labels = {"abnormal": "列入经营异常名录", "serious": "列入严重违法失信名单", "red": "列入守信激励名单"}
    for i in range(len(lists["entity"])):
        entity_id = int(lists["entity"][i])
        removed = to_date(lists["removed"][i])
        yield (
            entity_id,
            lists["list"][i],
            lists["ground"][i],
            "removed" if removed else "in_force",
            to_date(lists["entered"][i]),
            labels[lists["list"][i]],
            "",
            authority.get(entity_id, ""),
            removed,
            "已补报年度报告并公示，申请移出" if removed else "",
            now,
        )


def _prepare_tour_entity(as_of: dt.date) -> Entity | None:
    """Give the demo enterprise account's firm something to repair: an abnormal-list entry and a
    fine old enough for early end of publicity. The firm is the one ``zhijian demo`` binds the
    ``enterprise`` account to (the first active 有限责任公司 of 海曙 by USCC)."""
    from zhijian.credit import services
    from zhijian.credit.models import CreditList, ListGround

    entity = (
        Entity.objects.filter(jurisdiction__code="330203", entity_type="llc", status="active")
        .order_by("uscc")
        .first()
    )
    if entity is None:
        return None
    CreditRecord.objects.filter(entity=entity).delete()
    ListingProposal.objects.filter(entity=entity).delete()  # a confirmed one protects its entry
    ListEntry.objects.filter(entity=entity).delete()
    decided = as_of - dt.timedelta(days=300)
    services.record_penalty(
        actor=SystemActor("demo"),
        entity=entity,
        measures=["fine"],
        title="销售不符合标准的产品",
        violation_type="产品质量",
        decision_no=f"甬海市监罚〔{decided.year}〕58号",
        authority="海曙区市场监督管理局",
        occurred_on=decided,
        fulfilled_on=decided + dt.timedelta(days=12),
        legal_basis="《中华人民共和国产品质量法》第四十九条",
        today=decided + dt.timedelta(days=5),
        reclassify=False,
    )
    services.enter_list(
        actor=SystemActor("demo"),
        entity=entity,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.ANNUAL_REPORT,
        entered_on=as_of - dt.timedelta(days=150),
        reason="未按规定期限公示上一年度报告",
    )
    return entity


def load(*, seed: int, scale: str, console, as_of: dt.date | None = None) -> dict:
    """Load synthetic credit records and lists for every entity, then classify everyone."""
    as_of = as_of or timezone.localdate()
    register, authority = load_register()
    data = generate(register, seed=seed, as_of=as_of, penalty_publicity_days=publicity_days(as_of))
    now = timezone.now()
    with transaction.atomic():
        CreditStanding.objects.all().delete()
        CreditRecord.objects.filter(source="demo").delete()
        ListEntry.objects.filter(
            recorded_by__isnull=True, source_entry__isnull=True, decisions__isnull=True
        ).delete()
        records = insert_rows(CreditRecord, RECORD_FIELDS, record_rows(data["records"], authority, now))
        entries = insert_rows(ListEntry, ENTRY_FIELDS, entry_rows(data["lists"], authority, now))
        audit.record(
            SystemActor("demo"),
            audit.Change(
                "credit.demo_load",
                "CreditRecord",
                "*",
                None,
                {"seed": seed, "records": records, "list_entries": entries},
            ),
        )
    tour = _prepare_tour_entity(as_of)
    run = rescore_all(actor=SystemActor("demo"), as_of=as_of)
    counts = run.class_counts
    total = max(1, sum(counts.values()))
    mix = "，".join(f"{c}类 {counts.get(c, 0)}（{100 * counts.get(c, 0) / total:.1f}%）" for c in "ABCD")
    if console is not None:
        console.print(f"信用记录 {records} 条，名录记录 {entries} 条；信用风险分类：{mix}")
        if tour:
            console.print(
                f"演示企业 {tour.name}（{tour.uscc}）：在经营异常名录中，且有一条可申请提前停止公示的行政处罚"
            )
    return {"records": records, "entries": entries, "class_counts": counts}
