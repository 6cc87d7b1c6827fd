"""Event handlers: results from other domains become credit records (信用信息归集) and proposals.

Idempotent: a record is keyed on the origin's own identifiers (``source_ref``), so an event offered
again changes nothing; a corrected spot-check result updates the record it produced. A spot-check
result that is a ground of the abnormal list proposes the listing (列入经营异常名录建议), keyed on the
inspection as well; officers confirm or reject it (``services.confirm_listing_proposal``).
"""

from __future__ import annotations

import datetime as dt
import logging

from zhijian.core.access import SystemActor
from zhijian.core.events import subscriber
from zhijian.core.hooks import provider
from zhijian.registry.models import Entity

from . import services
from .models import CreditRecord, ListGround, ListingProposal, RecordKind, Sector, Severity

logger = logging.getLogger(__name__)
SYSTEM = SystemActor("system:credit")

# Spot-check result codes (双随机抽查结果, zhijian.inspections.models.ResultCode) → severity of the credit
# record. Unknown codes fall back on the label: "未发现问题" is clean, anything else a problem found.
INSPECTION_SEVERITY = {
    "no_problem": Severity.INFO,
    "no_activity": Severity.INFO,
    "closed": Severity.INFO,
    "deregistered": Severity.INFO,
    "revoked": Severity.INFO,
    "moved_out": Severity.INFO,
    "rectified": Severity.MINOR,
    "not_disclosed": Severity.GENERAL,
    "pending": Severity.GENERAL,
    "violation": Severity.GENERAL,
    "false_disclosure": Severity.SERIOUS,
    "unreachable": Severity.SERIOUS,
    "obstruction": Severity.SERIOUS,
}


def inspection_severity(code: str, label: str) -> str:
    if code in INSPECTION_SEVERITY:
        return INSPECTION_SEVERITY[code]
    return Severity.INFO if "未发现问题" in label else Severity.GENERAL


def _entity(entity_id: int | None, uscc: str | None) -> Entity | None:
    if entity_id:
        found = Entity.objects.filter(pk=entity_id).first()
        if found:
            return found
    return Entity.objects.filter(uscc=uscc).first() if uscc else None


@subscriber("inspections.result_recorded", "credit.record_inspection_result")
def record_inspection_result(event) -> None:
    p = event.payload
    entity = _entity(p.get("entity_id"), p.get("uscc"))
    if entity is None:
        logger.warning("inspection %s: entity %s not in the register", p.get("inspection_id"), p.get("uscc"))
        return
    severity = inspection_severity(p.get("result_code", ""), p.get("result_label", ""))
    fields = {
        "severity": severity,
        "title": f"双随机抽查：{p.get('result_label') or p.get('result_code')}",
        "occurred_on": dt.date.fromisoformat(p["completed_on"]),
        "public": bool(p.get("public", True)),
        "legal_basis": p.get("legal_basis", ""),
        "authority": p.get("department", ""),
    }
    source_ref = f"inspections.inspection:{p['inspection_id']}"
    existing = CreditRecord.objects.filter(source_ref=source_ref).first()
    if existing is not None:
        services.correct_record(actor=SYSTEM, record=existing, **fields)
        return
    services.record_credit_record(
        actor=SYSTEM,
        entity=entity,
        kind=RecordKind.SPOT_CHECK,
        source="inspections",
        source_ref=source_ref,
        **fields,
    )


# Spot-check results that are grounds of the 经营异常名录 (企业经营异常名录管理暂行办法 Art 4 (三)(四),
# Art 8–9; 企业信息公示暂行条例 Art 17/18): they propose the listing, an officer decides.
ABNORMAL_GROUNDS = {
    "unreachable": ListGround.UNREACHABLE,
    "false_disclosure": ListGround.FALSE_INFO,
}


def _inspection_citation(p) -> tuple[str, str]:
    """(task title, verification code) of the inspection: from the payload, else looked up.

    Events emitted before the payload carried them name only the ids; the lookup reads the
    inspections app's table when that app is installed.
    """
    title, code = p.get("task_title") or "", p.get("verification_code") or ""
    citation = provider("inspections.check_citation")
    if (not title or not code) and citation is not None:
        found = citation(p.get("inspection_id"))
        if found:
            title, code = title or found[0], code or found[1]
    return title, code


@subscriber("inspections.result_recorded", "credit.propose_abnormal_listing")
def propose_abnormal_listing(event) -> None:
    """An unreachable firm or false public information proposes the abnormal list; a corrected
    result withdraws a proposal still open (a confirmed listing stays: removal or repair undo it)."""
    p = event.payload
    source_ref = f"inspections.inspection:{p['inspection_id']}"
    label = p.get("result_label") or p.get("result_code", "")
    ground = ABNORMAL_GROUNDS.get(p.get("result_code", ""))
    if ground is None:
        for proposal in ListingProposal.objects.filter(
            source_ref=source_ref, status=ListingProposal.Status.OPEN
        ):
            services.withdraw_listing_proposal(
                actor=SYSTEM, proposal=proposal, reason=f"检查结果已更正为“{label}”"
            )
        return
    entity = _entity(p.get("entity_id"), p.get("uscc"))
    if entity is None:
        logger.warning("inspection %s: entity %s not in the register", p.get("inspection_id"), p.get("uscc"))
        return
    found_on = dt.date.fromisoformat(p["completed_on"])
    task_title, verification_code = _inspection_citation(p)
    department = p.get("department", "")
    cited = "，".join(part for part in (task_title, department) if part)
    reason = f"{found_on:%Y年%m月%d日}双随机抽查发现：{label}" + (f"（{cited}）" if cited else "")
    services.propose_listing(
        actor=SYSTEM,
        entity=entity,
        ground=ground,
        reason=reason,
        source="inspections",
        source_ref=source_ref,
        source_title=task_title,
        finding=label,
        found_on=found_on,
        found_by=department,
        verification_code=verification_code,
    )


def _sample_parties(p) -> list[tuple[str, Entity]]:
    parties = []
    for role, uscc in (("seller", p.get("seller_uscc")), ("producer", p.get("producer_uscc"))):
        entity = _entity(None, uscc)
        if entity is not None and all(entity.pk != e.pk for _, e in parties):
            parties.append((role, entity))
    return parties


@subscriber("sampling.sample_failed", "credit.record_failed_sample")
def record_failed_sample(event) -> None:
    p = event.payload
    items = "、".join(p.get("failed_items") or [])
    role_label = {"seller": "被抽样单位", "producer": "标称生产者"}
    for role, entity in _sample_parties(p):
        services.record_credit_record(
            actor=SYSTEM,
            entity=entity,
            kind=RecordKind.SAMPLE_FAILED,
            severity=Severity.GENERAL,
            title=f"{p.get('product', '')}抽检不合格（{role_label[role]}）" + (f"：{items}" if items else ""),
            occurred_on=dt.date.fromisoformat(p["judged_on"]),
            public=True,
            source="sampling",
            source_ref=f"sampling.sample:{p['sample_id']}:{role}",
            sector=Sector.FOOD if p.get("kind") == "food" else Sector.GENERAL,
            authority=p.get("lab", ""),
            legal_basis=f"抽样单号 {p.get('sample_no', '')}",
        )


@subscriber("sampling.judgement_reversed", "credit.withdraw_failed_sample")
def withdraw_failed_sample(event) -> None:
    p = event.payload
    refs = [f"sampling.sample:{p['sample_id']}:{role}" for role in ("seller", "producer")]
    for record in CreditRecord.objects.filter(source_ref__in=refs, withdrawn_on__isnull=True):
        services.withdraw_record(
            actor=SYSTEM,
            record=record,
            reason=f"复检合格，原不合格判定撤销（抽样单号 {p.get('sample_no', '')}）",
            revoked_on=dt.date.fromisoformat(p["judged_on"]),
        )
