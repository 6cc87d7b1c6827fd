"""Masking on every page, export and API response for every role; unmasking audited; no reporter for firms."""

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client

from tests.complaints.conftest import file
from tests.complaints.test_scoping_matrix import api_for, client_for
from tests.factories import UserFactory
from zhijian.complaints.privacy import mask_address, mask_id_number, mask_name, mask_phone
from zhijian.complaints.services import handling
from zhijian.core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 2)
SECRETS = ("张三丰", "13812341234", "330203199001011236", "中山西路100号")


def test_masks():
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧***"
    assert mask_phone("138 1234 1234") == "138****1234"
    assert mask_id_number("330203199001011236") == "3302**********1236"
    assert mask_address("浙江省宁波市海曙区中山西路100号") == "浙江省宁波市****"


@pytest.fixture
def handled(firms, users, firm_user):
    case = file(ON, person_id_number="330203199001011236")
    case = handling.accept_case(actor=users["haishu"], case=case, on=ON)  # haishu is the handler
    report = file(
        ON,
        kind="report",
        subject="无照经营",
        description="该店长期无照经营，请依法查处。",
        person_name="李举报",
        person_phone="13611112222",
    )
    return {"case": case, "report": report}


@pytest.mark.parametrize("actor", ["admin", "department", "haishu", "haishu_office", "inspector", "firm"])
def test_no_role_sees_personal_data_without_unmasking(handled, users, firm_user, actor):
    user = firm_user if actor == "firm" else users[actor]
    client, api = client_for(user), api_for(user)
    case = handled["case"]
    texts = [
        client.get(f"/complaints/cases/{case.pk}/").content.decode(),
        client.get("/complaints/cases/").content.decode(),
        client.get(f"/complaints/my/{case.pk}/").content.decode(),
        client.get("/complaints/my/").content.decode(),
        api.get("/api/v1/complaints/cases").content.decode(),
        api.get(f"/api/v1/complaints/cases/{case.code}").content.decode(),
    ]
    export = client.get("/complaints/cases/export.xlsx")
    if export.status_code == 200:
        sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
        texts.append(" ".join(str(c.value) for row in sheet.iter_rows() for c in row))
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
    detail = api.get(f"/api/v1/complaints/cases/{case.code}").json()
    assert detail["person_name"] == "张**" and detail["person_phone"] == "138****1234"


def test_the_handler_unmasks_and_it_is_audited(handled, users):
    case = handled["case"]
    before = AuditEntry.objects.filter(action="complaints.case.unmask").count()
    page = client_for(users["haishu"]).post(f"/complaints/cases/{case.pk}/unmask/", {"reason": "电话联系"})
    text = page.content.decode()
    assert "张三丰" in text and "13812341234" in text
    entry = AuditEntry.objects.filter(action="complaints.case.unmask").order_by("-seq").first()
    assert AuditEntry.objects.filter(action="complaints.case.unmask").count() == before + 1
    assert entry.actor_id == users["haishu"].pk and entry.object_id == str(case.pk)
    # the next plain view is masked again
    assert (
        "13812341234" not in client_for(users["haishu"]).get(f"/complaints/cases/{case.pk}/").content.decode()
    )


def test_a_firm_never_sees_a_reporter(handled, firm_user):
    report = handled["report"]
    client, api = client_for(firm_user), api_for(firm_user)
    assert api.get(f"/api/v1/complaints/cases/{report.code}").status_code == 404
    assert client.get(f"/complaints/my/{report.pk}/").status_code == 404
    for text in (
        client.get("/complaints/my/").content.decode(),
        api.get("/api/v1/complaints/cases").content.decode(),
    ):
        assert report.code not in text and "李" not in text and "13611112222" not in text


def test_an_anonymous_report_has_no_person_at_all(firms, users):
    case = file(
        ON, kind="report", anonymous=True, subject="无照经营", description="该店长期无照经营，请依法查处。"
    )
    assert case.person_name == "" and case.person_phone == "" and case.complainant_key == ""
    assert "匿名" in client_for(users["haishu"]).get(f"/complaints/cases/{case.pk}/").content.decode()


def test_public_pages_and_api_carry_nothing_personal(handled, users):
    case = handling.record_mediation(
        actor=users["haishu"], case=handled["case"], held_on=ON, agreed=True, note="退款"
    )
    closed = handling.close_case(actor=users["haishu"], case=handled["case"], on=ON, outcome="mediated")
    client = Client()
    texts = [
        client.get("/public/complaints/disclosure/").content.decode(),
        client.get(f"/public/complaints/disclosure/{closed.respondent_uscc}/").content.decode(),
        client.get("/api/v1/complaints/disclosure").content.decode(),
        client.get(f"/api/v1/complaints/disclosure/{closed.respondent_uscc}").content.decode(),
        client.post("/public/complaints/track/", {"code": closed.code, "phone4": "1234"}).content.decode(),
    ]
    for text in texts:
        for secret in (*SECRETS, "张*", "138****"):
            assert secret not in text
    del case


def test_an_enterprise_user_of_another_firm_sees_nothing(handled):
    other = UserFactory(username="t_other", role=Role.ENTERPRISE, entity_uscc="91330200MA2AAAAA0X")
    assert api_for(other).get("/api/v1/complaints/cases").json()["items"] == []
