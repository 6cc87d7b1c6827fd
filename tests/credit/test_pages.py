"""Credit pages and API: who sees what (out of scope answers 404), the officer's flows, the public report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Job, Role
from zhijian.core.tokens import issue_token
from zhijian.credit import services
from zhijian.credit.classify import rescore_all
from zhijian.credit.models import CreditList, CreditRecord, ListGround, RepairApplication

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def data(entities):
    hs, yz = entities["haishu"], entities["yinzhou"]
    public = services.record_penalty(
        actor=SystemActor("test"),
        entity=yz,
        measures=["fine"],
        title="销售不合格产品",
        occurred_on=dt.date(2026, 9, 1),
    )
    hidden = services.record_credit_record(
        actor=SystemActor("test"),
        entity=yz,
        kind="complaint",
        severity="general",
        title="投诉属实：商品质量",
        occurred_on=dt.date(2026, 9, 2),
        source="complaints",
        public=False,
    )
    services.enter_list(
        actor=SystemActor("test"),
        entity=hs,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.ANNUAL_REPORT,
        entered_on=dt.date(2026, 7, 1),
        reason="未按期公示年度报告",
    )
    rescore_all(actor=SystemActor("test"))
    return {"public": public, "hidden": hidden}


def test_a_district_officer_cannot_see_another_districts_non_public_records(users, entities, data):
    haishu = client_for(users["haishu"])
    assert haishu.get(f"/credit/entities/{entities['yinzhou'].uscc}/").status_code == 404
    api = Client(headers={"Authorization": f"Bearer {issue_token(users['haishu'])[0]}"})
    assert api.get(f"/api/v1/credit/entities/{entities['yinzhou'].uscc}/records").status_code == 404
    # the public report of the same firm shows its public record only
    report = Client().get(f"/credit/report/{entities['yinzhou'].uscc}/").content.decode()
    assert "销售不合格产品" in report and "投诉属实" not in report
    # the firm's own district sees both
    page = client_for(users["yinzhou"]).get(f"/credit/entities/{entities['yinzhou'].uscc}/").content.decode()
    assert "销售不合格产品" in page and "投诉属实" in page


def test_distribution_page_counts_only_the_officers_district(users, entities, data):
    page = client_for(users["haishu"]).get("/credit/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r["name"] for r in rows] == ["海曙区"] or [r["total"] for r in rows] == [1]
    city = client_for(users["admin"]).get("/credit/").context["rows"]
    assert sum(r["total"] for r in city) == 2
    listing = client_for(users["admin"]).get("/credit/classes/", {"class": "C"}).content.decode()
    assert entities["haishu"].name in listing and entities["yinzhou"].name not in listing


def test_enterprise_sees_its_class_and_factors_and_applies(entities, enterprise_user, data, users):
    client = client_for(enterprise_user)
    page = client.get("/credit/mine/").content.decode()
    assert "列入经营异常名录" in page and 'data-class="C"' in page
    entry = entities["haishu"].list_entries.get()
    response = client.post(
        f"/credit/mine/apply/entry/{entry.pk}/", {"statement": "已补报年度报告", "commitment": "on"}
    )
    assert response.status_code == 302
    application = RepairApplication.objects.get()
    officer = client_for(users["haishu"])
    assert "已补报年度报告" in officer.get("/credit/repairs/").content.decode()
    officer.post(
        f"/credit/repairs/{application.pk}/decide/",
        {"approve": "1", "reason": "已补报并公示", "decision_no": "甬市监信修〔2026〕1号"},
    )
    application.refresh_from_db()
    assert application.status == "approved" and application.decision_no == "甬市监信修〔2026〕1号"
    assert 'data-class="B"' in client.get("/credit/mine/").content.decode()  # 3 points left: industry
    # and another enterprise cannot reach these pages for this firm
    assert client_for(users["haishu"]).get("/credit/mine/").status_code == 403


def test_public_report_pdf_renders_chinese(entities, data):
    response = Client().get(f"/credit/report/{entities['yinzhou'].uscc}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"STSong-Light" in response.content


def test_officer_records_a_penalty_through_the_page(users, entities, data):
    client = client_for(users["haishu"])
    uscc = entities["haishu"].uscc
    response = client.post(
        f"/credit/entities/{uscc}/penalties/",
        {
            "title": "虚假宣传",
            "decision_no": "甬海市监罚〔2026〕12号",
            "occurred_on": "2026-11-02",
            "measures": ["fine"],
            "sector": "general",
        },
    )
    assert response.status_code == 302
    assert CreditRecord.objects.filter(entity=entities["haishu"], title="虚假宣传").exists()
    # an inspector may view but never change
    inspector = client_for(users["inspector"])
    assert inspector.get(f"/credit/entities/{uscc}/").status_code == 200
    assert inspector.post(f"/credit/entities/{uscc}/penalties/", {"title": "x"}).status_code == 403


def test_batch_job_runs_with_progress(users, officer, entities, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = client_for(officer)
    response = client.post("/credit/rescore/", {"engine": "db"})
    job = Job.objects.get(kind="credit.rescore")
    assert response.url == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "succeeded" and job.done == job.total == 4
    assert "户参与分类" in client.get(f"/jobs/{job.pk}/").content.decode()
    # a district officer may not start the city-wide batch
    assert client_for(users["haishu"]).post("/credit/rescore/", {"engine": "db"}).status_code == 403


def test_api_standing_and_repair_errors(entities, enterprise_user, data):
    api = Client(headers={"Authorization": f"Bearer {issue_token(enterprise_user)[0]}"})
    standing = api.get(f"/api/v1/credit/entities/{entities['haishu'].uscc}").json()
    assert standing["credit_class"] == "C" and standing["factors"][0]["code"] == "abnormal_list"
    assert api.get(f"/api/v1/credit/entities/{entities['yinzhou'].uscc}").status_code == 404
    bad = api.post(
        "/api/v1/credit/repairs",
        {"kind": "publicity_end", "target_id": data["public"].pk, "statement": "x", "commitment": True},
        content_type="application/json",
    )
    assert bad.status_code == 404  # another firm's record does not exist for this caller
    entry = entities["haishu"].list_entries.get()
    missing = api.post(
        "/api/v1/credit/repairs",
        {"kind": "abnormal_removal", "target_id": entry.pk, "statement": "已补报", "commitment": False},
        content_type="application/json",
    )
    assert missing.status_code == 400 and missing.json()["code"] == "commitment_required"
    ok = api.post(
        "/api/v1/credit/repairs",
        {"kind": "abnormal_removal", "target_id": entry.pk, "statement": "已补报", "commitment": True},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["decision_due"]


def test_model_versions_never_rewrite_past_classifications(officer, entities, data):
    from zhijian.credit.models import Classification, CreditStanding, ScoringModel

    client = client_for(officer)
    first = ScoringModel.objects.get(active=True)
    before = list(
        CreditStanding.objects.values_list(
            "entity_id", "credit_class", "score", "model_version_id", "classified_at"
        )
    )
    response = client.post(
        "/credit/models/new/",
        {
            "version": "2026.1",
            "title": "调整版",
            "valid_from": "2026-12-01",
            "points_abnormal_list": "30",
            "threshold_D": "45",
        },
    )
    assert response.status_code == 302
    new = ScoringModel.objects.get(version="2026.1")
    assert new.spec["thresholds"]["D"] == 45 and not new.active
    client.post(f"/credit/models/{new.pk}/activate/")
    rescore_all(actor=SystemActor("test"))
    # the classifications made under the first version are kept as they were, in the history
    archived = Classification.objects.values_list(
        "entity_id", "credit_class", "score", "model_version_id", "classified_at"
    )
    assert set(before) <= set(archived)
    assert set(CreditStanding.objects.values_list("model_version_id", flat=True)) == {new.pk}
    assert CreditStanding.objects.get(entity=entities["haishu"]).score == 33  # 30 listed + 3 industry
    assert first.pk != new.pk
    bad = client.post(
        "/credit/models/new/", {"version": "2026.2", "valid_from": "2026-12-01", "threshold_B": "50"}
    )
    assert "阈值" in bad.content.decode() and not ScoringModel.objects.filter(version="2026.2").exists()
    assert (
        client_for(UserFactory(username="t_other_dept", role=Role.DEPARTMENT))
        .get("/credit/models/")
        .status_code
        == 403
    )


def test_repair_evidence_reaches_the_decider_and_a_bad_decision_keeps_what_was_typed(
    entities, enterprise_user, data, users, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(enterprise_user)
    entry = entities["haishu"].list_entries.get()
    proof = SimpleUploadedFile(
        "年报公示截图.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png"
    )
    response = client.post(
        f"/credit/mine/apply/entry/{entry.pk}/",
        {"statement": "已补报年度报告", "commitment": "on", "evidence": [proof]},
    )
    assert response.status_code == 302
    application = RepairApplication.objects.get()
    evidence = application.evidence.get()
    officer = client_for(users["haishu"])
    page = officer.get(f"/credit/repairs/{application.pk}/decide/").content.decode()
    assert "已补报年度报告" in page and "年报公示截图.png" in page and "data-confirm" in page
    assert officer.get(f"/credit/repairs/evidence/{evidence.pk}/").status_code == 200
    assert client_for(users["yinzhou"]).get(f"/credit/repairs/evidence/{evidence.pk}/").status_code == 404
    response = officer.post(
        f"/credit/repairs/{application.pk}/decide/", {"approve": "1", "reason": "材料齐全"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "材料齐全" in page and 'aria-invalid="true"' in page
    application.refresh_from_db()
    assert application.status == "submitted"


def test_repair_evidence_of_an_unsupported_kind_is_refused(
    entities, enterprise_user, data, users, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(enterprise_user)
    entry = entities["haishu"].list_entries.get()
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    client.post(
        f"/credit/mine/apply/entry/{entry.pk}/",
        {"statement": "已补报年度报告", "commitment": "on", "evidence": [script]},
    )
    assert not RepairApplication.objects.exists()


def test_a_district_sees_its_grassroots_offices_and_the_city_a_totals_row(users, entities, data):
    page = client_for(users["haishu"]).get("/credit/").content.decode()
    assert 'id="by-office"' in page and 'data-chart="office-chart-data"' in page
    city = client_for(users["admin"]).get("/credit/").content.decode()
    assert 'id="by-office"' not in city and 'class="totals"' in city


# --- a refused form comes back with what was typed, beside its fields, and nothing changed ------------


def test_a_refused_repair_application_keeps_what_was_typed_beside_its_item(entities, enterprise_user, data):
    client = client_for(enterprise_user)
    entry = entities["haishu"].list_entries.get()
    page = client.get("/credit/mine/").content.decode()
    assert 'class="apply"' in page and "data-confirm" in page
    # Given a statement typed but the commitment left unticked
    response = client.post(f"/credit/mine/apply/entry/{entry.pk}/", {"statement": "已于11月补报2025年度报告"})
    page = response.content.decode()
    # Then the page comes back (400) with the statement as typed and the refusal beside the checkbox
    assert response.status_code == 400
    assert "已于11月补报2025年度报告</textarea>" in page
    assert "请勾选信用承诺" in page and 'aria-invalid="true"' in page
    assert f'id="id_entry{entry.pk}_commitment"' in page
    assert not RepairApplication.objects.exists()
    # And an empty statement is refused by the form with a Chinese message, the ticked box kept
    response = client.post(f"/credit/mine/apply/entry/{entry.pk}/", {"statement": " ", "commitment": "on"})
    page = response.content.decode()
    assert response.status_code == 400 and "这个字段是必填项" in page
    assert f'id="id_entry{entry.pk}_commitment" checked' in page or "checked" in page
    assert not RepairApplication.objects.exists()


def test_the_officers_credit_forms_keep_what_was_typed_on_a_refusal(users, entities, data):
    client = client_for(users["haishu"])
    firm = entities["haishu"]
    records_before = CreditRecord.objects.count()
    # A penalty without its decision number
    response = client.post(
        f"/credit/entities/{firm.uscc}/penalties/",
        {"title": "发布虚假广告", "occurred_on": "2026-11-02", "measures": ["fine"], "sector": "general"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="发布虚假广告"' in page
    assert 'id="penalty-form" novalidate' in page and "<details open>" in page
    assert CreditRecord.objects.count() == records_before
    # A listing dated tomorrow: the service's refusal sits beside the date
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"/credit/entities/{firm.uscc}/abnormal/",
        {"ground": "unreachable", "entered_on": tomorrow, "reason": "住所无法联系，已公告"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="住所无法联系，已公告"' in page
    assert "不能晚于今天" in page and f'value="{tomorrow}"' in page
    assert firm.list_entries.count() == 1
    # A serious-list proposal without a reason, from the entry's row
    entry = firm.list_entries.get()
    response = client.post(f"/credit/lists/{entry.pk}/propose-serious/", {"reason": ""})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    # The 鄞州 officer withdraws a record without a reason: the date typed stays, nothing is withdrawn
    yinzhou = client_for(users["yinzhou"])
    record = data["public"]
    response = yinzhou.post(
        f"/credit/records/{record.pk}/withdraw/", {"revoked_on": "2026-10-09", "reason": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="2026-10-09"' in page and "<details open>" in page
    assert "确认撤下该记录" in page
    record.refresh_from_db()
    assert record.withdrawn_on is None


def test_a_review_without_an_opinion_comes_back_and_decides_nothing(users, entities, data):
    from zhijian.credit.models import ListDecision

    firm = entities["yinzhou"]
    old = services.enter_list(
        actor=SystemActor("test"),
        entity=firm,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.ANNUAL_REPORT,
        entered_on=dt.date(2022, 6, 1),
        reason="未按期公示2021年度报告",
    )
    decision = services.propose_serious_listing(
        actor=users["yinzhou"], entity=firm, ground="abnormal_3y", reason="届满3年仍未履行", source_entry=old
    )
    reviewer = client_for(users["department"])
    assert "确认驳回该申请" in reviewer.get("/credit/").content.decode()
    response = reviewer.post(f"/credit/decisions/{decision.pk}/review/", {"approve": "0", "note": ""})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == ListDecision.Status.PENDING
