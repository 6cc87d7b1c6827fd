"""The firm disclosure (firm first, then the public), statistics and the table 2-1 figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.complaints.conftest import CLI, file
from tests.complaints.test_scoping_matrix import client_for
from zhijian.complaints import queries
from zhijian.complaints.models import Enrolment
from zhijian.complaints.services import firms as firm_services
from zhijian.complaints.services import handling

pytestmark = pytest.mark.django_db


def closed(users, on, agreed=True, **kw):
    case = handling.accept_case(actor=users["haishu"], case=file(on, **kw), on=on)
    handling.record_mediation(
        actor=users["haishu"], case=case, held_on=on, agreed=agreed, note="调解", amount="100"
    )
    outcome = "mediated" if agreed else "terminated"
    return handling.close_case(
        actor=users["haishu"],
        case=case,
        on=on + dt.timedelta(days=2),
        outcome=outcome,
        termination_ground="" if agreed else "no_agreement",
    )


def test_the_firm_sees_its_own_first_then_the_public(firms, users, firm_user):
    today = timezone.localdate()
    recent = closed(users, today - dt.timedelta(days=2))  # closed today: shown to the firm only
    old = closed(users, dt.date(2026, 6, 1), person_phone="13600000000")
    assert old.closed_on <= queries.disclosure_cutoff(today) < recent.closed_on
    assert queries.disclosure_of(firms["shop"].uscc)["total"] == 1
    assert queries.disclosure_of(firms["shop"].uscc, preview=True)["total"] == 2
    page = client_for(firm_user).get("/complaints/my/").content.decode()
    assert "投诉公示预览" in page


def test_the_disclosure_is_searchable_and_shows_the_firms_reply(firms, users, firm_user):
    closed(users, dt.date(2026, 6, 1))
    firm_services.save_firm_reply(actor=firm_user, uscc=firms["shop"].uscc, text="已全面整改售后流程")
    client = Client()
    listed = client.get("/public/complaints/disclosure/?q=鼓楼").content.decode()
    assert firms["shop"].name in listed
    assert firms["shop"].name not in client.get("/public/complaints/disclosure/?q=不存在").content.decode()
    detail = client.get(f"/public/complaints/disclosure/{firms['shop'].uscc}/").content.decode()
    assert "已全面整改售后流程" in detail and "调解成功" in detail and "家用电器" in detail


def test_figures_of_table_2_1(firms, users):
    closed(users, dt.date(2026, 3, 2))
    closed(users, dt.date(2026, 3, 3), agreed=False, person_phone="13600000001")
    file(dt.date(2026, 3, 4), person_phone="13600000002")  # open
    file(dt.date(2026, 3, 4), kind="report", subject="无照", description="该店长期无照经营，请查处。")
    firm_services.enrol_firm(
        actor=CLI, entity=firms["shop"], programme=Enrolment.Programme.ODR, on=dt.date(2026, 1, 1)
    )
    firm_services.enrol_firm(
        actor=CLI, entity=firms["yinzhou"], programme="comp_first", on=dt.date(2026, 1, 1)
    )
    f = queries.figures(users["admin"], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert f["complaints"]["received"] == 3 and f["disposal_rate"] == pytest.approx(66.67)
    assert f["mediation_success_rate"] == 50.0 and f["amount_recovered"] == Decimal("200.00")
    assert f["acceptance_on_time_rate"] == 100.0 and f["closing_on_time_rate"] == 100.0
    assert (f["odr_firms"], f["comp_first_firms"]) == (1, 1)
    assert f["by_kind"] == {"投诉": 3, "举报": 1}
    assert f["by_month"] == [("2026-03", 3, 1, 0)]
    yinzhou = queries.figures(users["yinzhou"], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert yinzhou["received"] == 0  # scoped


def test_the_landing_page_shows_the_figures_and_the_chart(firms, users):
    closed(users, dt.date(2026, 3, 2))
    page = client_for(users["haishu"]).get("/complaints/").content.decode()
    assert "消费者投诉处置率" in page and 'id="chart"' in page and "ODR企业数" in page
    stats = (
        client_for(users["admin"])
        .get("/complaints/statistics/?start=2026-01-01&end=2026-12-31")
        .content.decode()
    )
    assert "家用电器" in stats and "海曙" in stats
