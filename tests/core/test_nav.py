"""The header shows each role the pages it may use, assembled from the apps' declarations."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from zhijian.core.nav import PUBLIC, items_for

pytestmark = pytest.mark.django_db


# Pages only staff may use; apps may add public pages (e.g. 抽查公示) beside 公示查询.
STAFF_PAGES = {"市场主体", "导入", "工作日历", "双随机抽查", "我的检查", "信用监管", "信用修复", "列入建议"}


def labels(user):
    return [label for label, _url in items_for(user)]


def public_pages():
    """Every page an app declares public (the register's search, and those of later domain apps)."""
    return {str(i.label) for c in apps.get_app_configs() for i in getattr(c, "nav", ()) if PUBLIC in i.roles}


def test_public_sees_only_public_pages():
    shown = labels(AnonymousUser())
    assert "公示查询" in shown and set(shown) == public_pages()


def test_district_staff_see_register_and_import_but_not_admin_tools(users):
    shown = labels(users["haishu"])
    assert {"市场主体", "导入", "公示查询"} <= set(shown)
    assert "工作日历" not in shown


def test_inspector_may_not_import(users):
    assert "导入" not in labels(users["inspector"])
    assert "市场主体" in labels(users["inspector"])


def test_enterprise_user_sees_no_staff_pages(enterprise_user):
    shown = labels(enterprise_user)
    assert not STAFF_PAGES & set(shown)
    # the enterprise's own pages: its credit, the complaints against it, its special equipment and
    # its quality services
    assert set(shown) == public_pages() | {
        "我的信用",
        "消费投诉",
        "我的特种设备",
        "我的质量服务",
        "一站式服务",
        "服务需求",
    }


def test_city_admin_sees_the_calendar(users):
    assert "工作日历" in labels(users["admin"])


def test_officers_but_not_inspectors_see_the_listing_proposals(users):
    assert "列入建议" in labels(users["haishu"]) and "列入建议" in labels(users["department"])
    assert "列入建议" not in labels(users["inspector"])


def test_the_current_page_is_highlighted_with_breadcrumbs_and_a_back_link(users, client):
    client.force_login(users["haishu"])
    page = client.get("/credit/repairs/")
    html = page.content.decode()
    assert page.status_code == 200
    # the header shows one entry per business group; the credit group is the active one
    assert 'class="active" aria-current="true">信用监管</a>' in html
    # the group's pages below, the current one marked
    assert 'aria-current="page">信用修复</a>' in html
    crumbs = page.context["breadcrumbs"]
    assert [label for label, _ in crumbs] == ["工作台", "信用监管", "信用修复"]


def test_a_detail_page_links_back_to_its_list(users, client, entities):
    client.force_login(users["haishu"])
    page = client.get(f"/entities/{entities['haishu'].uscc}/")
    assert page.context["back_url"] == "/entities/"
    assert "‹ 返回" in page.content.decode()
