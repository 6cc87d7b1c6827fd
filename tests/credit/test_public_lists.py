"""The credit lists are public (名录公示): entries in force and removed ones, nothing else."""

import datetime as dt

import pytest
from django.test import Client

from tests.factories import EntityFactory
from zhijian.credit.models import ListEntry

pytestmark = pytest.mark.django_db


def entry(entity, **fields):
    defaults = {
        "list": "abnormal",
        "ground": "unreachable",
        "status": "in_force",
        "entered_on": dt.date(2026, 3, 2),
        "entry_reason": "通过登记的住所无法联系",
        "authority": "海曙区市场监督管理局",
    }
    return ListEntry.objects.create(entity=entity, **{**defaults, **fields})


def test_the_public_sees_listed_and_removed_entries_but_no_proposal(haishu):
    listed = EntityFactory(jurisdiction=haishu, name="宁波恒达机械有限公司")
    removed = EntityFactory(jurisdiction=haishu, name="宁波瑞华贸易有限公司")
    proposed = EntityFactory(jurisdiction=haishu, name="宁波隆兴五金有限公司")
    entry(listed)
    entry(removed, status="removed", removed_on=dt.date(2026, 6, 1), removal_reason="已补报年度报告")
    entry(proposed, list="serious", ground="serious_violation", status="proposed")
    client = Client()  # no login
    page = client.get("/credit/lists/public/").content.decode()
    assert listed.name in page and removed.name in page and "已补报年度报告" in page
    serious = client.get("/credit/lists/public/", {"list": "serious"}).content.decode()
    assert proposed.name not in serious and "暂无公示记录" in serious


def test_search_by_name_fragment_and_code(haishu):
    listed = EntityFactory(jurisdiction=haishu, name="宁波恒达机械有限公司")
    other = EntityFactory(jurisdiction=haishu, name="宁波瑞华贸易有限公司")
    entry(listed)
    entry(other)
    client = Client()
    by_name = client.get("/credit/lists/public/", {"q": "恒达"}).content.decode()
    assert "宁波<mark>恒达</mark>机械有限公司" in by_name and other.name not in by_name
    by_code = client.get("/credit/lists/public/", {"q": other.uscc.lower()}).content.decode()
    assert other.name in by_code and listed.name not in by_code


def test_an_unknown_list_falls_back_to_the_abnormal_list():
    response = Client().get("/credit/lists/public/", {"list": "nonsense"})
    assert response.status_code == 200 and "<strong>经营异常名录</strong>" in response.content.decode()


def test_the_public_lists_are_on_the_shared_pager(haishu):
    for n in range(3):
        entry(EntityFactory(jurisdiction=haishu), entered_on=dt.date(2026, 3, 2 + n))
    client = Client()
    page = client.get("/credit/lists/public/", {"size": "20", "sort": "entered_on"}).content.decode()
    assert "共 3 条" in page and 'aria-sort="ascending"' in page and 'name="size"' in page
    assert page.index("2026-03-02") < page.index("2026-03-04")
    assert client.get("/credit/lists/public/", {"sort": "authority"}).status_code == 400
