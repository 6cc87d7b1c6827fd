"""Intake: the public form (verification, rate limit, idempotency), tracking, staff entry, routing."""

import datetime as dt
import re

import pytest
from django.test import Client

from tests.complaints.conftest import case_in, file
from tests.factories import PASSWORD
from zhijian.complaints.models import Case, Status
from zhijian.complaints.services import ComplaintsError
from zhijian.complaints.services._base import ACTOR_PUBLIC
from zhijian.complaints.services.intake import file_case

pytestmark = pytest.mark.django_db


def form_fields(client: Client) -> dict:
    page = client.get("/public/complaints/").content.decode()
    a, b = map(int, re.search(r"验证：(\d) \+ (\d) = \?", page).groups())
    return {
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1),
        "challenge": re.search(r'name="challenge" value="([^"]+)"', page).group(1),
        "answer": str(a + b),
    }


def filing(**overrides) -> dict:
    values = {
        "kind": "complaint",
        "subject": "购买的电饭煲无法加热",
        "description": "2026年3月在该店购买电饭煲一台，使用一周后无法加热，商家拒绝退换。",
        "respondent_name": "宁波海曙鼓楼百货有限公司",
        "category": "appliances",
        "person_name": "李四",
        "person_phone": "13900001234",
        "product": "电饭煲",
    }
    values.update(overrides)
    return values


def test_the_public_files_without_login_and_gets_a_tracking_code(firms):
    client = Client()
    response = client.post("/public/complaints/", {**form_fields(client), **filing()})
    assert response.status_code == 200
    code = re.search(r'id="tracking-code">(T\w+)<', response.content.decode()).group(1)
    case = Case.objects.get(code=code)
    assert case.channel == "web" and case.respondent == firms["shop"] and case.jurisdiction.code == "330203"
    assert case.office.code == "33020301"  # the respondent's grassroots office handles it
    assert case.status == Status.RECEIVED and case.acceptance_due is not None


def test_a_double_submit_files_once(firms):
    client = Client()
    fields = {**form_fields(client), **filing()}
    first = client.post("/public/complaints/", fields)
    second = client.post("/public/complaints/", fields)
    assert first.status_code == second.status_code == 200
    assert Case.objects.count() == 1
    assert "该登记已提交过" in second.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("person_phone", "12345", "联系电话格式不正确"),
        ("description", "太差", "不少于10个字"),
        ("respondent_name", "", "请填写被投诉（举报）对象名称"),
        ("category", "", "请选择商品或服务类别"),
        ("respondent_uscc", "91330203ABC", "统一社会信用代码应为18位"),
        ("person_id_number", "330203199001011234", "身份证号码不正确"),
        ("subject", "=HYPERLINK(1)", "不能以“=”开头"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(firms, field, value, message):
    client = Client()
    response = client.post("/public/complaints/", {**form_fields(client), **filing(**{field: value})})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_a_wrong_verification_answer_is_refused(firms):
    client = Client()
    fields = {**form_fields(client), **filing()}
    fields["answer"] = "99"
    response = client.post("/public/complaints/", fields)
    assert response.status_code == 400 and "验证题答案不正确" in response.content.decode()
    assert not Case.objects.exists()


def test_the_form_is_rate_limited(firms, settings):
    settings.COMPLAINTS_RATE_LIMITS = {"file": 2}
    client = Client()
    statuses = [
        client.post("/public/complaints/", {**form_fields(client), **filing()}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert Case.objects.count() == 2


def test_the_public_follows_a_case_by_code_and_phone_digits(firms):
    case = file(dt.date(2026, 3, 2), channel="web", actor=ACTOR_PUBLIC)
    client = Client()
    wrong = client.post("/public/complaints/track/", {"code": case.code, "phone4": "0000"})
    assert wrong.status_code == 404 and "不正确" in wrong.content.decode()
    right = client.post("/public/complaints/track/", {"code": case.code.lower(), "phone4": "1234"})
    page = right.content.decode()
    assert right.status_code == 200 and "待受理" in page
    assert "张" not in page and "1381234" not in page and "13812341234" not in page  # nothing personal


def test_staff_enter_a_phone_call(firms, users):
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    response = client.post(
        "/complaints/cases/new/",
        {
            **filing(respondent_name="某不知名小店", place="33020302"),
            "channel": "phone",
            "received_on": "2026-03-02",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.channel == "phone"
    assert case.respondent is None and case.routed_by == "交易发生地" and case.office.code == "33020302"
    detail = client.get(f"/complaints/cases/{case.pk}/").content.decode()
    assert "未在主体库中匹配" in detail


def test_an_inspector_may_not_enter_cases(firms, users):
    client = Client()
    client.login(username=users["inspector"].username, password=PASSWORD)
    assert client.get("/complaints/cases/new/").status_code == 403
    with pytest.raises(ComplaintsError):
        file_case(actor=users["inspector"], data=case_in(), channel="phone")


def test_the_respondent_is_resolved_by_uscc(firms):
    case = file(
        dt.date(2026, 3, 2), respondent_name="随便写的名字", respondent_uscc=firms["yinzhou"].uscc.lower()
    )
    assert case.respondent == firms["yinzhou"] and case.respondent_name == firms["yinzhou"].name
    assert case.jurisdiction.code == "330212"


def test_an_unknown_respondent_with_no_place_goes_to_the_city(firms):
    case = file(dt.date(2026, 3, 2), respondent_name="查无此店")
    assert case.respondent is None and case.jurisdiction.code == "330200" and case.routed_by == "市局分派"


def test_under_order_121_a_platform_sellers_case_goes_to_the_platforms_unit(firms):
    before = file(dt.date(2026, 4, 14), platform_uscc=firms["platform"].uscc, person_phone="13800000001")
    after = file(dt.date(2026, 4, 15), platform_uscc=firms["platform"].uscc, person_phone="13800000002")
    assert before.jurisdiction.code == "330203"  # Order 20: the seller's own unit
    assert after.jurisdiction.code == "330212" and "第121号令" in after.routed_by


def test_the_respondent_lookup_searches_the_register(firms):
    items = Client().get("/public/complaints/respondents/?q=鼓楼百货").json()["items"]
    assert [i["uscc"] for i in items] == [firms["shop"].uscc]


def test_the_api_files_once_per_idempotency_key(firms):
    client = Client(headers={"Idempotency-Key": "abc-123"})
    body = filing()
    first = client.post("/api/v1/complaints/filings", body, content_type="application/json")
    second = client.post("/api/v1/complaints/filings", body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["code"] == second.json()["code"] and Case.objects.count() == 1
    bad = Client().post(
        "/api/v1/complaints/filings", {**body, "person_phone": "1"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["fields"]["person_phone"].startswith("联系电话")
