"""Credit records: Order 45 publicity, withdrawal, expiry; lists and the serious-list review."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import EntityFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Deadline
from zhijian.credit import services
from zhijian.credit.models import (
    CreditList,
    CreditRecord,
    CreditStanding,
    ListDecision,
    ListEntry,
    ListGround,
    Publicity,
)
from zhijian.credit.queries import public_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(haishu):
    return EntityFactory(jurisdiction=haishu, established_on=dt.date(2010, 1, 1), industry_code="C2911")


def test_penalty_publicity_follows_order_45(firm):
    light = services.record_penalty(
        actor=SystemActor("test"),
        entity=firm,
        measures=["small_fine"],
        title="未明码标价",
        occurred_on=dt.date(2026, 11, 2),
        today=dt.date(2026, 11, 6),
    )
    heavy = services.record_penalty(
        actor=SystemActor("test"),
        entity=firm,
        measures=["fine", "confiscation"],
        title="销售假冒产品",
        occurred_on=dt.date(2026, 11, 2),
        today=dt.date(2026, 11, 6),
    )
    warning = services.record_penalty(
        actor=SystemActor("test"),
        entity=firm,
        measures=["warning"],
        title="轻微违法",
        occurred_on=dt.date(2026, 11, 2),
        today=dt.date(2026, 11, 6),
    )
    assert light.publicity_until == dt.date(2027, 2, 6)  # 3 months (Art 13)
    assert heavy.publicity_until == dt.date(2029, 11, 6)  # 3 years (Art 13)
    assert warning.publicity == Publicity.NOT_PUBLIC  # only a warning: not published (Art 2)
    publication = Deadline.objects.get(object_id=str(heavy.pk), kind="credit.penalty.publication")
    assert publication.working_days == 20 and publication.due == dt.date(2026, 11, 30)


def test_publicity_expiry_hides_records_from_the_public(firm):
    record = services.record_penalty(
        actor=SystemActor("test"),
        entity=firm,
        measures=["criticism"],
        title="通报批评",
        occurred_on=dt.date(2026, 1, 5),
        today=dt.date(2026, 1, 5),
    )
    assert record.publicity_until == dt.date(2026, 4, 5)
    assert public_records(firm, today=dt.date(2026, 4, 5)).filter(pk=record.pk).exists()
    # the report hides it the day after even before the daily job ran
    assert not public_records(firm, today=dt.date(2026, 4, 6)).exists()
    assert services.expire_publicity(actor=SystemActor("test"), today=dt.date(2026, 4, 6)) == 1
    record.refresh_from_db()
    assert record.publicity == Publicity.EXPIRED and record.publicity_ended_on == dt.date(2026, 4, 6)
    assert services.expire_publicity(actor=SystemActor("test"), today=dt.date(2026, 4, 7)) == 0


def test_withdrawal_when_the_decision_is_revoked(firm):
    record = services.record_penalty(
        actor=SystemActor("test"),
        entity=firm,
        measures=["fine"],
        title="虚假广告",
        occurred_on=dt.date(2026, 9, 1),
    )
    assert CreditStanding.objects.get(entity=firm).credit_class == "B"
    services.withdraw_record(
        actor=SystemActor("test"),
        record=record,
        reason="行政复议撤销原处罚决定",
        revoked_on=dt.date(2026, 11, 20),
    )
    record.refresh_from_db()
    assert record.publicity == Publicity.WITHDRAWN
    deadline = Deadline.objects.get(object_id=str(record.pk), kind="credit.penalty.withdrawal")
    assert deadline.due == dt.date(2026, 11, 25)  # 3 working days (Art 11)
    assert CreditStanding.objects.get(entity=firm).credit_class == "A"


def test_bad_input_is_refused_and_changes_nothing(firm):
    with pytest.raises(services.CreditError, match="处罚种类"):
        services.record_penalty(
            actor=SystemActor("test"),
            entity=firm,
            measures=["flogging"],
            title="x",
            occurred_on=dt.date(2026, 1, 5),
        )
    with pytest.raises(services.CreditError, match="不能晚于今天"):
        services.record_penalty(
            actor=SystemActor("test"),
            entity=firm,
            measures=["fine"],
            title="x",
            occurred_on=dt.date(2099, 1, 5),
        )
    with pytest.raises(services.CreditError, match="列入事由"):
        services.enter_list(
            actor=SystemActor("test"),
            entity=firm,
            list_code=CreditList.ABNORMAL,
            ground=ListGround.HONOURED,
            entered_on=dt.date(2026, 1, 5),
            reason="x",
        )
    assert not CreditRecord.objects.exists() and not ListEntry.objects.exists()


def test_three_years_on_the_abnormal_list_makes_a_candidate_and_entry_is_reviewed(firm, officer, reviewer):
    entry = services.enter_list(
        actor=SystemActor("test"),
        entity=firm,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        entered_on=dt.date(2023, 11, 1),
        reason="无法联系",
    )
    young = services.enter_list(
        actor=SystemActor("test"),
        entity=EntityFactory(jurisdiction=firm.jurisdiction),
        list_code=CreditList.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        entered_on=dt.date(2024, 1, 2),
        reason="无法联系",
    )
    candidates = set(services.serious_candidates(on=dt.date(2026, 11, 23)))
    assert entry in candidates and young not in candidates
    decision = services.propose_serious_listing(
        actor=officer,
        entity=firm,
        ground=ListGround.ABNORMAL_THREE_YEARS,
        reason="届满3年仍未履行",
        source_entry=entry,
    )
    with pytest.raises(services.CreditError, match="不能审核自己"):
        services.review_list_decision(actor=officer, decision=decision, approve=True, note="同意")
    services.review_list_decision(actor=reviewer, decision=decision, approve=True, note="同意列入")
    serious = ListEntry.objects.get(list=CreditList.SERIOUS, entity=firm)
    assert serious.status == ListEntry.Status.IN_FORCE
    assert CreditStanding.objects.get(entity=firm).credit_class == "D"
    removal = services.propose_serious_removal(
        actor=officer, entry=serious, reason="已履行义务，申请提前移出"
    )
    services.review_list_decision(actor=reviewer, decision=removal, approve=True, note="同意移出")
    serious.refresh_from_db()
    assert serious.status == ListEntry.Status.REMOVED
    assert ListDecision.objects.filter(status=ListDecision.Status.APPROVED).count() == 2
