"""End to end, in a real browser: a district user works the register; the public searches it.

The issue's bar: a 海曙 district user logs in, finds an entity by a name fragment, opens it, cannot
open a 鄞州 entity (404, nothing leaked), and exports an Excel file holding only what they may see.
The public register answers without login and never shows contact details.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

import zhijian
from tests.e2e.conftest import CHROMIUM, chromium_missing_reason
from tests.factories import PASSWORD, EntityFactory, UserFactory
from zhijian.core.models import Role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]

EXPORT_HEADERS = [
    "统一社会信用代码",
    "名称",
    "类型",
    "法定代表人",
    "注册资本（万元）",
    "成立日期",
    "登记状态",
    "住所",
    "管辖单位",
    "所属行业",
    "246产业集群",
]
SECRET_PHONE = "0574-86661234"
STATIC_SOURCE = Path(zhijian.__file__).resolve().parent / "static"


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form and wait for the redirect away from it."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/login/" not in page.url, f"login as {username} failed: still on {page.url}"
    assert page.locator("header .who").inner_text().startswith(username)


def assert_page_rendered(page, title: str) -> None:
    """The page came from our templates: the site header and the expected heading are there."""
    assert (
        page.locator("header.top a.brand").inner_text().strip().startswith("智监")
    )  # + the organiser when public
    assert page.locator("main h1").first.inner_text().strip() == title


def assert_stylesheet_applied(page) -> None:
    header_bg = page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")
    assert header_bg == "rgb(29, 79, 145)", header_bg  # --blue from site.css


@pytest.fixture
def haishu_user(city):
    return UserFactory(username="e2e_haishu", role=Role.DISTRICT, jurisdiction=city["330203"])


@pytest.mark.e2e
def test_district_user_searches_opens_is_scoped_and_exports(page, live_server, haishu_user, entities):
    mine, theirs = entities["haishu"], entities["yinzhou"]

    login(page, "e2e_haishu")

    # Search by a name fragment that both entities share: only the 海曙 one comes back.
    page.goto("/entities/")
    assert_page_rendered(page, "市场主体")
    page.fill("form.filters input[name=q]", "宁波")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert urlsplit(page.url).path == "/entities/"
    assert parse_qs(urlsplit(page.url).query)["q"] == ["宁波"]
    table = page.locator("table#entities tbody")
    assert table.locator("tr").count() == 1
    assert mine.name in table.inner_text()
    assert theirs.name not in page.content()
    assert theirs.uscc not in page.content()

    # A narrower fragment finds it too, and its detail page shows the code and the name.
    page.goto("/entities/?q=恒达")
    page.click(f"table#entities a:has-text('{mine.uscc}')")
    page.wait_for_url(f"**/entities/{mine.uscc}/")
    assert page.locator("#uscc").inner_text().strip() == mine.uscc
    assert page.locator("main h1").inner_text().strip() == mine.name

    # A 鄞州 entity opened by its URL: 404, and nothing about it on the page.
    response = page.goto(f"/entities/{theirs.uscc}/")
    assert response is not None
    assert response.status == 404
    assert theirs.name not in page.content()

    # Export the filtered list: the file holds the header and the 海曙 entity only.
    page.goto("/entities/?q=宁波")
    export = page.locator("a#export")
    assert export.inner_text().strip() == "导出Excel"
    with page.expect_download() as download_info:
        export.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".xlsx")
    assert download.suggested_filename.startswith("市场主体名录-")  # a Chinese file name
    with open(download.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    # Title row, then the filters used and the time, then the frozen, filterable header.
    assert rows[0][0] == "市场主体名录" and "关键词：宁波" in rows[1][0] and "导出时间" in rows[1][0]
    assert rows[2] == EXPORT_HEADERS
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:")
    assert sheet.column_dimensions["B"].width > 20
    exported = {(r[0], r[1]) for r in rows[3:]}
    assert (mine.uscc, mine.name) in exported
    assert all(theirs.uscc != uscc and theirs.name != name for uscc, name in exported)
    assert len(rows) == 4
    assert isinstance(sheet.cell(row=4, column=6).value, dt.datetime)  # dates as dates


@pytest.mark.e2e
def test_public_register_needs_no_login_and_hides_contact_phone(page, live_server, entities):
    entity = entities["haishu"]
    entity.contact_phone = SECRET_PHONE
    entity.save(update_fields=["contact_phone"])

    response = page.goto("/public/register/?q=恒达")
    assert response is not None and response.status == 200
    assert urlsplit(page.url).path == "/public/register/"  # not redirected to the login page
    assert page.locator("header .who").inner_text().strip() == "登录"
    assert_page_rendered(page, "市场主体公示查询")
    assert entity.name in page.locator("main table").inner_text()
    assert entity.uscc in page.content()
    assert SECRET_PHONE not in page.content()

    page.click(f"main table a:has-text('{entity.name}')")
    page.wait_for_url(f"**/public/register/{entity.uscc}/")
    assert page.locator("main h1").inner_text().strip() == entity.name
    assert entity.uscc in page.content()
    assert SECRET_PHONE not in page.content()
    assert "联系电话" not in page.content()


@pytest.mark.e2e
def test_entity_list_fits_a_phone_screen(mobile_page, live_server, haishu_user, city):
    for n in range(3):
        EntityFactory(jurisdiction=city["330203"], name=f"宁波海曙移动端测试第{n}号智能制造股份有限公司")
    login(mobile_page, "e2e_haishu")
    mobile_page.goto("/entities/?q=宁波")
    assert mobile_page.locator("table#entities tbody tr").count() == 3
    assert_stylesheet_applied(mobile_page)
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, f"entity list overflows a 360px screen: scrollWidth={width}"


@pytest.mark.e2e
def test_stylesheet_and_htmx_are_served(page, live_server):
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto("/public/register/")
    page.wait_for_load_state("load")
    assert not [f for f in failed if "/static/" in f], failed
    assert page.evaluate("typeof window.htmx") == "object"
    assert_stylesheet_applied(page)
