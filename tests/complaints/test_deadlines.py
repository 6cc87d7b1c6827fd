"""Time limits on the rule version of the receipt date, counted in working days on the core calendar."""

import datetime as dt

import pytest

from tests.complaints.conftest import file
from zhijian.complaints import deadlines
from zhijian.complaints.models import RuleCheck
from zhijian.complaints.services import handling
from zhijian.complaints.services.rules import confirm_rule

pytestmark = pytest.mark.django_db


def test_a_case_received_on_2026_04_14_keeps_order_20(firms):
    # given a complaint received the day before Order 121 took effect
    case = file(dt.date(2026, 4, 14))
    # then it runs under Order 20, on Order 20's Art 14, and says nothing of unconfirmed rules
    assert case.rule_version == "order20"
    rows = {r.kind: r for r in deadlines.deadline_rows(case, today=dt.date(2026, 4, 14))}
    acceptance = rows["acceptance"]
    assert "第20号" in acceptance.legal_source and "第十四条" in acceptance.legal_source
    assert acceptance.due == dt.date(2026, 4, 23)  # 7 working days: 15,16,17,20,21,22,23 April
    assert not acceptance.unconfirmed


def test_accepting_after_the_change_still_counts_on_order_20(firms, users):
    # given a case received under Order 20 but accepted after 2026-04-15
    case = file(dt.date(2026, 4, 14))
    case = handling.accept_case(actor=users["haishu"], case=case, on=dt.date(2026, 4, 20))
    mediation = deadlines.deadlines_of(case)["mediation"]
    # then the mediation limit is Order 20's Art 21, not Order 121's unconfirmed row
    assert "第20号" in mediation.rule.legal_source and "第二十一条" in mediation.rule.legal_source
    assert mediation.working_days == 45


def test_a_case_received_on_2026_04_15_runs_on_order_121_and_says_the_rule_is_unconfirmed(firms):
    case = file(dt.date(2026, 4, 15))
    assert case.rule_version == "order121"
    acceptance = {r.kind: r for r in deadlines.deadline_rows(case, today=dt.date(2026, 4, 15))}["acceptance"]
    assert acceptance.unconfirmed and "第121号" in acceptance.legal_source


def test_confirming_the_rule_clears_the_mark(firms, users):
    case = file(dt.date(2026, 4, 15))
    check = RuleCheck.objects.get(rule=deadlines.deadlines_of(case)["acceptance"].rule)
    confirm_rule(actor=users["admin"], check=check, checked_against="总局令第121号正式文本")
    assert not deadlines.deadline_rows(case, today=dt.date(2026, 4, 15))[0].unconfirmed


def test_only_the_administrator_confirms_rules(firms, users):
    from zhijian.complaints.services import NotAllowed

    check = RuleCheck.objects.first()
    with pytest.raises(NotAllowed):
        confirm_rule(actor=users["haishu"], check=check, checked_against="x")


def test_acceptance_across_spring_festival_2026(firms):
    # 2026 Spring Festival: 15–23 February off, Saturdays 14 and 28 February worked
    case = file(dt.date(2026, 2, 12))
    # 13 Feb (1), 14 Feb Sat worked (2), 24–27 Feb (3–6), 28 Feb Sat worked (7)
    assert case.acceptance_due == dt.date(2026, 2, 28)


def test_acceptance_across_national_day_2025(firms):
    # 2025 National Day and Mid-Autumn: 1–8 October off, Saturday 11 October worked
    case = file(dt.date(2025, 9, 29))
    # 30 Sep (1), 9 Oct (2), 10 Oct (3), 11 Oct Sat worked (4), 13–15 Oct (5–7)
    assert case.acceptance_due == dt.date(2025, 10, 15)


def test_a_report_is_checked_within_15_working_days_across_national_day(firms):
    case = file(
        dt.date(2025, 9, 26),
        kind="report",
        subject="无证经营",
        description="该店无营业执照销售散装食品，多次发现。",
    )
    # 28 Sep Sun worked (1), 29, 30 (3), 9, 10, 11 Sat worked (6), 13–17 (11), 20–23 (15)
    assert case.handling_due == dt.date(2025, 10, 23)
    assert "第十八条" in deadlines.deadlines_of(case)["report_verify"].rule.legal_source


def test_testing_time_does_not_count_in_the_mediation_limit(firms, users):
    case = file(dt.date(2025, 3, 3))
    case = handling.accept_case(actor=users["haishu"], case=case, on=dt.date(2025, 3, 5))
    before = case.handling_due
    handling.pause_clock(actor=users["haishu"], case=case, reason="送检", started_on=dt.date(2025, 3, 10))
    case = handling.resume_clock(actor=users["haishu"], case=case, ended_on=dt.date(2025, 3, 14))
    # Mon 10 to Fri 14 March: the four working days after the 10th do not count
    assert (case.handling_due - before).days == 4


def test_a_limit_that_runs_into_an_unknown_year_is_provisional(firms, users):
    case = file(dt.date(2026, 11, 30))
    case = handling.accept_case(actor=users["haishu"], case=case, on=dt.date(2026, 11, 30))
    mediation = {r.kind: r for r in deadlines.deadline_rows(case, today=dt.date(2026, 12, 1))}["mediation"]
    assert mediation.provisional and mediation.due.year == 2027


def test_deadlines_are_warned_before_they_fall_due_and_flagged_overdue(firms):
    case = file(dt.date(2026, 3, 2))  # due 2026-03-11
    state = lambda today: {r.kind: r for r in deadlines.deadline_rows(case, today=today)}["acceptance"].state  # noqa: E731
    assert case.acceptance_due == dt.date(2026, 3, 11)
    assert state(dt.date(2026, 3, 3)) == "running"
    assert state(dt.date(2026, 3, 9)) == "due_soon"
    assert state(dt.date(2026, 3, 12)) == "overdue"


def test_a_met_deadline_says_so(firms, users):
    case = file(dt.date(2026, 3, 2))
    case = handling.accept_case(actor=users["haishu"], case=case, on=dt.date(2026, 3, 4))
    acceptance = {r.kind: r for r in deadlines.deadline_rows(case, today=dt.date(2026, 5, 1))}["acceptance"]
    assert acceptance.state == "met" and acceptance.finished == dt.date(2026, 3, 4)
