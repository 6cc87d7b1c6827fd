"""Every role in a real browser (issue 14's bar): the workbench shows the role's to-dos with links; a
bounded crawl of every page reachable from the role's navigation and workbench answers without an
error or a console error, and at 360 px hides no table cell and is no wider than the screen; date
fields are prefilled; the register's export opens in openpyxl with its title row, frozen header and
filter.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from urllib.parse import urlsplit

import openpyxl
import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import CHROMIUM, chromium_missing_reason
from tests.e2e.test_credit_repair_flow import credit_reference  # noqa: F401, F811 (fixture)
from tests.e2e.test_phone_tables import CELLS_PAST_THE_EDGE, HIDDEN_CELLS
from tests.e2e.test_register_flow import login
from tests.factories import UserFactory
from tests.sampling.conftest import food_task, lab_users, labs, parties, reference  # noqa: F401 (fixtures)
from zhijian.core.access import SystemActor
from zhijian.core.models import Role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]

MAX_PAGES = 60
# Links the crawl does not follow: leaving the session, files, machine-readable documents.
SKIP = (
    "/logout",
    "/api/",
    "/admin/",
    ".xlsx",
    ".pdf",
    ".json",
    ".csv",
    ".pem",
    "/download/",
    "/evidence/",
    "/attachments/",
)
# The cockpit's large screen (大屏) is laid out for a 1920×1080 wall display, not for a phone.
FIXED_WIDTH = ("/indicators/screen/",)
# A required date field of a form (a decision, a visit, a deadline) is prefilled; an optional one (a
# product's production date, which the label may not show) and a filter's range may start empty.
LINKS = """() => Array.from(document.querySelectorAll(
  'header nav a[href], nav.subnav a[href], main a[href]')).map(a => a.getAttribute('href'))"""
EMPTY_DATES = """() => Array.from(document.querySelectorAll('form[method=post] input[type=date]'))
  .filter(i => i.required && !i.value && !i.disabled).map(i => i.name)"""


@pytest.fixture
def scene(users, city, credit_reference, request):  # noqa: F811
    """Work for every role: a sample awaiting its laboratory, a firm on the abnormal list with a repair
    application awaiting the district, an enterprise account and a laboratory account."""
    from importlib import import_module

    from django.apps import apps

    from zhijian.credit import services as credit
    from zhijian.credit.models import CreditList, ListGround
    from zhijian.sampling import services as sampling

    for migration in ("0002_rules", "0004_draw_v2"):  # the flush of the live server removed the rules
        import_module(f"zhijian.inspections.migrations.{migration}").forwards(apps, None)
    labs_, shops, task = (request.getfixturevalue(n) for n in ("lab_users", "parties", "food_task"))
    sample = sampling.register_sample(
        actor=users["haishu"],
        task=task,
        product_name="苔菜千层酥",
        brand="甬禾",
        specification="250g/盒",
        production_date=dt.date.today() - dt.timedelta(days=20),
        sampled_on=dt.date.today() - dt.timedelta(days=3),
        seller=sampling.PartyIn(shops["seller"].name, shops["seller"].uscc),
        producer=sampling.PartyIn(shops["producer"].name, shops["producer"].uscc),
    )
    firm = shops["seller"]
    entry = credit.enter_list(
        actor=SystemActor("test"),
        entity=firm,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.ANNUAL_REPORT,
        entered_on=dt.date.today() - dt.timedelta(days=60),
        reason="未按期公示年度报告",
    )
    owner = UserFactory(username="t_ent_roles", role=Role.ENTERPRISE, entity_uscc=firm.uscc)
    credit.apply_for_repair(
        actor=owner, kind="abnormal_removal", list_entry=entry, statement="已补报年度报告", commitment=True
    )
    return {"sample": sample, "enterprise": owner, "lab": labs_["T1"], "firm": firm}


def crawl(page, start: str) -> list[str]:
    """Visit the pages linked from the role's navigation and workbench (breadth first, bounded)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    seen, queue, problems = set(), [start], []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            response = page.goto(url)
        except PlaywrightError as exc:  # a link to a file that the crawl's SKIP list did not know
            if "Download is starting" in str(exc):
                continue
            raise
        assert response is not None
        if response.status >= 400:
            problems.append(f"{url} answered {response.status}")
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 361 and not url.startswith(FIXED_WIDTH):
            problems.append(f"{url} is {width}px wide on a 360px screen")
        if page.evaluate(HIDDEN_CELLS) or page.evaluate(CELLS_PAST_THE_EDGE):
            problems.append(f"{url} hides table cells on a phone")
        empty = page.evaluate(EMPTY_DATES)
        if empty:
            problems.append(f"{url} has date fields left empty: {empty}")
        for href in page.evaluate(LINKS):
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or any(s in parts.path for s in SKIP):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and target not in queue:
                queue.append(target)
    problems.extend(f"console error: {e}" for e in errors if "favicon" not in e)
    assert not problems, "\n".join(problems)
    print(f"crawled {len(seen)} pages from {start}")  # shown with pytest -s
    return sorted(seen)


ROLES = [
    # role key, how to get the user, where she lands, a to-do she must see (or None), crawl start
    ("admin", "信用修复申请待决定"),
    ("department", None),
    ("haishu", "信用修复申请待决定"),
]


@pytest.mark.parametrize(("key", "todo"), ROLES)
def test_staff_workbench_to_dos_and_crawl(mobile_page, live_server, users, scene, key, todo):
    page = mobile_page
    login(page, users[key].username)
    assert urlsplit(page.url).path == "/"
    assert page.locator("table.todos").count() == 1
    if todo:
        link = page.locator(f"table.todos a:has-text('{todo}')")
        assert link.count() == 1
        with page.expect_navigation():
            link.click()
        assert page.locator("table#repairs tbody tr[data-application]").count() == 1
    pages = crawl(page, "/")
    assert "/entities/" in pages or key == "department"


def test_inspector_lands_on_her_checks_and_crawls(mobile_page, live_server, users, scene):
    page = mobile_page
    login(page, users["inspector"].username)
    assert "/field/" in page.url or "/inspections/" in page.url
    crawl(page, urlsplit(page.url).path)


def test_enterprise_sees_its_record_and_crawls(mobile_page, live_server, scene):
    page = mobile_page
    login(page, scene["enterprise"].username)
    crawl(page, "/")
    page.goto("/credit/mine/")
    assert scene["firm"].name in page.locator("main").inner_text()
    assert "审查中" in page.locator("#applications").inner_text()


def test_laboratory_lands_on_its_queue_and_crawls(mobile_page, live_server, scene):
    page = mobile_page
    login(page, scene["lab"].username)
    assert "/sampling/samples/" in page.url
    assert scene["sample"].sample_no in page.locator("table#samples").inner_text()
    crawl(page, urlsplit(page.url).path)


def test_register_export_opens_with_title_frozen_header_and_filter(page, live_server, users, scene):
    login(page, users["haishu"].username)
    page.goto("/entities/?q=恒达")
    assert "共 1 条" in page.locator("nav.pager").inner_text()
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename.startswith("市场主体名录-")
    with open(download.value.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    assert sheet["A1"].value == "市场主体名录" and "关键词：恒达" in sheet["A2"].value
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:K4"
    assert sheet["B4"].value == "海曙区恒达食品商行"
