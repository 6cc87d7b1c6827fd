"""Cockpit figures per jurisdiction and period, and the public announcements of passes and failures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from tests.sampling.conftest import CAKE_PASS, items_of
from zhijian.core.access import SystemActor
from zhijian.core.models import Deadline
from zhijian.sampling import services
from zhijian.sampling.figures import figures_by_jurisdiction, residents_of, sampling_figures
from zhijian.sampling.models import Announcement, PostProcessingCase, Sample, SamplingPlan, SamplingTask

pytestmark = pytest.mark.django_db
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def take(
    task, parties, *, values=CAKE_PASS, lab=None, reported=dt.date(2026, 9, 20), sampled=dt.date(2026, 9, 1)
):
    sample = services.register_sample(
        actor=SystemActor("cli"),
        task=task,
        product_name="桃酥",
        sampled_on=sampled,
        seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
        producer=services.PartyIn(parties["producer"].name, parties["producer"].uscc),
    )
    if reported is None:
        return sample
    return services.record_results(
        actor=SystemActor("cli"),
        sample=sample,
        report_no=f"R{sample.pk}",
        reported_on=reported,
        received_on=sampled + dt.timedelta(days=2),
        items=items_of(sample, **values),
    )


@pytest.fixture
def evaluative_task(food_task):
    plan = SamplingPlan.objects.create(year=2026, kind="food", purpose="evaluation", title="评价性抽检")
    return SamplingTask.objects.create(
        plan=plan,
        category=food_task.category,
        stage="circulation",
        jurisdiction=food_task.jurisdiction,
        laboratory=food_task.laboratory,
        quota=10,
        due_on=dt.date(2026, 12, 1),
    )


def test_the_figures_of_a_district(food_task, evaluative_task, product_task, parties, users):
    for _ in range(3):
        take(evaluative_task, parties)
    take(evaluative_task, parties, values={**CAKE_PASS, "sorbic": "1.2"})  # 1 of 4 evaluative fails
    take(food_task, parties, reported=dt.date(2026, 10, 30))  # 20 working days from 09-03 end on 10-08: late
    take(food_task, parties, reported=None)  # still at the laboratory
    take(product_task, parties, values={"resistance": "7.0", "thickness": "0.9"})

    figures = sampling_figures(users["haishu"], start=YEAR[0], end=YEAR[1])
    assert figures.jurisdiction == "330203" and figures.residents == 1_047_000
    assert figures.food_batches == 6 and figures.circulation_product_batches == 1
    assert figures.food_batches_per_thousand == Decimal("0.01")  # 6 / 1,047,000 × 1000, to two places
    assert (figures.evaluative_judged, figures.evaluative_passed, figures.evaluative_pass_rate) == (4, 3, 75)
    assert (figures.reported, figures.reported_on_time) == (6, 5)
    # one failure, two cases (海曙 and 鄞州): the 海曙 figure counts 海曙's case only
    assert (figures.failed, figures.closure_base, figures.closure_done, figures.closure_rate) == (1, 1, 0, 0)


def test_city_figures_count_samples_whose_every_case_is_closed(food_task, parties, users):
    failed = take(food_task, parties, values={**CAKE_PASS, "sorbic": "1.2"})
    PostProcessingCase.objects.filter(sample=failed, party="seller").update(status="closed")
    city = sampling_figures(users["admin"], start=YEAR[0], end=YEAR[1])
    assert city.jurisdiction == "" and city.residents == 9_404_283
    assert (city.closure_base, city.closure_done) == (1, 0)  # 鄞州's case is still open
    rows = {r.jurisdiction: r for r in figures_by_jurisdiction(users["admin"], start=YEAR[0], end=YEAR[1])}
    assert set(rows) == {"330203"}  # samples are counted where they were taken
    assert (rows["330203"].closure_base, rows["330203"].closure_done) == (1, 1)


def test_zones_have_no_resident_figure_of_their_own(city):
    assert residents_of(city["3302Z1"], 2026) is None
    assert residents_of(city["330212"], 2030) == 1_608_000  # the latest figure before the year


def test_figures_api_reports_percentages(food_task, parties, users):
    from django.test import Client

    take(food_task, parties)
    client = Client()
    client.force_login(users["admin"])
    reply = client.get("/api/v1/sampling/figures", {"start": "2026-01-01", "end": "2026-12-31"}).json()
    assert reply["total"]["food_batches"] == 1 and reply["total"]["on_time_report_rate"] == 100.0
    assert [r["jurisdiction"] for r in reply["by_jurisdiction"]] == ["330203"]
    assert (
        client.get("/api/v1/sampling/figures", {"start": "2026-12-01", "end": "2026-01-01"}).status_code
        == 400
    )


def test_an_announcement_lists_passes_and_failures_once_the_retest_window_has_passed(
    food_task, parties, users
):
    passed = take(food_task, parties)
    failed = take(food_task, parties, values={**CAKE_PASS, "sorbic": "1.25"})
    services.serve_result(actor=users["haishu"], sample=failed, served_on=dt.date(2026, 9, 21))
    window = Deadline.objects.get(object_id=str(failed.pk), kind="retest_request")
    Deadline.objects.filter(pk=window.pk).update(due=dt.date.today())  # the window is still open today
    held = services.compile_announcement(
        actor=users["admin"],
        kind="food",
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 9, 30),
        issue="第1期",
    )
    assert (held.passes, held.failures) == (1, 0)
    Deadline.objects.filter(pk=window.pk).update(due=dt.date(2026, 10, 8))
    later = services.compile_announcement(
        actor=users["admin"],
        kind="food",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        issue="第2期",
    )
    assert (later.passes, later.failures) == (0, 1)
    assert Sample.objects.get(pk=passed.pk).announcement == held

    client = Client()
    assert client.get(f"/public/sampling/{later.pk}/").status_code == 404  # a draft is not public
    services.publish_announcement(actor=users["admin"], announcement=later, published_on=dt.date(2026, 11, 2))
    page = client.get(f"/public/sampling/{later.pk}/").content.decode()
    assert failed.seller_name in page and "山梨酸及其钾盐（以山梨酸计）（1.25 g/kg｜≤1 g/kg）" in page
    assert later.title in client.get("/public/sampling/").content.decode()
    api = client.get(f"/api/v1/sampling/announcements/{later.pk}").json()
    assert [s["sample_no"] for s in api["failed_samples"]] == [failed.sample_no]
    # the public reads the announced sample's results, and nothing else
    assert client.get(f"/api/v1/sampling/announcements/{held.pk}").status_code == 404


def test_only_the_city_compiles_and_publishes(food_task, users):
    with pytest.raises(services.NotAllowed):
        services.compile_announcement(
            actor=users["haishu"],
            kind="food",
            period_start=dt.date(2026, 9, 1),
            period_end=dt.date(2026, 9, 30),
            issue="x",
        )
    assert not Announcement.objects.exists()
