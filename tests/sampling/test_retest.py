"""Re-test (复检) and objection (异议): time limits, the random draw that never picks the first lab,
and the re-test outcome that replaces the judgement while both rounds stay on record."""

import datetime as dt

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sampling.conftest import CAKE_PASS, items_of
from zhijian.core.models import OutboxEvent
from zhijian.sampling import services
from zhijian.sampling.draw import DrawError, draw_retest_lab, pick, replay
from zhijian.sampling.models import (
    CaseStatus,
    LoopStatus,
    Objection,
    PostProcessingCase,
    TestItem,
    TestResult,
)

pytestmark = pytest.mark.django_db


def failed_sample(task, users, parties, lab, *, values=None, reported_on=dt.date(2026, 9, 18)):
    sample = services.register_sample(
        actor=users["haishu"],
        task=task,
        product_name="绿豆糕" if task.plan.kind == "food" else "BV电线",
        sampled_on=dt.date(2026, 9, 1),
        seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
        producer=services.PartyIn(parties["producer"].name, parties["producer"].uscc),
    )
    return services.record_results(
        actor=lab,
        sample=sample,
        report_no="R-1",
        reported_on=reported_on,
        received_on=dt.date(2026, 9, 2),
        items=items_of(sample, **(values or {**CAKE_PASS, "sorbic": "1.6"})),
    )


def sorbic(sample):
    return TestItem.objects.get(category_id=sample.category_id, code="sorbic")


def apply(sample, users, applied_on, **extra):
    return services.file_objection(
        actor=users["haishu"],
        sample=sample,
        applicant_uscc=sample.seller_uscc,
        applicant_name=sample.seller_name,
        applied_on=applied_on,
        item_ids=[sorbic(sample).pk],
        **extra,
    )


@given(seed=st.text(min_size=1, max_size=20), first=st.sampled_from(["T1", "T2", "T3"]))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_the_retest_lab_is_never_the_first_lab(labs, seed, first):
    drawn = draw_retest_lab(first_lab_id=labs[first].pk, kind="food", seed=seed)
    assert drawn.laboratory.code != first
    assert drawn.laboratory.retest_qualified  # T4 is not on the list and is never drawn
    assert first not in drawn.candidates and "T4" not in drawn.candidates
    assert drawn.candidates == sorted(drawn.candidates)
    assert pick(seed, drawn.candidates) == drawn.laboratory.code  # the same seed draws the same lab


def test_every_candidate_can_be_drawn(labs):
    drawn = {
        draw_retest_lab(first_lab_id=labs["T1"].pk, kind="food", seed=str(n)).laboratory.code
        for n in range(40)
    }
    assert drawn == {"T2", "T3"}


def test_no_other_qualified_lab_means_no_draw(labs):
    for code in ("T2", "T3"):
        labs[code].retest_qualified = False
        labs[code].save()
    with pytest.raises(DrawError, match="无法抽取复检机构"):
        draw_retest_lab(first_lab_id=labs["T1"].pk, kind="food")


def test_food_retest_request_within_seven_working_days_of_service(food_task, users, parties, lab_users):
    sample = failed_sample(food_task, users, parties, lab_users["T1"])
    with pytest.raises(services.SamplingError, match="尚未送达"):
        apply(sample, users, dt.date(2026, 9, 21))
    services.serve_result(actor=users["haishu"], sample=sample, served_on=dt.date(2026, 9, 21))
    # 7 working days from Mon 09-21: 22 23 24 (25 中秋 off) 28 29 30 | 10-01..07 off | 8 → due 10-08
    with pytest.raises(services.SamplingError, match=r"已超过复检申请期限（应于2026-10-08前提出"):
        apply(sample, users, dt.date(2026, 10, 9))
    assert not Objection.objects.exists()
    objection = apply(sample, users, dt.date(2026, 10, 8), seed="42")
    assert objection.retest_lab.code != "T1"
    assert replay(objection) == objection.retest_lab.code
    assert objection.draw_candidates == ["T2", "T3"]


def test_product_objection_within_fifteen_days(product_task, users, parties, lab_users):
    values = {"resistance": "7.9", "thickness": "0.85", "marking": "符合"}
    sample = failed_sample(product_task, users, parties, lab_users["T3"], values=values)
    services.serve_result(actor=users["haishu"], sample=sample, served_on=dt.date(2026, 9, 25))
    resistance = TestItem.objects.get(category_id=sample.category_id, code="resistance")
    kwargs = dict(
        actor=users["haishu"],
        sample=sample,
        applicant_uscc=sample.producer_uscc,
        applicant_name=sample.producer_name,
        item_ids=[resistance.pk],
    )
    with pytest.raises(services.SamplingError, match="已超过异议期限（应于2026-10-10前提出"):
        services.file_objection(applied_on=dt.date(2026, 10, 11), **kwargs)
    objection = services.file_objection(applied_on=dt.date(2026, 10, 10), **kwargs)
    assert objection.retest_lab.code == "T2"  # the only other product laboratory on the list (T4 is not)


def test_microbiological_failures_are_not_retested_and_only_parties_may_apply(
    food_task, users, parties, lab_users
):
    sample = failed_sample(
        food_task, users, parties, lab_users["T1"], values={**CAKE_PASS, "tpc": "2×10⁵/<10/<10/<10/<10"}
    )
    services.serve_result(actor=users["haishu"], sample=sample, served_on=dt.date(2026, 9, 21))
    tpc = TestItem.objects.get(category_id=sample.category_id, code="tpc")
    with pytest.raises(services.SamplingError, match="微生物指标不合格的不予复检"):
        services.file_objection(
            actor=users["haishu"],
            sample=sample,
            applicant_uscc=sample.seller_uscc,
            applicant_name="x",
            applied_on=dt.date(2026, 9, 22),
            item_ids=[tpc.pk],
        )
    with pytest.raises(services.SamplingError, match="申请人须为被抽样单位或标称生产者"):
        services.file_objection(
            actor=users["haishu"],
            sample=sample,
            applicant_uscc=parties["yinzhou_shop"].uscc,
            applicant_name=parties["yinzhou_shop"].name,
            applied_on=dt.date(2026, 9, 22),
            item_ids=[tpc.pk],
        )


def test_a_reversing_retest_replaces_the_judgement_withdraws_the_cases_and_keeps_both_rounds(
    food_task, users, parties, lab_users
):
    sample = failed_sample(food_task, users, parties, lab_users["T1"])
    services.serve_result(actor=users["haishu"], sample=sample, served_on=dt.date(2026, 9, 21))
    objection = apply(sample, users, dt.date(2026, 9, 23), seed="7")
    retest_lab_user = lab_users[objection.retest_lab.code]
    with pytest.raises(services.NotAllowed):  # the first laboratory cannot enter the re-test
        services.record_retest(
            actor=lab_users["T1"],
            objection=objection,
            report_no="F-1",
            reported_on=dt.date(2026, 10, 9),
            items=[services.ItemIn(sorbic(sample).pk, "0.8")],
        )
    services.record_retest(
        actor=retest_lab_user,
        objection=objection,
        report_no="F-1",
        reported_on=dt.date(2026, 10, 9),
        items=[services.ItemIn(sorbic(sample).pk, "0.8")],
    )
    sample.refresh_from_db()
    assert (sample.initial_judgement, sample.judgement, sample.loop_status) == (
        "fail",
        "pass",
        LoopStatus.WITHDRAWN,
    )
    assert set(PostProcessingCase.objects.filter(sample=sample).values_list("status", flat=True)) == {
        CaseStatus.WITHDRAWN
    }
    rounds = dict(
        TestResult.objects.filter(sample=sample, item=sorbic(sample)).values_list("round", "judgement")
    )
    assert rounds == {1: "fail", 2: "pass"}
    event = OutboxEvent.objects.get(topic="sampling.judgement_reversed")
    assert event.payload == {
        "sample_id": sample.pk,
        "sample_no": sample.sample_no,
        "seller_uscc": parties["seller"].uscc,
        "producer_uscc": parties["producer"].uscc,
        "judged_on": "2026-10-09",
    }
    with pytest.raises(services.SamplingError, match="复检结论为最终检验结论"):
        apply(sample, users, dt.date(2026, 10, 9))


def test_a_confirming_retest_emits_the_failure_again(food_task, users, parties, lab_users):
    sample = failed_sample(food_task, users, parties, lab_users["T1"])
    services.serve_result(actor=users["haishu"], sample=sample, served_on=dt.date(2026, 9, 21))
    objection = apply(sample, users, dt.date(2026, 9, 23), seed="7")
    services.record_retest(
        actor=lab_users[objection.retest_lab.code],
        objection=objection,
        report_no="F-1",
        reported_on=dt.date(2026, 10, 9),
        items=[services.ItemIn(sorbic(sample).pk, "1.4")],
    )
    sample.refresh_from_db()
    assert sample.judgement == "fail" and sample.loop_status == LoopStatus.OPEN
    payloads = [e.payload for e in OutboxEvent.objects.filter(topic="sampling.sample_failed").order_by("id")]
    assert [p["judged_on"] for p in payloads] == ["2026-09-18", "2026-10-09"]
    assert not OutboxEvent.objects.filter(topic="sampling.judgement_reversed").exists()


def test_verify_draw_command(food_task, users, parties, lab_users, capsys):
    sample = failed_sample(food_task, users, parties, lab_users["T1"])
    services.serve_result(actor=users["haishu"], sample=sample, served_on=dt.date(2026, 9, 21))
    objection = apply(sample, users, dt.date(2026, 9, 23), seed="20261001")
    call_command("sampling", "verify-draw", sample.sample_no)
    assert "复核一致" in capsys.readouterr().out
    other = labs_other_than(objection)
    Objection.objects.filter(pk=objection.pk).update(retest_lab=other)  # a tampered record
    with pytest.raises(SystemExit) as exited:
        call_command("sampling", "verify-draw", sample.sample_no)
    assert exited.value.code == 1


def labs_other_than(objection):
    from zhijian.sampling.models import Laboratory

    return (
        Laboratory.objects.filter(code__in=objection.draw_candidates)
        .exclude(pk=objection.retest_lab_id)
        .first()
    )
