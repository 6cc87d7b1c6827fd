"""Routing, transfer and disputes; ODR; mediation, outcome and events; report decisions; merging."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.complaints.conftest import CLI, file
from tests.factories import UserFactory
from zhijian.complaints import deadlines
from zhijian.complaints.models import Enrolment, JurisdictionDispute, Outcome, Status
from zhijian.complaints.services import ComplaintsError, NotAllowed, handling, routing
from zhijian.complaints.services import firms as firm_services
from zhijian.core.events import relay_once
from zhijian.core.models import OutboxEvent, Role

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 2)


def test_an_officer_accepts_mediates_and_closes_and_the_outcome_is_an_event(firms, users):
    case = file(ON)
    case = handling.accept_case(actor=users["haishu"], case=case, on=dt.date(2026, 3, 3))
    assert case.handler == users["haishu"] and case.status == Status.ACCEPTED
    handling.record_mediation(
        actor=users["haishu"],
        case=case,
        held_on=dt.date(2026, 3, 10),
        agreed=True,
        note="商家同意退货退款",
        amount="399",
    )
    case = handling.close_case(
        actor=users["haishu"], case=case, on=dt.date(2026, 3, 11), outcome=Outcome.MEDIATED
    )
    assert case.status == Status.CLOSED and case.amount_recovered == Decimal("399.00")
    event = OutboxEvent.objects.filter(topic="complaints.case_closed").get()
    assert event.payload["outcome"] == "mediated" and event.payload["respondent_uscc"] == firms["shop"].uscc
    # the credit app's subscriber turns it into a credit record of the respondent
    relay_once()
    from zhijian.credit.models import CreditRecord

    record = CreditRecord.objects.get(source_ref=f"complaints.case:{case.pk}")
    assert record.entity == firms["shop"] and record.kind == "complaint" and not record.public


def test_closing_as_mediated_needs_an_agreement_and_termination_needs_a_ground(firms, users):
    case = handling.accept_case(actor=users["haishu"], case=file(ON), on=ON)
    with pytest.raises(ComplaintsError, match="达成协议"):
        handling.close_case(actor=users["haishu"], case=case, on=ON, outcome=Outcome.MEDIATED)
    with pytest.raises(ComplaintsError, match="法定理由"):
        handling.close_case(actor=users["haishu"], case=case, on=ON, outcome=Outcome.TERMINATED)
    case = handling.close_case(
        actor=users["haishu"],
        case=case,
        on=dt.date(2026, 3, 5),
        outcome=Outcome.TERMINATED,
        termination_ground="refused",
    )
    notice = deadlines.deadlines_of(case)["termination_notice"]
    assert notice.due == dt.date(2026, 3, 16) and "第二十一条" in notice.rule.legal_source


def test_another_district_may_not_act(firms, users):
    case = file(ON)
    with pytest.raises(NotAllowed):
        handling.accept_case(actor=users["yinzhou"], case=case, on=ON)


def test_not_accepted_with_a_ground(firms, users):
    case = handling.reject_case(actor=users["haishu"], case=file(ON), on=ON, ground="no_dispute")
    assert case.status == Status.NOT_ACCEPTED and case.outcome == Outcome.NOT_ACCEPTED


def test_transfer_with_a_reason_moves_the_case_and_its_visibility(firms, users):
    case = file(ON)
    with pytest.raises(ComplaintsError, match="移送理由"):
        routing.transfer_case(
            actor=users["haishu"], case=case, to_unit=firms["yinzhou"].jurisdiction, reason=" "
        )
    case = routing.transfer_case(
        actor=users["haishu"],
        case=case,
        to_unit=firms["yinzhou"].jurisdiction,
        reason="实际经营地在鄞州",
        on=ON,
    )
    assert case.jurisdiction.code == "330212" and case.transfers.get().reason == "实际经营地在鄞州"
    with pytest.raises(NotAllowed):
        handling.accept_case(actor=users["haishu"], case=case, on=ON)
    handling.accept_case(actor=users["yinzhou"], case=case, on=ON)


def test_a_grassroots_office_can_be_the_handler(firms, users, city):
    case = file(ON, respondent_name="某小店", respondent_uscc="")
    case = routing.transfer_case(
        actor=CLI, case=case, to_unit=city["33020302"], reason="属地监管所办理", on=ON
    )
    assert case.jurisdiction.code == "330203" and case.office.code == "33020302"
    office_officer = users["haishu_office"]
    handling.accept_case(actor=office_officer, case=case, on=ON)


def test_a_jurisdiction_dispute_goes_to_the_city_with_its_own_deadline(firms, users, city):
    case = file(ON)
    dispute = routing.raise_dispute(
        actor=users["haishu"], case=case, other_unit=city["330212"], reason="被投诉人已迁至鄞州", on=ON
    )
    assert (
        dispute.due == dt.date(2026, 3, 9)
        and case.__class__.objects.get(pk=case.pk).status == Status.DISPUTED
    )
    assert "指定管辖" in deadlines.deadlines_of(case)["dispute"].rule.legal_source
    with pytest.raises(NotAllowed):
        routing.decide_dispute(actor=users["haishu"], dispute=dispute, unit=city["330212"])
    case = routing.decide_dispute(
        actor=users["admin"], dispute=dispute, unit=city["330212"], note="由鄞州办理"
    )
    assert case.jurisdiction.code == "330212" and case.status == Status.RECEIVED
    assert JurisdictionDispute.objects.get().decided_unit.code == "330212"


def test_an_odr_firm_answers_first_and_settles_in_its_account(firms, users, firm_user):
    firms_enrolment = firms_module_enrol(firms["shop"])
    own = firms_enrolment.entity.uscc
    other_uscc = own[:-1] + ("Y" if own.endswith("X") else "X")  # differs whatever the check digit
    case = file(ON)
    assert case.status == Status.ODR and case.odr_until == dt.date(2026, 3, 11)
    with pytest.raises(NotAllowed):
        firm_services.answer_odr(
            actor=UserFactory(
                username="t_other_firm",
                role=Role.ENTERPRISE,
                entity_uscc=other_uscc,
            ),
            case=case,
            on=ON,
            settled=True,
            reply="x",
        )
    case = firm_services.answer_odr(
        actor=firm_user, case=case, on=dt.date(2026, 3, 4), settled=True, reply="已为消费者换新", amount="399"
    )
    assert case.status == Status.CLOSED and case.outcome == Outcome.ODR_SETTLED
    assert OutboxEvent.objects.filter(topic="complaints.case_closed").exists()


def firms_module_enrol(entity):
    return firm_services.enrol_firm(
        actor=CLI, entity=entity, programme=Enrolment.Programme.ODR, on=dt.date(2026, 1, 1)
    )


def test_an_unsettled_or_expired_odr_case_goes_to_the_officer(firms, firm_user):
    firms_module_enrol(firms["shop"])
    first, second = file(ON), file(ON, person_phone="13900000009")
    first = firm_services.answer_odr(
        actor=firm_user, case=first, on=dt.date(2026, 3, 4), settled=False, reply="协商不成"
    )
    assert first.status == Status.RECEIVED and first.acceptance_due == dt.date(2026, 3, 13)
    assert firm_services.release_overdue_odr(actor=CLI, today=dt.date(2026, 3, 12)) == 1
    second.refresh_from_db()
    assert second.status == Status.RECEIVED and second.acceptance_due == dt.date(2026, 3, 20)


def test_enrolment_history(firms, users):
    enrolment = firms_module_enrol(firms["shop"])
    with pytest.raises(ComplaintsError, match="已在册"):
        firms_module_enrol(firms["shop"])
    firm_services.withdraw_firm(
        actor=users["haishu"], enrolment=enrolment, on=dt.date(2026, 2, 1), reason="主动退出"
    )
    again = firm_services.enrol_firm(
        actor=users["haishu"], entity=firms["shop"], programme="odr", on=dt.date(2026, 2, 20)
    )
    assert Enrolment.objects.filter(uscc=firms["shop"].uscc).count() == 2 and again.withdrawn_on is None
    # a complaint received while the firm was out goes straight to the officer
    assert file(dt.date(2026, 2, 10)).status == Status.RECEIVED
    with pytest.raises(NotAllowed):
        firm_services.enrol_firm(actor=users["yinzhou"], entity=firms["shop"], programme="comp_first", on=ON)


def test_a_report_is_referred_to_a_case_and_the_reporter_told(firms, users):
    case = file(ON, kind="report", subject="销售过期食品", description="该店销售过期牛奶，购买时已过期三天。")
    with pytest.raises(ComplaintsError, match="文号"):
        handling.decide_report(actor=users["haishu"], case=case, on=ON, filed=True)
    case = handling.decide_report(
        actor=users["haishu"],
        case=case,
        on=dt.date(2026, 3, 10),
        filed=True,
        decision_no="甬海市监立〔2026〕12号",
    )
    assert case.outcome == Outcome.FILED
    feedback = deadlines.deadlines_of(case)["report_feedback"]
    assert feedback.due == dt.date(2026, 3, 17) and "第三十一条" in feedback.rule.legal_source
    case = handling.tell_reporter(actor=users["haishu"], case=case, on=dt.date(2026, 3, 12))
    row = {r.kind: r for r in deadlines.deadline_rows(case)}["report_feedback"]
    assert row.state == "met"


def test_a_report_check_may_be_extended_once(firms, users):
    case = file(ON, kind="report", subject="无照经营", description="该店长期无照经营，请查处。")
    due = case.handling_due
    case = handling.extend_verification(actor=users["haishu"], case=case, reason="需调取外地证据")
    assert (case.handling_due - due).days >= 21
    with pytest.raises(ComplaintsError, match="延长过"):
        handling.extend_verification(actor=users["haishu"], case=case, reason="again")


def test_merging_a_duplicate_with_a_reason(firms, users):
    main, dup = file(ON), file(dt.date(2026, 3, 3))
    with pytest.raises(ComplaintsError, match="合并理由"):
        handling.merge_cases(actor=users["haishu"], case=dup, into=main, reason="")
    dup = handling.merge_cases(actor=users["haishu"], case=dup, into=main, reason="同一消费者重复投诉", on=ON)
    assert dup.status == Status.MERGED and dup.merged_into == main
