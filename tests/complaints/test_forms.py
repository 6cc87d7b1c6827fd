"""A refused form comes back with what was typed (issue 14, item 5).

Every form of the case page, the enterprise account and the office pages: bad input answers 400 with the
page again, the values as typed, the error in Chinese beside its field (the id its input's
aria-describedby names), and nothing written — no row, no step, no audit entry, no event. Consequential
decisions ask first (``data-confirm``). The re-shown case page keeps the complainant masked.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.complaints.conftest import CLI, file
from tests.factories import PASSWORD
from zhijian.complaints.models import (
    Case,
    CaseStep,
    ClockPause,
    Enrolment,
    FirmReply,
    JurisdictionDispute,
    Mediation,
    Outcome,
    RuleCheck,
    Status,
    Transfer,
)
from zhijian.complaints.rules import ensure_rules
from zhijian.complaints.services import firms as firm_services
from zhijian.complaints.services import handling, routing
from zhijian.core.models import AuditEntry, Deadline, Job, OutboxEvent

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 2)
AFTER_121 = dt.date(2026, 5, 6)  # received under Order 121
TABLES = (
    Case,
    CaseStep,
    Mediation,
    ClockPause,
    Transfer,
    JurisdictionDispute,
    Enrolment,
    FirmReply,
    RuleCheck,
    Deadline,
    AuditEntry,
    OutboxEvent,
    Job,
)


def snapshot() -> dict[str, list[tuple]]:
    return {m._meta.label: list(m.objects.order_by("pk").values_list()) for m in TABLES}


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def assert_refused(client, url: str, data: dict, *, error: str, typed=(), field_id: str | None = None):
    """Post bad input: 400, the error (beside ``field_id`` when given), what was typed, nothing written."""
    before = snapshot()
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400, page[:2000]
    assert error in page
    for value in typed:
        assert value in page, value
    if field_id:
        assert f'id="{field_id}_error"' in page  # the error sits beside its field …
        assert f'aria-describedby="{field_id}_error"' in page  # … and the input names it
        assert f'id="{field_id}"' in page and 'aria-invalid="true"' in page
    assert snapshot() == before
    return page


def case_url(case: Case, action: str) -> str:
    return f"/complaints/cases/{case.pk}/{action}/"


@pytest.fixture
def haishu(users):
    return client_for(users["haishu"])


@pytest.fixture
def received(firms):
    return file(ON)


@pytest.fixture
def accepted(received, users):
    return handling.accept_case(actor=users["haishu"], case=received, on=dt.date(2026, 3, 3))


@pytest.fixture
def report(firms):
    return file(ON, kind="report", subject="无照经营", description="该店长期无照经营，请依法查处。")


# --- the case page -----------------------------------------------------------------------------------


def test_accept_before_receipt_is_refused_beside_the_date(haishu, received):
    assert_refused(
        haishu,
        case_url(received, "accept"),
        {"on": "2026-03-01"},
        error="受理日期不能早于登记日期",
        typed=['value="2026-03-01"'],
        field_id="id_accept_on",
    )
    received.refresh_from_db()
    assert received.status == Status.RECEIVED and received.accepted_on is None


def test_accept_in_the_future_is_refused_beside_the_date(haishu, received):
    assert_refused(
        haishu,
        case_url(received, "accept"),
        {"on": "2099-01-01"},
        error="受理日期（2099-01-01）不能晚于今天",
        typed=['value="2099-01-01"'],
        field_id="id_accept_on",
    )


def test_not_accepting_without_a_ground_keeps_the_note(haishu, received):
    page = assert_refused(
        haishu,
        case_url(received, "reject"),
        {"on": "2026-03-03", "ground": "", "note": "消费者撤回意向XYZ"},
        error="请选择不予受理的理由",
        typed=['value="消费者撤回意向XYZ"', 'value="2026-03-03"'],
        field_id="id_reject_ground",
    )
    # the re-shown page keeps the complainant masked: only the handling officer's unmasking shows them
    assert "13812341234" not in page and "138****1234" in page and "张三丰" not in page


def test_a_mediation_with_a_bad_amount_keeps_everything_typed(haishu, accepted):
    assert_refused(
        haishu,
        case_url(accepted, "mediate"),
        {
            "held_on": "2026-03-05",
            "method": "现场调解",
            "agreed": "1",
            "amount": "三百九十九",
            "note": "商家同意退货XYZ",
        },
        error="输入一个数字",
        typed=['value="三百九十九"', 'value="商家同意退货XYZ"', 'value="2026-03-05"', "checked"],
        field_id="id_mediate_amount",
    )


def test_a_mediation_without_its_account_is_refused_by_the_service_beside_the_note(haishu, accepted):
    page = assert_refused(
        haishu,
        case_url(accepted, "mediate"),
        {"held_on": "2026-03-05", "method": "在线调解", "amount": "123.45", "note": "  "},
        error="请填写调解情况",
        typed=['value="123.45"'],
        field_id="id_mediate_note",
    )
    assert '<option value="在线调解" selected>' in page


def test_terminating_without_a_ground_is_refused_and_asks_first(haishu, accepted):
    page = assert_refused(
        haishu,
        case_url(accepted, "close"),
        {"on": "2026-03-20", "outcome": "terminated", "termination_ground": "", "result_text": "双方分歧XYZ"},
        error="请选择终止调解理由",
        typed=['value="双方分歧XYZ"', 'value="2026-03-20"', '<option value="terminated" selected>'],
        field_id="id_close_termination_ground",
    )
    assert 'id="close-form"' in page and "data-confirm=" in page.split('id="close-form"')[1].split(">")[0]


def test_a_pause_dated_tomorrow_keeps_its_reason(haishu, accepted):
    assert_refused(
        haishu,
        case_url(accepted, "pause"),
        {"reason": "送检鉴定XYZ", "started_on": "2099-01-01"},
        error="开始日期（2099-01-01）不能晚于今天",
        typed=['value="送检鉴定XYZ"'],
        field_id="id_pause_started_on",
    )


def test_resuming_before_the_pause_began_is_refused_beside_the_date(haishu, accepted, users):
    handling.pause_clock(
        actor=users["haishu"], case=accepted, reason="检验鉴定", started_on=dt.date(2026, 3, 10)
    )
    assert_refused(
        haishu,
        case_url(accepted, "resume"),
        {"ended_on": "2026-03-09"},
        error="结束日期不能早于开始日期",
        typed=['value="2026-03-09"'],
        field_id="id_resume_ended_on",
    )


def test_an_answer_dated_tomorrow_keeps_the_answer(haishu, firms):
    enquiry = file(ON, kind="enquiry", subject="如何申请退货", description="网购商品如何申请七日无理由退货？")
    assert_refused(
        haishu,
        case_url(enquiry, "close"),
        {"on": "2099-01-01", "result_text": "已告知七日无理由退货规定XYZ"},
        error="办结日期（2099-01-01）不能晚于今天",
        typed=['value="已告知七日无理由退货规定XYZ"'],
        field_id="id_close_on",
    )


def test_filing_a_report_without_its_decision_number_is_refused_and_asks_first(haishu, report):
    page = assert_refused(
        haishu,
        case_url(report, "decide"),
        {"on": "2026-03-10", "filed": "1", "decision_no": "", "note": "拟立案查处XYZ"},
        error="请填写立案决定文号",
        typed=['value="拟立案查处XYZ"', '<option value="1" selected>'],
        field_id="id_decide_decision_no",
    )
    assert "data-confirm=" in page.split('id="decide-form"')[1].split(">")[0]


def test_a_second_extension_is_refused_with_its_reason_kept(haishu, report, users):
    handling.extend_verification(actor=users["haishu"], case=report, reason="案情复杂")
    assert_refused(
        haishu,
        case_url(report, "extend"),
        {"reason": "再次报请局长批准XYZ"},
        error="核查期限已延长过一次",
        typed=['value="再次报请局长批准XYZ"'],
    )


def test_leaving_a_repeated_report_with_a_bad_date_is_refused(haishu, firms):
    first = dict(kind="report", subject="无照经营", description="该店长期无照经营，请依法查处。")
    file(AFTER_121, **first)
    repeated = file(AFTER_121, **first)
    assert repeated.repeated_report and repeated.rule_version == "order121"
    page = assert_refused(
        haishu,
        case_url(repeated, "leave_repeated"),
        {"on": "2026-02-30"},
        error="输入一个有效的日期",
        typed=['value="2026-02-30"'],
        field_id="id_leave_repeated_on",
    )
    assert "data-confirm=" in page.split('id="leave-repeated-form"')[1].split(">")[0]


def test_telling_the_parties_tomorrow_is_refused(haishu, accepted, users):
    handling.close_case(
        actor=users["haishu"],
        case=accepted,
        on=dt.date(2026, 3, 20),
        outcome=Outcome.TERMINATED,
        termination_ground="refused",
    )
    assert_refused(
        haishu,
        case_url(accepted, "tell_parties"),
        {"on": "2099-01-01"},
        error="告知日期（2099-01-01）不能晚于今天",
        typed=['value="2099-01-01"'],
        field_id="id_tell_parties_on",
    )


def test_telling_the_reporter_tomorrow_is_refused(haishu, report, users):
    handling.decide_report(actor=users["haishu"], case=report, on=dt.date(2026, 3, 10), filed=False)
    assert_refused(
        haishu,
        case_url(report, "tell_reporter"),
        {"on": "2099-01-01"},
        error="告知日期（2099-01-01）不能晚于今天",
        typed=['value="2099-01-01"'],
        field_id="id_tell_reporter_on",
    )


def test_assigning_an_officer_of_another_district_is_refused_and_the_office_kept(
    haishu, received, users, city
):
    office = city["33020302"]
    assert_refused(
        haishu,
        case_url(received, "assign"),
        {"handler": users["yinzhou"].pk, "office": office.pk},
        error="选择一个有效的选项",
        typed=[f'<option value="{office.pk}" selected>'],
        field_id="id_assign_handler",
    )


def test_a_transfer_without_a_unit_keeps_the_reason_and_asks_first(haishu, received):
    page = assert_refused(
        haishu,
        case_url(received, "transfer"),
        {"to_unit": "", "reason": "实际经营地在鄞州XYZ"},
        error="请选择移送单位",
        typed=['value="实际经营地在鄞州XYZ"'],
        field_id="id_transfer_to_unit",
    )
    assert "data-confirm=" in page.split('id="transfer-form"')[1].split(">")[0]


def test_a_transfer_to_the_own_unit_is_refused_beside_the_unit(haishu, received, city):
    """The unit list leaves out the case's own unit: posting it anyway is refused by the form."""
    assert_refused(
        haishu,
        case_url(received, "transfer"),
        {"to_unit": city["330203"].pk, "reason": "本单位XYZ"},
        error="选择一个有效的选项",
        typed=['value="本单位XYZ"'],
        field_id="id_transfer_to_unit",
    )


def test_a_dispute_without_the_other_unit_keeps_the_reason(haishu, received, city):
    page = assert_refused(
        haishu,
        case_url(received, "dispute"),
        {"other_unit": "", "reason": "被投诉人已迁至鄞州XYZ"},
        error="请选择争议对方单位",
        typed=['value="被投诉人已迁至鄞州XYZ"'],
        field_id="id_dispute_other_unit",
    )
    assert "data-confirm=" in page.split('id="dispute-form"')[1].split(">")[0]


@pytest.mark.parametrize("into", ["T000000NOPE", "other-district"])
def test_merging_into_an_unknown_or_out_of_scope_case_is_refused_beside_the_code(
    haishu, received, firms, into
):
    if into == "other-district":  # a 鄞州 case exists but is not the 海曙 officer's to change
        into = file(
            ON, respondent_name="", respondent_uscc=firms["yinzhou"].uscc, person_phone="13700000000"
        ).code
    page = assert_refused(
        haishu,
        case_url(received, "merge"),
        {"into": into.lower(), "reason": "同一消费者重复投诉XYZ"},
        error="请填写本单位可办理的主件查询码",
        typed=[f'value="{into.lower()}"', 'value="同一消费者重复投诉XYZ"'],
        field_id="id_merge_into",
    )
    assert "data-confirm=" in page.split('id="merge-form"')[1].split(">")[0]


def test_an_action_the_case_no_longer_offers_is_refused_in_the_messages(haishu, accepted):
    """Accepting twice: the accept form is gone from the page, its refusal is shown as a message."""
    page = assert_refused(
        haishu, case_url(accepted, "accept"), {"on": "2026-03-04"}, error="只有待受理的投诉可以受理"
    )
    assert "message error" in page


def test_a_refused_action_out_of_scope_is_still_404(users, received):
    response = client_for(users["yinzhou"]).post(case_url(received, "reject"), {"ground": ""})
    assert response.status_code == 404


def test_the_case_page_forms_are_prefilled_and_decisions_ask_first(haishu, received):
    page = haishu.get(f"/complaints/cases/{received.pk}/").content.decode()
    assert 'name="on" value="' in page  # dates prefilled in the ISO format the date input accepts
    for form_id in ("reject-form", "transfer-form", "dispute-form", "merge-form"):
        assert "data-confirm=" in page.split(f'id="{form_id}"')[1].split(">")[0], form_id
    assert "data-confirm=" not in page.split('id="accept-form"')[1].split(">")[0]


# --- staff entry (电话、来访登记) ----------------------------------------------------------------------


def test_a_walk_in_with_a_bad_phone_is_refused_with_everything_kept(haishu, firms, city):
    page = assert_refused(
        haishu,
        "/complaints/cases/new/",
        {
            "channel": "walk_in",
            "received_on": "2026-03-02",
            "kind": "report",
            "respondent_name": "某不知名小店XYZ",
            "place": city["330212"].code,
            "category": "food",
            "subject": "销售过期食品XYZ",
            "description": "该店货架上有多件过期食品仍在销售，请依法查处。",
            "person_name": "王五",
            "person_phone": "12345",
            "anonymous": "",
        },
        error="联系电话格式不正确",
        typed=[
            'value="某不知名小店XYZ"',
            'value="销售过期食品XYZ"',
            "该店货架上有多件过期食品仍在销售，请依法查处。",
            'value="12345"',
            'value="2026-03-02"',
            '<option value="walk_in" selected>',
            '<option value="report" selected>',
            '<option value="food" selected>',
            f'<option value="{city["330212"].code}" selected>',
        ],
        field_id="person_phone",
    )
    assert 'id="respondent_name"' in page and 'id="respondent_uscc"' in page  # the look-up finds them


def test_the_staff_entry_form_is_prefilled_with_today(haishu, firms):
    page = haishu.get("/complaints/cases/new/").content.decode()
    assert f'name="received_on" value="{timezone.localdate().isoformat()}"' in page


# --- the enterprise account --------------------------------------------------------------------------


@pytest.fixture
def odr_case(firms):
    firm_services.enrol_firm(
        actor=CLI, entity=firms["shop"], programme=Enrolment.Programme.ODR, on=dt.date(2026, 1, 1)
    )
    case = file(timezone.localdate())
    assert case.status == Status.ODR
    return case


def test_the_firms_odr_answer_without_its_account_keeps_what_was_typed(firm_user, odr_case):
    client = client_for(firm_user)
    page = assert_refused(
        client,
        f"/complaints/my/{odr_case.pk}/answer/",
        {"settled": "0", "on": timezone.localdate().isoformat(), "amount": "399", "reply": ""},
        error="请填写处理情况",
        typed=['value="399"', '<option value="0" selected>'],
        field_id="id_reply",
    )
    assert "data-confirm=" in page.split('id="odr-form"')[1].split(">")[0]
    assert "13812341234" not in page and "张三丰" not in page  # the firm sees the complainant masked


def test_the_firms_odr_answer_with_a_negative_amount_is_refused(firm_user, odr_case):
    assert_refused(
        client_for(firm_user),
        f"/complaints/my/{odr_case.pk}/answer/",
        {"settled": "1", "on": timezone.localdate().isoformat(), "amount": "-5", "reply": "已退款XYZ"},
        error="确保该值大于或等于0",
        typed=['value="-5"', "已退款XYZ"],
        field_id="id_amount",
    )


def test_the_firms_reply_over_1000_characters_keeps_the_text(firm_user, firms):
    text = "我们高度重视消费者意见" * 100  # 1,100 characters
    assert_refused(
        client_for(firm_user),
        "/complaints/my/reply/",
        {"text": text},
        error="回应不能超过1000字",
        typed=[text],
        field_id="reply-text",
    )


# --- office pages ------------------------------------------------------------------------------------


def test_designating_a_unit_not_party_to_the_dispute_is_refused(users, received, city):
    dispute = routing.raise_dispute(
        actor=users["haishu"], case=received, other_unit=city["330212"], reason="被投诉人已迁至鄞州", on=ON
    )
    page = assert_refused(
        client_for(users["admin"]),
        "/complaints/disputes/",
        {"dispute": dispute.pk, "unit": city["330205"].pk, "note": "由鄞州办理XYZ"},
        error="选择一个有效的选项",
        typed=['value="由鄞州办理XYZ"'],
        field_id=f"id_d{dispute.pk}_unit",
    )
    assert "data-confirm=" in page.split(f'id="decide-dispute-{dispute.pk}"')[1].split(">")[0]


def test_enrolling_an_unknown_firm_is_refused_beside_the_code(users, firms):
    assert_refused(
        client_for(users["haishu"]),
        "/complaints/firms/",
        {"op": "enrol", "uscc": "91330200ma2xxxxx0x", "programme": "odr", "on": "2026-03-01"},
        error="主体库中没有您可查看的该统一社会信用代码",
        typed=['value="91330200ma2xxxxx0x"', 'value="2026-03-01"'],
        field_id="id_enrol_uscc",
    )


def test_enrolling_a_firm_of_another_district_is_refused(users, firms):
    uscc = firms["yinzhou"].uscc
    assert_refused(
        client_for(users["haishu"]),
        "/complaints/firms/",
        {"op": "enrol", "uscc": uscc, "programme": "comp_first", "on": "2026-03-01"},
        error="主体库中没有您可查看的该统一社会信用代码",  # another district's register is not hers
        typed=[f'value="{uscc}"', '<option value="comp_first" selected>'],
    )
    assert not Enrolment.objects.exists()


def test_enrolling_twice_is_refused_beside_the_code(users, firms):
    firm_services.enrol_firm(actor=CLI, entity=firms["shop"], programme="odr", on=dt.date(2026, 1, 1))
    assert_refused(
        client_for(users["haishu"]),
        "/complaints/firms/",
        {"op": "enrol", "uscc": firms["shop"].uscc, "programme": "odr", "on": "2026-03-01"},
        error="该企业已在册",
        typed=[f'value="{firms["shop"].uscc}"'],
        field_id="id_enrol_uscc",
    )


def test_withdrawing_before_enrolment_is_refused_and_asks_first(users, firms):
    enrolment = firm_services.enrol_firm(
        actor=CLI, entity=firms["shop"], programme="odr", on=dt.date(2026, 2, 1)
    )
    page = assert_refused(
        client_for(users["haishu"]),
        "/complaints/firms/",
        {"op": "withdraw", "enrolment": enrolment.pk, "on": "2026-01-15", "reason": "企业申请退出XYZ"},
        error="退出日期不能早于加入日期",
        typed=['value="企业申请退出XYZ"', 'value="2026-01-15"'],
        field_id=f"id_w{enrolment.pk}_on",
    )
    assert "data-confirm=" in page.split(f'id="withdraw-{enrolment.pk}"')[1].split(">")[0]


def test_withdrawing_another_districts_firm_is_404(users, firms):
    enrolment = firm_services.enrol_firm(
        actor=CLI, entity=firms["yinzhou"], programme="odr", on=dt.date(2026, 2, 1)
    )
    response = client_for(users["haishu"]).post(
        "/complaints/firms/", {"op": "withdraw", "enrolment": enrolment.pk, "on": "2026-03-01", "reason": "x"}
    )
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.withdrawn_on is None


def test_an_import_without_a_file_keeps_the_dry_run_box(users, firms):
    page = assert_refused(
        client_for(users["haishu"]),
        "/complaints/import/",
        {"dry_run": "1"},
        error="请选择要导入的文件",
        field_id="id_file",
    )
    assert '<input type="checkbox" name="dry_run" id="id_dry_run" checked>' in page
    assert not Job.objects.exists()


def test_confirming_a_rule_with_an_overlong_source_keeps_it(users, rules):
    ensure_rules()
    check = RuleCheck.objects.filter(confirmed_on=None).first()
    assert check is not None
    source = "国家市场监督管理总局令第121号" * 15  # over 200 characters
    page = assert_refused(
        client_for(users["admin"]),
        "/complaints/rules/",
        {"check": check.pk, "checked_against": source},
        error="不能超过 200 个字",
        typed=[source],
        field_id=f"id_r{check.pk}_checked_against",
    )
    assert "data-confirm=" in page.split(f'id="confirm-rule-{check.pk}"')[1].split(">")[0]


def test_confirming_a_rule_without_its_source_is_refused_beside_the_field(users, rules):
    check = RuleCheck.objects.filter(confirmed_on=None).first()
    assert_refused(
        client_for(users["admin"]),
        "/complaints/rules/",
        {"check": check.pk, "checked_against": "  "},
        error="请填写核对依据",
        field_id=f"id_r{check.pk}_checked_against",
    )
