"""Spot-check results propose the abnormal list (列入经营异常名录建议); officers confirm or reject.

A proposal is not a listing: not public, not counted in classification, until an officer of the
entity's district (or of the city bureau) confirms it through ``enter_list``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, EntityFactory, UserFactory
from zhijian.core import events
from zhijian.core.access import SystemActor
from zhijian.core.models import AuditEntry, Deadline, Role
from zhijian.core.tokens import issue_token
from zhijian.credit import services, subscribers
from zhijian.credit.classify import rescore_all
from zhijian.credit.models import (
    CreditList,
    CreditNotice,
    CreditStanding,
    ListEntry,
    ListGround,
    ListingProposal,
)
from zhijian.inspections.models import ResultCode

pytestmark = pytest.mark.django_db

UNREACHABLE = ("unreachable", "通过登记的住所（经营场所）无法联系")
FALSE_DISCLOSURE = ("false_disclosure", "公示信息隐瞒真实情况弄虚作假")
FOUND_ON = timezone.localdate() - dt.timedelta(days=7)


@pytest.fixture
def firm(haishu):
    return EntityFactory(
        jurisdiction=haishu,
        name="宁波海曙失联贸易有限公司",
        established_on=dt.date(2010, 1, 1),
        industry_code="C2911",
    )


def result(firm, code_label, inspection_id=601, **extra):
    code, label = code_label
    return {
        "inspection_id": inspection_id,
        "task_id": 31,
        "entity_id": firm.pk,
        "uscc": firm.uscc,
        "result_code": code,
        "result_label": label,
        "completed_on": FOUND_ON.isoformat(),
        "department": "海曙区市场监督管理局",
        "legal_basis": "《企业信息公示暂行条例》第十四条",
        "public": True,
        "task_title": "2026年海曙区企业公示信息抽查",
        "verification_code": "K7M2Q9X4T8VB",
        **extra,
    }


def emit(payload):
    with transaction.atomic():
        event = events.emit("inspections.result_recorded", payload)
    events.relay_once()
    return event


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def api_for(user):
    token, _ = issue_token(user)
    return Client(headers={"Authorization": f"Bearer {token}"})


def public_report(firm) -> str:
    return Client().get(f"/credit/report/{firm.uscc}/").content.decode()


@pytest.fixture
def proposal(firm):
    emit(result(firm, UNREACHABLE))
    return ListingProposal.objects.get(entity=firm)


def test_an_unreachable_result_proposes_the_abnormal_list_once_citing_the_inspection(firm):
    # Given a classified firm
    rescore_all(actor=SystemActor("test"))
    # When the spot-check result "unreachable" is relayed, and the same event is offered again
    event = emit(result(firm, UNREACHABLE))
    subscribers.propose_abnormal_listing(event)
    emit(result(firm, UNREACHABLE))
    # Then there is exactly one open proposal on the matching ground, citing the inspection
    proposal = ListingProposal.objects.get()
    assert (proposal.entity, proposal.list, proposal.ground, proposal.status) == (
        firm,
        CreditList.ABNORMAL,
        ListGround.UNREACHABLE,
        ListingProposal.Status.OPEN,
    )
    assert proposal.source_ref == "inspections.inspection:601" and proposal.inspection_id == 601
    assert (proposal.source_title, proposal.finding, proposal.found_on, proposal.verification_code) == (
        "2026年海曙区企业公示信息抽查",
        "通过登记的住所（经营场所）无法联系",
        FOUND_ON,
        "K7M2Q9X4T8VB",
    )
    assert "2026年海曙区企业公示信息抽查" in proposal.reason and "无法联系" in proposal.reason
    assert "K7M2Q9X4T8VB" not in proposal.reason  # the reason becomes public on confirmation; the code not
    assert AuditEntry.objects.filter(action="credit.proposal_create", object_id=str(proposal.pk)).count() == 1
    # and it is no listing: nothing on the lists, nothing public, not a factor of the class
    assert not ListEntry.objects.filter(entity=firm).exists()
    assert "经营异常名录" not in public_report(firm)
    standing = CreditStanding.objects.get(entity=firm)
    assert "abnormal_list" not in [code for code, _label, _points in standing.factors()]
    rescore_all(actor=SystemActor("test"))
    assert "abnormal_list" not in [c for c, _l, _p in CreditStanding.objects.get(entity=firm).factors()]
    assert not CreditNotice.objects.filter(entity=firm).exists()  # the enterprise is not told of a proposal


def test_false_public_information_proposes_the_false_info_ground(firm):
    emit(result(firm, FALSE_DISCLOSURE))
    assert ListingProposal.objects.get().ground == ListGround.FALSE_INFO


@pytest.mark.parametrize(
    "code", sorted(set(ResultCode.values) - {ResultCode.UNREACHABLE, ResultCode.FALSE_DISCLOSURE})
)
def test_other_result_codes_propose_nothing(firm, code):
    emit(result(firm, (code, str(ResultCode(code).label))))
    assert not ListingProposal.objects.exists()


def test_the_decision_is_due_ten_working_days_after_the_finding(firm):
    # Friday 2026-09-25: the National Day holidays are skipped, Saturday 10-10 is worked
    emit(result(firm, UNREACHABLE, completed_on="2026-09-25"))
    proposal = ListingProposal.objects.get()
    deadline = Deadline.objects.get(object_type="credit.ListingProposal", object_id=str(proposal.pk))
    assert (deadline.due, deadline.provisional, deadline.working_days) == (dt.date(2026, 10, 15), False, 10)


def test_confirmation_lists_the_entity_publicly_notifies_it_and_counts_in_its_class(firm, proposal, users):
    rescore_all(actor=SystemActor("test"))
    before_class = CreditStanding.objects.get(entity=firm).credit_class
    # When the 海曙 officer confirms with a decision number
    services.confirm_listing_proposal(
        actor=users["haishu"], proposal=proposal, decision_no="甬海市监异列〔2026〕17号"
    )
    # Then the entity is on the abnormal list, in force, through enter_list
    proposal.refresh_from_db()
    entry = ListEntry.objects.get(entity=firm)
    assert proposal.status == ListingProposal.Status.CONFIRMED and proposal.entry == entry
    assert (entry.list, entry.ground, entry.status, entry.entered_on) == (
        CreditList.ABNORMAL,
        ListGround.UNREACHABLE,
        ListEntry.Status.IN_FORCE,
        timezone.localdate(),
    )
    assert entry.decision_no == "甬海市监异列〔2026〕17号"
    assert entry.authority == "海曙区市场监督管理局" and entry.entry_reason == proposal.reason
    assert proposal.decided_by == users["haishu"]
    # the public credit report shows it
    report = public_report(firm)
    assert f'data-entry="{entry.pk}"' in report and "经营异常名录" in report
    # the enterprise has its notice
    notice = CreditNotice.objects.get(entity=firm, title="列入经营异常名录")
    assert "甬海市监异列〔2026〕17号" in notice.body and "通过登记的住所或者经营场所无法联系" in notice.body
    # the class counts it (reclassed at once, and after a batch)
    standing = CreditStanding.objects.get(entity=firm)
    assert "abnormal_list" in [c for c, _l, _p in standing.factors()]
    rescore_all(actor=SystemActor("test"))
    standing = CreditStanding.objects.get(entity=firm)
    assert "abnormal_list" in [c for c, _l, _p in standing.factors()]
    assert standing.credit_class > before_class
    # audited with before and after
    audit = AuditEntry.objects.get(action="credit.proposal_confirm", object_id=str(proposal.pk))
    assert audit.before["status"] == "open" and audit.after["status"] == "confirmed"
    assert audit.after["entry_id"] == entry.pk
    assert AuditEntry.objects.filter(action="credit.list_enter", object_id=str(entry.pk)).exists()


def test_rejection_lists_nothing_and_needs_a_reason(firm, proposal, users):
    with pytest.raises(services.CreditError) as refused:
        services.reject_listing_proposal(actor=users["haishu"], proposal=proposal, reason="  ")
    assert refused.value.code == "reason_required"
    services.reject_listing_proposal(
        actor=users["haishu"], proposal=proposal, reason="经核实企业已办理住所变更登记，可以联系"
    )
    proposal.refresh_from_db()
    assert proposal.status == ListingProposal.Status.REJECTED
    assert proposal.decision_reason == "经核实企业已办理住所变更登记，可以联系"
    assert not ListEntry.objects.filter(entity=firm).exists()
    assert "经营异常名录" not in public_report(firm)
    audit = AuditEntry.objects.get(action="credit.proposal_reject", object_id=str(proposal.pk))
    assert (audit.before["status"], audit.after["status"]) == ("open", "rejected")
    # a decided proposal cannot be decided again
    with pytest.raises(services.CreditError) as again:
        services.confirm_listing_proposal(actor=users["haishu"], proposal=proposal, decision_no="X")
    assert again.value.code == "decided"


def test_confirmation_refuses_bad_input_and_changes_nothing(firm, proposal, users):
    for kwargs, code in (
        ({"decision_no": " "}, "decision_no_required"),
        ({"decision_no": "X", "entered_on": FOUND_ON - dt.timedelta(days=1)}, "bad_date"),
        ({"decision_no": "X", "entered_on": timezone.localdate() + dt.timedelta(days=1)}, "future_date"),
    ):
        with pytest.raises(services.CreditError) as refused:
            services.confirm_listing_proposal(actor=users["haishu"], proposal=proposal, **kwargs)
        assert refused.value.code == code
    proposal.refresh_from_db()
    assert proposal.status == ListingProposal.Status.OPEN
    assert not ListEntry.objects.exists() and not CreditNotice.objects.exists()


def test_a_firm_listed_on_that_ground_meanwhile_cannot_be_listed_twice(firm, proposal, users):
    services.enter_list(
        actor=users["haishu"],
        entity=firm,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        entered_on=FOUND_ON,
        reason="另案查实",
    )
    with pytest.raises(services.CreditError) as refused:
        services.confirm_listing_proposal(actor=users["haishu"], proposal=proposal, decision_no="X")
    assert refused.value.code == "already_listed"
    proposal.refresh_from_db()
    assert proposal.status == ListingProposal.Status.OPEN and ListEntry.objects.count() == 1


def test_no_proposal_while_the_firm_is_on_the_list_on_that_ground(firm, users):
    services.enter_list(
        actor=users["haishu"],
        entity=firm,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        entered_on=FOUND_ON,
        reason="另案查实",
    )
    emit(result(firm, UNREACHABLE))
    assert not ListingProposal.objects.exists()
    emit(result(firm, FALSE_DISCLOSURE, inspection_id=602))  # another ground still proposes
    assert ListingProposal.objects.get().ground == ListGround.FALSE_INFO


def test_another_districts_officer_gets_404_and_the_inspector_may_not_decide(firm, proposal, users):
    # another district's officer: 404 (the row is out of scope); an inspector: 403 (not her role's work)
    for actor, status, code in (("yinzhou", 404, "not_found"), ("inspector", 403, "forbidden")):
        page = client_for(users[actor]).post(
            f"/credit/proposals/{proposal.pk}/confirm/",
            {"entered_on": timezone.localdate().isoformat(), "decision_no": "X"},
        )
        assert page.status_code == status
        api = api_for(users[actor]).post(
            f"/api/v1/credit/proposals/{proposal.pk}/reject",
            {"reason": "x"},
            content_type="application/json",
        )
        assert api.status_code == status and api.json()["code"] == code
    with pytest.raises(PermissionDenied):
        services.confirm_listing_proposal(actor=users["yinzhou"], proposal=proposal, decision_no="X")
    with pytest.raises(PermissionDenied):
        services.confirm_listing_proposal(
            actor=SystemActor("system:credit"), proposal=proposal, decision_no="X"
        )
    proposal.refresh_from_db()
    assert proposal.status == ListingProposal.Status.OPEN and not ListEntry.objects.exists()


def test_a_corrected_result_withdraws_an_open_proposal_and_a_new_finding_reopens_it(firm, proposal):
    emit(result(firm, ("no_problem", "未发现问题")))
    proposal.refresh_from_db()
    assert proposal.status == ListingProposal.Status.WITHDRAWN
    assert proposal.decision_reason == "检查结果已更正为“未发现问题”" and proposal.decided_by is None
    audit = AuditEntry.objects.get(action="credit.proposal_withdraw", object_id=str(proposal.pk))
    assert (audit.before["status"], audit.after["status"]) == ("open", "withdrawn")
    # corrected again, to a ground of the list: the same proposal opens again, on the new ground
    emit(result(firm, FALSE_DISCLOSURE))
    proposal.refresh_from_db()
    assert ListingProposal.objects.count() == 1
    assert (proposal.status, proposal.ground) == (ListingProposal.Status.OPEN, ListGround.FALSE_INFO)
    assert proposal.decision_reason == ""


def test_a_corrected_result_never_undoes_a_confirmed_listing(firm, proposal, users):
    services.confirm_listing_proposal(
        actor=users["haishu"], proposal=proposal, decision_no="甬海异〔2026〕3号"
    )
    emit(result(firm, ("no_problem", "未发现问题")))
    emit(result(firm, FALSE_DISCLOSURE))
    proposal.refresh_from_db()
    assert proposal.status == ListingProposal.Status.CONFIRMED and proposal.ground == ListGround.UNREACHABLE
    assert ListEntry.objects.get(entity=firm).status == ListEntry.Status.IN_FORCE


def test_a_rejected_proposal_stays_rejected_when_the_event_comes_again(firm, proposal, users):
    services.reject_listing_proposal(actor=users["haishu"], proposal=proposal, reason="已联系上")
    emit(result(firm, UNREACHABLE))
    proposal.refresh_from_db()
    assert proposal.status == ListingProposal.Status.REJECTED and ListingProposal.objects.count() == 1


def test_the_city_bureau_decides_anywhere(firm, proposal, users):
    services.confirm_listing_proposal(
        actor=users["department"], proposal=proposal, decision_no="甬市监异〔2026〕1号"
    )
    assert ListEntry.objects.get(entity=firm).authority == "宁波市市场监督管理局"


def test_the_queue_page_confirms_and_rejects(firm, proposal, users, haishu):
    other = EntityFactory(jurisdiction=haishu, name="宁波海曙另一家有限公司")
    emit(result(other, FALSE_DISCLOSURE, inspection_id=602))
    second = ListingProposal.objects.get(entity=other)
    client = client_for(users["haishu"])
    # Given the 海曙 officer's queue: both open proposals, with their decision deadline
    page = client.get("/credit/proposals/").content.decode()
    assert firm.name in page and other.name in page and "K7M2Q9X4T8VB" in page
    assert f'data-proposal="{proposal.pk}"' in page
    # A confirmation without a decision number is refused with a message and changes nothing
    refused = client.post(
        f"/credit/proposals/{proposal.pk}/confirm/",
        {"entered_on": timezone.localdate().isoformat(), "decision_no": ""},
        follow=True,
    )
    assert "列入决定书文号" in refused.content.decode() and not ListEntry.objects.exists()
    # When she confirms one and rejects the other
    confirmed = client.post(
        f"/credit/proposals/{proposal.pk}/confirm/",
        {"entered_on": timezone.localdate().isoformat(), "decision_no": "甬海异〔2026〕9号", "reason": ""},
        follow=True,
    )
    assert "已将宁波海曙失联贸易有限公司列入经营异常名录" in confirmed.content.decode()
    rejected = client.post(
        f"/credit/proposals/{second.pk}/reject/", {"reason": "公示信息已更正"}, follow=True
    )
    assert "不予列入" in rejected.content.decode()
    # Then the open queue is empty and the decided tabs list them
    assert "暂无" in client.get("/credit/proposals/").content.decode()
    done = client.get("/credit/proposals/?status=confirmed").content.decode()
    assert firm.name in done and "甬海异〔2026〕9号" in done
    assert other.name in client.get("/credit/proposals/?status=rejected").content.decode()


def test_the_queue_shows_on_the_entity_page_and_the_overview(firm, proposal, users):
    client = client_for(users["haishu"])
    assert 'id="open-proposals"' in client.get(f"/credit/entities/{firm.uscc}/").content.decode()
    assert 'id="proposal-count"' in client.get("/credit/").content.decode()
    inspector_overview = client_for(users["inspector"]).get("/credit/").content.decode()
    assert 'id="proposal-count"' not in inspector_overview


def test_api_lists_and_decides_with_error_codes(firm, proposal, users):
    api = api_for(users["haishu"])
    listed = api.get("/api/v1/credit/proposals").json()
    assert [p["id"] for p in listed["items"]] == [proposal.pk] and listed["has_more"] is False
    item = listed["items"][0]
    assert (item["ground"], item["verification_code"], item["found_on"]) == (
        "unreachable",
        "K7M2Q9X4T8VB",
        FOUND_ON.isoformat(),
    )
    assert item["decision_due"] is not None
    assert api.get("/api/v1/credit/proposals?status=nonsense").json()["code"] == "bad_status"
    missing = api.post(
        f"/api/v1/credit/proposals/{proposal.pk}/confirm",
        {"decision_no": ""},
        content_type="application/json",
    )
    assert missing.status_code == 400 and missing.json()["code"] == "decision_no_required"
    done = api.post(
        f"/api/v1/credit/proposals/{proposal.pk}/confirm",
        {"decision_no": "甬海异〔2026〕5号"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["status"] == "confirmed" and done.json()["list_entry_id"] == ListEntry.objects.get().pk
    again = api.post(
        f"/api/v1/credit/proposals/{proposal.pk}/reject", {"reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 400 and again.json()["code"] == "decided"
    assert api.get("/api/v1/credit/proposals?status=confirmed").json()["items"][0]["id"] == proposal.pk
    enterprise = UserFactory(username="t_ent_p", role=Role.ENTERPRISE, entity_uscc=firm.uscc)
    refused = api_for(enterprise).get("/api/v1/credit/proposals")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_a_result_recorded_by_the_inspections_app_proposes_with_its_code_also_when_looked_up(city, users):
    from tests.inspections.factories import CheckItemFactory, drawn, firms, inspector_user, plan_for, task_for
    from zhijian.inspections import services as inspections
    from zhijian.inspections.models import Inspection

    # Given a firm of 海曙 drawn and assigned
    haishu = city["330203"]
    target = firms(haishu, 1, start=7400)[0]
    zhou = inspector_user("p_zhou", haishu)
    inspector_user("p_li", haishu)
    task = task_for(
        users["haishu"],
        plan_for(users["haishu"], haishu),
        items=[CheckItemFactory(is_key=True)],
        title="2026年海曙区住所核查",
        ratios={"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "1"},
    )
    drawn(users["haishu"], task)
    inspections.assign_inspectors(actor=users["haishu"], task=task)
    inspection = Inspection.objects.get(task=task)
    # When the inspector records "unreachable" and the worker relays the event
    inspections.record_result(
        actor=zhou.user,
        inspection=inspection,
        result_code=ResultCode.UNREACHABLE,
        completed_on=timezone.localdate(),
    )
    events.relay_once()
    # Then the proposal cites the task, the result, the date and the verification code
    proposal = ListingProposal.objects.get(entity=target)
    assert (proposal.source_title, proposal.verification_code, proposal.found_on) == (
        "2026年海曙区住所核查",
        inspection.verification_code,
        timezone.localdate(),
    )
    assert proposal.inspection_id == inspection.pk
    # and an event emitted before the payload carried title and code finds them by lookup
    ListingProposal.objects.all().delete()
    payload = result(target, UNREACHABLE, inspection_id=inspection.pk)
    del payload["task_title"], payload["verification_code"]
    emit(payload)
    proposal = ListingProposal.objects.get(entity=target)
    assert (proposal.source_title, proposal.verification_code) == (
        "2026年海曙区住所核查",
        inspection.verification_code,
    )


def test_a_refused_decision_comes_back_on_the_proposals_page_with_what_was_typed(firm, proposal, users):
    client = client_for(users["haishu"])
    audited = AuditEntry.objects.count()
    # The queue links each proposal to its own page, whose decisions ask before they are sent
    assert f"/credit/proposals/{proposal.pk}/" in client.get("/credit/proposals/").content.decode()
    page = client.get(f"/credit/proposals/{proposal.pk}/").content.decode()
    assert "确认作出列入经营异常名录决定" in page and "确认不予列入" in page
    # A confirmation without a decision number: its date and explanation stay, the error is beside the field
    day = (FOUND_ON + dt.timedelta(days=2)).isoformat()
    response = client.post(
        f"/credit/proposals/{proposal.pk}/confirm/",
        {"entered_on": day, "decision_no": "", "reason": "经两次实地核查均无法联系"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f'value="{day}"' in page and 'value="经两次实地核查均无法联系"' in page
    assert 'id="id_c_decision_no"' in page and 'aria-invalid="true"' in page and "这个字段是必填项" in page
    # A date before the finding: the service's refusal sits beside the date, the number typed stays
    response = client.post(
        f"/credit/proposals/{proposal.pk}/confirm/",
        {"entered_on": (FOUND_ON - dt.timedelta(days=1)).isoformat(), "decision_no": "甬海异〔2026〕11号"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "列入日期不能早于查实日期" in page
    assert 'value="甬海异〔2026〕11号"' in page
    # A rejection without a reason comes back open, with nothing decided
    response = client.post(f"/credit/proposals/{proposal.pk}/reject/", {"reason": "  "})
    page = response.content.decode()
    assert response.status_code == 400 and '<details class="reject" open>' in page
    assert "请填写不予列入的理由" in page or "这个字段是必填项" in page
    proposal.refresh_from_db()
    assert proposal.status == ListingProposal.Status.OPEN and not ListEntry.objects.exists()
    assert AuditEntry.objects.count() == audited
