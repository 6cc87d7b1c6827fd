"""A refused action on the case and sample pages comes back with what was typed, beside its fields,
and changes nothing (issue 14, item 5)."""

import datetime as dt

import pytest
from django.test import Client

from tests.factories import PASSWORD
from tests.sampling.conftest import CAKE_PASS, items_of
from zhijian.core.access import SystemActor
from zhijian.core.models import AuditEntry
from zhijian.sampling import services
from zhijian.sampling.models import PostProcessingCase

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def case(lab_users, parties, food_task):
    sample = services.register_sample(
        actor=SystemActor("cli"),
        task=food_task,
        product_name="桃酥",
        sampled_on=dt.date(2026, 9, 1),
        seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
        producer=services.PartyIn(""),
    )
    services.record_results(
        actor=lab_users["T1"],
        sample=sample,
        report_no="R",
        reported_on=dt.date(2026, 9, 18),
        received_on=dt.date(2026, 9, 2),
        items=items_of(sample, **{**CAKE_PASS, "sorbic": "2"}),
    )
    return PostProcessingCase.objects.get()


def audited(case) -> int:
    return AuditEntry.objects.filter(action__startswith="sampling.case.").count()


def test_refused_case_actions_keep_what_was_typed_and_change_nothing(users, case):
    client = login(users["haishu"])
    url = f"/sampling/cases/{case.pk}/"
    before = audited(case)
    page = client.get(url).content.decode()
    assert 'id="close-form" novalidate data-confirm="确认办结' in page
    # A measure dated before the case was opened: the service's refusal sits beside the date
    response = client.post(
        url + "measure/",
        {
            "m-kind": "removal",
            "m-taken_on": "2026-01-05",
            "m-document_no": "甬海责改〔2026〕7号",
            "m-note": "下架三箱",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        'value="甬海责改〔2026〕7号"' in page and 'value="下架三箱"' in page and 'value="2026-01-05"' in page
    )
    assert "不能早于立案日期" in page and 'aria-invalid="true"' in page
    assert '<option value="removal" selected>' in page
    # A re-check without its date: the form's own message, in Chinese, the note kept
    response = client.post(url + "recheck/", {"r-checked_on": "", "r-passed": "0", "r-note": "现场仍有在售"})
    page = response.content.decode()
    assert response.status_code == 400 and "这个字段是必填项" in page and 'value="现场仍有在售"' in page
    # Evidence without its file: the description stays
    response = client.post(url + "evidence/", {"e-description": "下架记录照片"})
    page = response.content.decode()
    assert response.status_code == 400 and 'value="下架记录照片"' in page
    # Closing without measures or evidence: refused as a whole, the conclusion typed stays
    response = client.post(url + "close/", {"c-closed_on": "2026-09-30", "c-conclusion": "已责令全部下架"})
    page = response.content.decode()
    assert (
        response.status_code == 400 and "尚未记录任何处置措施" in page and "已责令全部下架</textarea>" in page
    )
    case.refresh_from_db()
    assert case.status == "open" and not case.measures.exists() and not case.rechecks.exists()
    assert not case.evidence.exists() and audited(case) == before


def test_a_service_date_after_today_comes_back_beside_the_field(users, lab_users, parties, food_task):
    sample = services.register_sample(
        actor=SystemActor("cli"),
        task=food_task,
        product_name="桃酥",
        sampled_on=dt.date(2026, 9, 1),
        seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
        producer=services.PartyIn(""),
    )
    services.record_results(
        actor=lab_users["T1"],
        sample=sample,
        report_no="R",
        reported_on=dt.date(2026, 9, 18),
        received_on=dt.date(2026, 9, 2),
        items=items_of(sample, **CAKE_PASS),
    )
    response = login(users["haishu"]).post(
        f"/sampling/samples/{sample.sample_no}/serve/", {"served_on": "2099-01-01"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="2099-01-01"' in page and "不能晚于今天" in page
    sample.refresh_from_db()
    assert sample.served_on is None


def test_a_refused_plan_comes_back_with_what_was_typed(users, reference):
    from zhijian.sampling.models import SamplingPlan

    response = login(users["admin"]).post(
        "/sampling/plans/new/",
        {"year": "1999", "kind": "food", "purpose": "supervision", "title": "2026年春节食品专项抽检"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="2026年春节食品专项抽检"' in page and 'value="1999"' in page
    assert 'aria-invalid="true"' in page and not SamplingPlan.objects.exists()
