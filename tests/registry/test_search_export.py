import io

import openpyxl
import pytest
from django.test import Client

from tests.factories import PASSWORD, EntityFactory
from zhijian.core.params import BadParameter
from zhijian.registry.exports import safe_cell
from zhijian.registry.models import EntityTag, Tag
from zhijian.registry.queries import EntityFilter, search_entities

pytestmark = pytest.mark.django_db


def test_filters(users, city, entities):
    shop = EntityFactory(
        jurisdiction=city["330203"],
        name="海曙区王记小吃店",
        entity_type="individual",
        industry_code="H6210",
        cluster="",
        status="deregistered",
    )
    EntityTag.objects.create(entity=entities["haishu"], tag=Tag.ABOVE_SCALE)
    admin = users["admin"]

    def names(**kwargs):
        return {e.name for e in search_entities(admin, EntityFilter(**kwargs))}

    assert names(q="小吃") == {shop.name}
    assert names(jurisdiction=city["330212"].pk) == {entities["yinzhou"].name}
    assert names(entity_type="individual") == {shop.name}
    assert names(status="deregistered") == {shop.name}
    assert names(industry="H62") == {shop.name}
    assert names(cluster="key_components") == {entities["haishu"].name, entities["yinzhou"].name}
    assert names(tag="above_scale") == {entities["haishu"].name}


def test_filter_parsing_ignores_unknown_values():
    flt = EntityFilter.from_params({"status": "bogus", "q": " 恒达 ", "tag": "nope"})
    assert flt == EntityFilter(q="恒达")


def test_filter_parsing_refuses_an_id_that_is_no_id():
    # issue 15: an id beyond 64 bits reached the database (OverflowError on SQLite, a 500)
    for value in ("x1", "²", str(2**70)):
        with pytest.raises(BadParameter):
            EntityFilter.from_params({"jurisdiction": value})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-5", "'-5"),
        ("@A1", "'@A1"),
        ("宁波", "宁波"),
        (5, 5),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_export_escapes_formula_strings(users, city):
    # The database may hold such a value from before validation existed, or from another system.
    EntityFactory(jurisdiction=city["330203"], name='=HYPERLINK("http://evil","x")', address="@SUM(A1)")
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    response = client.get("/entities/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][0] == "统一社会信用代码"
    assert rows[3][1] == '\'=HYPERLINK("http://evil","x")' and rows[3][7] == "'@SUM(A1)"


def test_list_page_filters_and_paging(users, city):
    for i in range(55):
        EntityFactory(jurisdiction=city["330203"], name=f"宁波翻页{i:02d}有限公司")
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    first = client.get("/entities/", {"q": "翻页"}).content.decode()
    second = client.get("/entities/", {"q": "翻页", "page": 2}).content.decode()
    assert first.count("宁波<mark>翻页</mark>") == 50 and "下一页" in first
    assert second.count("宁波<mark>翻页</mark>") == 5 and "下一页" not in second
    assert "共 55 条" in first


def test_list_sorts_from_its_whitelist_and_refuses_others(users, city):
    for i, name in enumerate(["宁波乙排序有限公司", "宁波甲排序有限公司", "宁波丙排序有限公司"]):
        EntityFactory(jurisdiction=city["330203"], name=name, established_on=f"2020-01-0{i + 1}")
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    by_date = client.get("/entities/", {"q": "排序", "sort": "established_on"}).content.decode()
    assert by_date.index("乙") < by_date.index("甲") < by_date.index("丙")
    newest = client.get("/entities/", {"q": "排序", "sort": "-established_on"}).content.decode()
    assert newest.index("丙") < newest.index("甲") < newest.index("乙")
    assert client.get("/entities/", {"sort": "address"}).status_code == 400
    assert client.get("/entities/", {"size": "7"}).status_code == 400


def test_district_officer_is_offered_her_district_only(users, city):
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    page = client.get("/entities/").content.decode()
    select = page[
        page.index('name="jurisdiction"') : page.index("</select>", page.index('name="jurisdiction"'))
    ]
    assert select.count("<option") == 1 and "海曙" in select
    assert 'optgroup label="C 制造业"' in page and 'value="C34"' in page


def test_highlight_escapes_the_cell_and_the_term():
    from zhijian.core.templatetags.lists import highlight

    assert highlight("<b>恒达</b>机械", "恒达") == "&lt;b&gt;<mark>恒达</mark>&lt;/b&gt;机械"
    assert highlight("a<b", "<") == "a<mark>&lt;</mark>b"


def test_history_shows_changes_with_chinese_labels(users, city, entities):
    import datetime as dt

    from zhijian.registry.models import LifecycleEvent

    LifecycleEvent.objects.create(
        entity=entities["haishu"],
        kind="deregistered",
        occurred_on=dt.date(2026, 5, 1),
        changes={"status": ["active", "deregistered"], "address": ["旧址1号", "新址2号"]},
    )
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    page = client.get(f"/entities/{entities['haishu'].uscc}/").content.decode()
    assert "登记状态：存续 → 注销" in page
    assert "住所（经营场所）：旧址1号 → 新址2号" in page


def test_a_large_export_runs_as_a_job_with_a_download_link(users, city, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EXPORT_INLINE_ROWS = 3
    settings.VAR_DIR = tmp_path
    for i in range(5):
        EntityFactory(jurisdiction=city["330203"], name=f"宁波导出{i}有限公司")
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    response = client.get("/entities/export.xlsx", {"q": "导出"})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job_page = client.get(response["Location"]).content.decode()
    assert "已导出 5 条" in job_page and "下载" in job_page
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    download = client.get(f"/jobs/{job_id}/download/")
    assert download.status_code == 200 and "filename*=UTF-8''" in download["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = book.active
    assert sheet["A1"].value == "市场主体名录" and "关键词：导出" in sheet["A2"].value
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3")
    assert sheet.max_row == 3 + 5
    other = Client()
    other.login(username=users["yinzhou"].username, password=PASSWORD)
    assert other.get(f"/jobs/{job_id}/download/").status_code == 404
