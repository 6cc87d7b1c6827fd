"""The chain from sample to closed loop: deadlines, results, events, cases in both districts."""

import datetime as dt

import pytest

from tests.factories import make_uscc
from tests.sampling.conftest import CAKE_PASS, items_of
from zhijian.core import audit
from zhijian.core.models import AuditEntry, Deadline, OutboxEvent
from zhijian.sampling import services
from zhijian.sampling.models import (
    CaseStatus,
    LoopStatus,
    OutsideNotice,
    PostProcessingCase,
    Sample,
    TestResult,
)

pytestmark = pytest.mark.django_db

SAMPLED = dt.date(2026, 9, 1)


def register(task, users, parties, *, producer=None, sampled_on=SAMPLED):
    producer = producer or services.PartyIn(parties["producer"].name, parties["producer"].uscc)
    return services.register_sample(
        actor=users["haishu"],
        task=task,
        product_name="绿豆糕",
        brand="甬禾",
        specification="200g/盒",
        production_date=dt.date(2026, 8, 20),
        sampled_on=sampled_on,
        seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
        producer=producer,
    )


def report(sample, lab_user, **values):
    return services.record_results(
        actor=lab_user,
        sample=sample,
        report_no="T1-2026-0001",
        reported_on=dt.date(2026, 9, 20),
        received_on=dt.date(2026, 9, 3),
        items=items_of(sample, **{**CAKE_PASS, **values}),
    )


def test_registration_resolves_both_parties_and_sets_the_delivery_deadline(food_task, users, parties):
    sample = register(food_task, users, parties)
    assert sample.sample_no == "DC2633020300001"
    assert sample.seller == parties["seller"] and sample.seller_jurisdiction.code == "330203"
    assert sample.producer == parties["producer"] and sample.producer_jurisdiction.code == "330212"
    deadline = Deadline.objects.get(object_type="sampling.Sample", object_id=str(sample.pk), kind="at_lab")
    assert deadline.due == dt.date(2026, 9, 8)  # 5 working days after Tue 2026-09-01
    assert AuditEntry.objects.filter(action="sampling.sample.register", object_id=str(sample.pk)).exists()


def test_a_seller_of_another_district_is_refused(food_task, users, parties):
    with pytest.raises(services.SamplingError, match="不在本任务的抽样辖区"):
        services.register_sample(
            actor=users["haishu"],
            task=food_task,
            product_name="绿豆糕",
            sampled_on=SAMPLED,
            seller=services.PartyIn(parties["yinzhou_shop"].name, parties["yinzhou_shop"].uscc),
            producer=services.PartyIn(""),
        )
    assert not Sample.objects.exists()


def test_a_district_cannot_register_under_another_districts_task(food_task, users, parties):
    with pytest.raises(services.NotAllowed):
        services.register_sample(
            actor=users["yinzhou"],
            task=food_task,
            product_name="绿豆糕",
            sampled_on=SAMPLED,
            seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
            producer=services.PartyIn(""),
        )


def test_passing_result_concludes_the_sample_and_opens_nothing(food_task, users, parties, lab_users):
    sample = report(register(food_task, users, parties), lab_users["T1"])
    assert (sample.status, sample.judgement, sample.initial_judgement) == ("reported", "pass", "pass")
    assert sample.loop_status == ""
    assert TestResult.objects.filter(sample=sample).count() == len(CAKE_PASS)
    report_deadline = Deadline.objects.get(object_id=str(sample.pk), kind="report")
    assert report_deadline.start == dt.date(2026, 9, 3)
    # 20 working days from Thu 2026-09-03: Sun 09-20 is worked, 09-25 (中秋) and 10-01..10-07 are off
    assert report_deadline.due == dt.date(2026, 10, 8)
    assert not PostProcessingCase.objects.exists()
    assert not OutboxEvent.objects.filter(topic="sampling.sample_failed").exists()


def test_cross_district_failure_opens_a_case_in_each_district_and_emits_the_event(
    food_task, users, parties, lab_users
):
    sample = report(register(food_task, users, parties), lab_users["T1"], sorbic="1.5", benzoic="0.08")
    assert sample.judgement == "fail" and sample.loop_status == LoopStatus.OPEN
    cases = {c.party: c for c in PostProcessingCase.objects.filter(sample=sample)}
    assert cases["seller"].jurisdiction.code == "330203" and cases["seller"].entity == parties["seller"]
    assert cases["producer"].jurisdiction.code == "330212" and cases["producer"].entity == parties["producer"]
    disposal = Deadline.objects.get(
        object_type="sampling.PostProcessingCase", object_id=str(cases["seller"].pk)
    )
    assert disposal.due == dt.date(2026, 12, 19)  # 90 days (日) after 2026-09-20
    event = OutboxEvent.objects.get(topic="sampling.sample_failed")
    assert event.payload == {
        "sample_id": sample.pk,
        "sample_no": sample.sample_no,
        "kind": "food",
        "category": "糕点",
        "product": "绿豆糕",
        "judged_on": "2026-09-20",
        "seller_uscc": parties["seller"].uscc,
        "producer_uscc": parties["producer"].uscc,
        "failed_items": ["苯甲酸及其钠盐（以苯甲酸计）", "山梨酸及其钾盐（以山梨酸计）"],
        "lab": "测试食品检验所一",
    }
    assert audit.verify()[1] == []


def _close(case, user, *, rectify=True):
    services.add_measure(
        actor=user, case=case, kind="removal", taken_on=dt.date(2026, 9, 22), note="下架12盒"
    )
    if rectify:
        services.add_measure(actor=user, case=case, kind="rectify", taken_on=dt.date(2026, 9, 22))
        services.add_recheck(actor=user, case=case, checked_on=dt.date(2026, 10, 20), passed=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.add_evidence(
        actor=user,
        case=case,
        uploaded=SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 test"),
        description="整改报告",
    )
    return services.close_case(
        actor=user, case=case, closed_on=dt.date(2026, 10, 21), conclusion="已下架并整改到位"
    )


def test_closure_needs_both_districts(food_task, users, parties, lab_users, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    sample = report(register(food_task, users, parties), lab_users["T1"], sorbic="1.5")
    seller_case = PostProcessingCase.objects.get(sample=sample, party="seller")
    producer_case = PostProcessingCase.objects.get(sample=sample, party="producer")

    # 海曙 cannot touch 鄞州's case, nor the other way round
    with pytest.raises(services.NotAllowed):
        services.add_measure(
            actor=users["haishu"], case=producer_case, kind="removal", taken_on=dt.date(2026, 9, 22)
        )

    _close(seller_case, users["haishu"])
    sample.refresh_from_db()
    assert sample.loop_status == LoopStatus.OPEN  # the producer's case is still open

    _close(producer_case, users["yinzhou"])
    sample.refresh_from_db()
    assert sample.loop_status == LoopStatus.CLOSED and sample.loop_closed_on == dt.date(2026, 10, 21)
    assert AuditEntry.objects.filter(action="sampling.loop.close", object_id=str(sample.pk)).exists()


def test_a_case_does_not_close_without_evidence_or_a_passed_recheck(food_task, users, parties, lab_users):
    sample = report(register(food_task, users, parties), lab_users["T1"], sorbic="1.5")
    case = PostProcessingCase.objects.get(sample=sample, party="seller")
    with pytest.raises(services.SamplingError, match="尚未记录任何处置措施"):
        services.close_case(actor=users["haishu"], case=case, closed_on=dt.date(2026, 10, 1), conclusion="x")
    services.add_measure(actor=users["haishu"], case=case, kind="rectify", taken_on=dt.date(2026, 9, 22))
    with pytest.raises(services.SamplingError, match="尚未上传证据材料"):
        services.close_case(actor=users["haishu"], case=case, closed_on=dt.date(2026, 10, 1), conclusion="x")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(services.SamplingError, match="证据材料须为"):
        services.add_evidence(
            actor=users["haishu"], case=case, uploaded=SimpleUploadedFile("a.exe", b"MZ"), description="x"
        )
    services.add_evidence(
        actor=users["haishu"], case=case, uploaded=SimpleUploadedFile("a.pdf", b"%PDF"), description="x"
    )
    services.add_recheck(actor=users["haishu"], case=case, checked_on=dt.date(2026, 9, 30), passed=False)
    with pytest.raises(services.SamplingError, match="复查且整改到位"):
        services.close_case(actor=users["haishu"], case=case, closed_on=dt.date(2026, 10, 1), conclusion="x")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_producer_outside_the_city_gets_a_notice_and_blocks_the_loop_until_sent(
    food_task, users, parties, lab_users
):
    outside = services.PartyIn("苏州甬禾食品有限公司", make_uscc("320500"), region="江苏省苏州市")
    sample = report(register(food_task, users, parties, producer=outside), lab_users["T1"], sorbic="1.5")
    assert list(PostProcessingCase.objects.filter(sample=sample).values_list("party", flat=True)) == [
        "seller"
    ]
    notice = OutsideNotice.objects.get(sample=sample)
    assert notice.region == "江苏省苏州市" and notice.sent_on is None
    event = OutboxEvent.objects.get(topic="sampling.sample_failed")
    assert event.payload["producer_uscc"] is None  # outside the register


def test_producer_in_the_city_but_not_in_the_register_is_traced_by_its_code(
    food_task, users, parties, lab_users
):
    unregistered = services.PartyIn("宁波未登记食品厂", make_uscc("330212"))
    sample = report(register(food_task, users, parties, producer=unregistered), lab_users["T1"], sorbic="1.5")
    producer_case = PostProcessingCase.objects.get(sample=sample, party="producer")
    assert producer_case.jurisdiction.code == "330212" and producer_case.entity is None


def test_only_the_samples_laboratory_may_report_and_only_once(food_task, users, parties, lab_users):
    sample = register(food_task, users, parties)
    with pytest.raises(services.NotAllowed):
        report(sample, lab_users["T2"])
    with pytest.raises(services.NotAllowed):
        report(sample, users["haishu"])
    report(sample, lab_users["T1"])
    with pytest.raises(services.SamplingError, match="已出具检验报告"):
        report(sample, lab_users["T1"])


def test_bad_result_changes_nothing(food_task, users, parties, lab_users):
    sample = register(food_task, users, parties)
    before = AuditEntry.objects.count()
    with pytest.raises(services.SamplingError, match="山梨酸.*无法识别的单位"):
        services.record_results(
            actor=lab_users["T1"],
            sample=sample,
            report_no="R1",
            reported_on=dt.date(2026, 9, 20),
            received_on=dt.date(2026, 9, 3),
            items=[services.ItemIn(items_of(sample, sorbic="1")[0].item_id, "0.3", "斤")],
        )
    sample.refresh_from_db()
    assert (
        sample.status == "sampled"
        and not TestResult.objects.exists()
        and AuditEntry.objects.count() == before
    )


def test_overdue_cases_are_escalated_to_the_city_department(food_task, users, parties, lab_users):
    sample = report(register(food_task, users, parties), lab_users["T1"], sorbic="1.5")
    assert (
        services.escalate_overdue_cases(actor=users["admin"], today=dt.date(2026, 12, 19)) == 0
    )  # due that day
    assert services.escalate_overdue_cases(actor=users["admin"], today=dt.date(2026, 12, 20)) == 2
    case = PostProcessingCase.objects.filter(sample=sample).first()
    assert case.escalated_on == dt.date(2026, 12, 20) and case.escalated_to.code == "food_coordination"
    assert (
        services.escalate_overdue_cases(actor=users["admin"], today=dt.date(2026, 12, 21)) == 0
    )  # once only
    with pytest.raises(services.NotAllowed):
        services.escalate_overdue_cases(actor=users["haishu"])
