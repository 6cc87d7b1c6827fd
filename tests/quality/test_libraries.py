"""The three cultivation libraries: nomination, stages forward only, coaching, evidence, awards, and the
figures the libraries feed to the indicators."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.quality.conftest import SYSTEM
from zhijian.core.errors import Forbidden
from zhijian.quality import services
from zhijian.quality.hooks import todos
from zhijian.quality.queries import library_counts, library_indicators
from zhijian.quality.services import QualityError

pytestmark = pytest.mark.django_db


def test_stages_coaching_evidence_and_awards(firms, users):
    with pytest.raises(Forbidden, match="本辖区"):
        services.nominate_firm(actor=users["haishu"], library="quality_award", uscc=firms["yinzhou"].uscc)
    entry = services.nominate_firm(
        actor=users["haishu"],
        library="quality_award",
        uscc=firms["haishu"].uscc,
        target_award="浙江省人民政府质量奖",
    )
    assert entry.stage == "candidate"
    with pytest.raises(QualityError, match="已在政府质量奖培育库中"):
        services.nominate_firm(actor=users["haishu"], library="quality_award", uscc=firms["haishu"].uscc)
    services.add_coaching(
        actor=users["haishu"],
        entry=entry,
        held_on=timezone.localdate(),
        coach="市标准化研究院",
        content="卓越绩效自评",
    )
    assert entry.stage == "coached"
    services.add_evidence(actor=users["haishu"], entry=entry, title="卓越绩效自评报告")
    with pytest.raises(Forbidden):
        services.advance_stage(actor=users["haishu"], entry=entry, stage="applied")
    services.advance_stage(actor=users["admin"], entry=entry, stage="applied")
    with pytest.raises(QualityError, match="只能向前"):
        services.advance_stage(actor=users["admin"], entry=entry, stage="coached")
    with pytest.raises(QualityError, match="请先登记获奖记录"):
        services.advance_stage(actor=users["admin"], entry=entry, stage="awarded")
    services.record_award(
        actor=users["admin"],
        entry=entry,
        year=timezone.localdate().year,
        award="浙江省人民政府质量奖",
        level="province",
        won=True,
    )
    assert entry.stage == "awarded"
    assert library_counts(users["haishu"])["quality_award"]["awarded"] == 1
    assert library_counts(users["yinzhou"])["quality_award"]["awarded"] == 0


def test_the_libraries_feed_the_indicators(firms, users):
    year = timezone.localdate().year
    quality = services.nominate_firm(actor=SYSTEM, library="quality_award", uscc=firms["haishu"].uscc)
    services.record_award(
        actor=SYSTEM, entry=quality, year=year, award="浙江省人民政府质量奖", level="province", won=True
    )
    city_level = services.nominate_firm(actor=SYSTEM, library="quality_award", uscc=firms["yinzhou"].uscc)
    services.record_award(
        actor=SYSTEM, entry=city_level, year=year, award="宁波市市长质量奖", level="city", won=True
    )
    services.nominate_firm(actor=SYSTEM, library="standard_award", uscc=firms["haishu"].uscc, standards_led=4)
    services.nominate_firm(
        actor=SYSTEM, library="patent_award", uscc=firms["yinzhou"].uscc, high_value_patents=12
    )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    assert library_indicators(start, end) == {
        "provincial_quality_awards": 1,
        "standards_led": 4,
        "high_value_patents": 12,
    }
    assert library_indicators(start, end, firms["yinzhou"].jurisdiction_id)["provincial_quality_awards"] == 0
    # the cockpit's figure (Ibis, run by the indicators app on the database): the 海曙 firm's award only
    from zhijian.indicators.services.computing import compute

    by_unit = {f.jurisdiction_id: f.numerator for f in compute("s004.g07", start, end)}
    assert (
        by_unit[firms["haishu"].jurisdiction_id] == 1
        and by_unit.get(firms["yinzhou"].jurisdiction_id, 0) == 0
    )


def test_workbench_todos_by_role(campaign, firms, standards, labs, users, firm_users):
    from tests.quality.conftest import enrol

    enrol(users["haishu"], campaign, firms["haishu"], standards)
    request = services.request_service(
        actor=firm_users["haishu"], capability=labs["L1"]["capability"], product="轴承"
    )
    by_label = lambda user: {t.label: t.count for t in todos(user)}  # noqa: E731
    assert by_label(users["admin"])["对标企业待确认"] == 1
    assert by_label(labs["L1"]["user"])["服务需求待报价"] == 1
    assert "服务需求待报价" not in by_label(labs["L2"]["user"])  # nothing waiting: no line
    assert not by_label(firm_users["haishu"])
    from decimal import Decimal

    services.quote_request(actor=labs["L1"]["user"], request=request, price=Decimal("100"), days=3)
    assert by_label(firm_users["haishu"]) == {"机构已报价待确认预约": 1}


def test_the_workbench_shows_quality_todos_and_figures(campaign, firms, standards, users):
    from tests.quality.conftest import enrol
    from tests.quality.test_scoping_matrix import client_for
    from zhijian.quality.hooks import figures

    enrol(users["haishu"], campaign, firms["haishu"], standards)
    page = client_for(users["admin"]).get("/", follow=True).content.decode()
    assert "对标企业待确认" in page
    labels = {f.label: f.value for f in figures(users["haishu"])}
    assert labels[f"{campaign.year}年对标企业（已确认）"] == 0 and "进行中的服务需求" in labels
