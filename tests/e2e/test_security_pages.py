"""In a real browser under the Content-Security-Policy: the API docs render from local assets, the
login page keeps the username after a wrong password, and nothing the pages run is refused."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, UserFactory
from zhijian.core.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page):
    """Collect CSP refusals and requests that leave the site."""
    seen = {"csp": [], "external": []}
    page.on(
        "console",
        lambda m: seen["csp"].append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on(
        "request",
        lambda r: (
            seen["external"].append(r.url)
            if not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
            else None
        ),
    )
    return seen


def test_api_docs_render_from_local_assets_under_the_csp(page, city):
    seen = _watch(page)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/auth/token']")
    assert seen == {"csp": [], "external": []}


def test_login_keeps_the_username_and_runs_no_refused_script(page, city):
    UserFactory(username="t_csp_login", role=Role.CITY_ADMIN)
    seen = _watch(page)
    page.goto("/login/")
    page.fill("input[name=username]", "t_csp_login")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    page.wait_for_selector("text=用户名或密码错误")
    assert page.input_value("input[name=username]") == "t_csp_login"
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=退出")
    assert seen["csp"] == []
