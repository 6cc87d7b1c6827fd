"""The pages work end to end through their forms (the browser test drives the main path in Chromium)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import PASSWORD
from zhijian.core.access import SystemActor
from zhijian.sampling.models import (
    Objection,
    PostProcessingCase,
    Sample,
    SamplingPlan,
    SamplingTask,
    TestItem,
)

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_plan_task_sample_results_serve_and_retest_through_the_pages(
    users, labs, lab_users, parties, reference, city
):
    admin = login(users["admin"])
    response = admin.post(
        "/sampling/plans/new/",
        {"year": 2026, "kind": "food", "purpose": "supervision", "title": "页面测试计划"},
    )
    plan = SamplingPlan.objects.get(title="页面测试计划")
    assert response.url.endswith(f"/sampling/plans/{plan.pk}/")
    admin.post(
        f"/sampling/plans/{plan.pk}/",
        {
            "category": reference["F0401"].pk,
            "stage": "circulation",
            "jurisdiction": city["330203"].pk,
            "laboratory": labs["T1"].pk,
            "quota": 3,
            "due_on": "2026-11-30",
        },
    )
    task = SamplingTask.objects.get(plan=plan)
    assert "测试食品检验所一" in login(users["haishu"]).get(f"/sampling/plans/{plan.pk}/").content.decode()

    haishu = login(users["haishu"])
    response = haishu.post(
        f"/sampling/tasks/{task.pk}/samples/new/",
        {
            "product_name": "苔菜千层酥",
            "sampled_on": "2026-09-01",
            "seller_name": parties["seller"].name,
            "seller_uscc": parties["seller"].uscc.lower(),  # case and spaces are tolerated
            "producer_name": parties["producer"].name,
            "producer_uscc": parties["producer"].uscc,
        },
    )
    sample = Sample.objects.get()
    assert response.url.endswith(f"/sampling/samples/{sample.sample_no}/")
    listed = haishu.get("/sampling/samples/?overdue=1").content.decode()
    assert sample.sample_no in listed and '送检 2026-09-08 <span class="error">超期</span>' in listed

    lab = login(lab_users["T1"])
    lab.post(f"/sampling/samples/{sample.sample_no}/receive/", {"received_on": "2026-09-02"})
    items = {i.code: i.pk for i in TestItem.objects.filter(category=sample.category)}
    response = lab.post(
        f"/sampling/samples/{sample.sample_no}/results/",
        {
            "report_no": "T1-0001",
            "reported_on": "2026-09-18",
            f"m_{items['sorbic']}": "1.6",
            f"u_{items['sorbic']}": "g/kg",
            f"m_{items['benzoic']}": "未检出",
            f"l_{items['benzoic']}": "0.005",
            f"m_{items['tpc']}": "<10/<10/20/30/40",
        },
    )
    assert response.status_code == 302
    sample.refresh_from_db()
    assert sample.judgement == "fail" and sample.received_on == dt.date(2026, 9, 2)
    detail = haishu.get(f"/sampling/samples/{sample.sample_no}/").content.decode()
    assert "不合格" in detail and "出具检验报告" in detail and "按时" in detail

    haishu.post(f"/sampling/samples/{sample.sample_no}/serve/", {"served_on": "2026-09-21"})
    page = haishu.get(f"/sampling/samples/{sample.sample_no}/objection/").content.decode()
    assert "2026-10-08" in page  # 7 working days from 09-21: 22-24, (25 中秋 off) 28-30, (10-01..07 off) 8
    haishu.post(
        f"/sampling/samples/{sample.sample_no}/objection/",
        {
            "applicant_name": parties["seller"].name,
            "applicant_uscc": parties["seller"].uscc,
            "applied_on": "2026-09-22",
            "items": [str(items["sorbic"])],
        },
    )
    objection = Objection.objects.get()
    assert objection.retest_lab.code in ("T2", "T3")
    retest_lab = login(lab_users[objection.retest_lab.code])
    assert retest_lab.get(f"/sampling/samples/{sample.sample_no}/").status_code == 200  # drawn: it may see it
    retest_lab.post(
        f"/sampling/objections/{objection.pk}/retest/",
        {"report_no": "F-1", "reported_on": "2026-10-09", f"m_{items['sorbic']}": "1.7"},
    )
    sample.refresh_from_db()
    assert sample.judgement == "fail"
    assert "复检结论" in haishu.get(f"/sampling/samples/{sample.sample_no}/").content.decode()


def test_a_case_is_worked_and_closed_through_the_page(
    users, lab_users, parties, food_task, settings, tmp_path
):
    from tests.sampling.conftest import CAKE_PASS, items_of
    from zhijian.sampling import services

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
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
    case = PostProcessingCase.objects.get()
    client = login(users["haishu"])
    url = f"/sampling/cases/{case.pk}/"
    client.post(url + "measure/", {"m-kind": "removal", "m-taken_on": "2026-09-19", "m-note": "下架"})
    client.post(
        url + "evidence/",
        {"e-file": SimpleUploadedFile("下架记录.pdf", b"%PDF-1.4"), "e-description": "下架记录"},
    )
    client.post(url + "close/", {"c-closed_on": "2026-09-30", "c-conclusion": "已下架"})
    case.refresh_from_db()
    assert case.status == "closed"
    sample.refresh_from_db()
    assert sample.loop_status == "closed"
    page = client.get(url).content.decode()
    assert "下架记录.pdf" in page and "已闭环" in page
    evidence = case.evidence.get()
    download = client.get(f"/sampling/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    assert login(users["yinzhou"]).get(f"/sampling/evidence/{evidence.pk}/").status_code == 404


def test_dashboard_catalogue_and_announcement_pages(users, food_task, parties):
    from zhijian.sampling import services

    services.register_sample(
        actor=SystemActor("cli"),
        task=food_task,
        product_name="桃酥",
        sampled_on=dt.date(2026, 9, 1),
        seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
        producer=services.PartyIn(""),
    )
    admin = login(users["admin"])
    home = admin.get("/sampling/?year=2026").content.decode()
    assert "食品抽检批次/千人" in home and 'id="chart"' in home
    assert "GB 2762-2022" in admin.get("/sampling/catalogue/").content.decode()
    response = admin.post(
        "/sampling/announcements/",
        {"kind": "food", "issue": "2026年第9期", "period_start": "2026-09-01", "period_end": "2026-09-30"},
    )
    assert response.status_code == 302
    assert "2026年第9期" in admin.get("/sampling/announcements/").content.decode()
    district = login(users["haishu"]).get("/sampling/").content.decode()
    assert "海曙区市场监督管理局" in district and 'id="chart"' not in district
