"""Login hardening (issue 15, item 3): lockout on the login page and the token endpoint, visible to
the administrator; tokens listed and revocable; CSP, no-store, cookies, locally served API docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import PASSWORD
from zhijian.core.models import ApiToken
from zhijian.core.tokens import issue_token
from zhijian.security_settings import settings_for

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "zhijian" / "templates"


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


def _fail_web(client, username, times):
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "wrong-password"})


def _token(client, username, password):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def test_web_login_locks_the_username_after_repeated_failures(users, limit):
    client = Client()
    user = users["haishu"]
    _fail_web(client, user.username, limit)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已被暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(users, limit):
    client = Client()
    _fail_web(client, users["haishu"].username, limit - 1)
    response = client.post("/login/", {"username": users["haishu"].username, "password": PASSWORD})
    assert response.status_code == 302


def test_token_endpoint_locks_the_username_after_repeated_failures(users, limit):
    client = Client()
    user = users["yinzhou"]
    for _ in range(limit - 1):
        assert _token(client, user.username, "wrong-password").status_code == 401
    assert _token(client, user.username, "wrong-password").status_code == 429  # the limit-th failure locks
    response = _token(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_administrator_sees_the_lockout_and_lifts_it(users, limit):
    locked = users["inspector"]
    _fail_web(Client(), locked.username, limit)
    admin = Client()
    admin.force_login(users["admin"])
    page = admin.get("/admin-tools/logins/")
    assert page.status_code == 200
    html = page.content.decode()
    assert locked.username in html and "已锁定" in html
    attempt = re.search(r'name="attempt" value="(\d+)"', html).group(1)
    admin.post("/admin-tools/logins/", {"attempt": attempt})
    response = Client().post("/login/", {"username": locked.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("actor", ["department", "haishu", "inspector"])
def test_only_the_city_administrator_sees_lockouts(users, actor):
    client = Client()
    client.force_login(users[actor])
    assert client.get("/admin-tools/logins/").status_code == 403


def test_the_username_is_kept_after_a_wrong_password(users):
    response = Client().post("/login/", {"username": users["haishu"].username, "password": "nope-nope"})
    html = response.content.decode()
    assert "用户名或密码错误" in html
    assert f'value="{users["haishu"].username}"' in html


def _bearer(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_tokens_are_listed_and_revoked_one_by_one(users):
    user = users["haishu"]
    first, first_row = issue_token(user)
    second, second_row = issue_token(user)
    other, other_row = issue_token(users["yinzhou"])
    listed = _bearer(first).get("/api/v1/auth/tokens").json()
    assert {t["id"]: t["current"] for t in listed} == {first_row.pk: True, second_row.pk: False}
    assert _bearer(first).delete(f"/api/v1/auth/tokens/{other_row.pk}").status_code == 404
    assert _bearer(first).delete(f"/api/v1/auth/tokens/{second_row.pk}").status_code == 204
    assert _bearer(second).get("/api/v1/auth/tokens").status_code == 401
    assert _bearer(first).get("/api/v1/auth/tokens").status_code == 200
    assert _bearer(other).get("/api/v1/auth/tokens").status_code == 200


def test_api_logout_revokes_the_token_in_use(users):
    token, _ = issue_token(users["haishu"])
    kept, _ = issue_token(users["haishu"])
    assert _bearer(token).post("/api/v1/auth/logout").status_code == 204
    assert _bearer(token).get("/api/v1/auth/tokens").status_code == 401
    assert _bearer(kept).get("/api/v1/auth/tokens").status_code == 200


def test_a_new_password_revokes_every_token(users):
    user = users["haishu"]
    token, _ = issue_token(user)
    issue_token(user)
    user.set_password("a-brand-new-passphrase")
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()
    assert _bearer(token).get("/api/v1/auth/tokens").status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(users):
    user = users["haishu"]
    issue_token(user)
    user.first_name = "改名"
    user.save()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_the_tokens_page_lists_and_revokes(users):
    user = users["haishu"]
    _, row = issue_token(user)
    _, foreign = issue_token(users["yinzhou"])
    client = Client()
    client.force_login(user)
    page = client.get("/account/tokens/").content.decode()
    assert f'value="{row.pk}"' in page and f'value="{foreign.pk}"' not in page
    client.post("/account/tokens/", {"token": foreign.pk})
    assert ApiToken.objects.filter(pk=foreign.pk).exists()
    client.post("/account/tokens/", {"token": row.pk})
    assert not ApiToken.objects.filter(pk=row.pk).exists()


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/public/register/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_no_template_has_an_inline_script():
    """script-src 'self' refuses inline scripts: every script lives in a static file (JSON data blocks aside)."""
    offenders = []
    # the shared templates and every app's own templates/ folder
    folders = [TEMPLATES, *TEMPLATES.parent.glob("*/templates")]
    for template in (t for folder in folders for t in folder.rglob("*.html")):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text(encoding="utf-8")):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.relative_to(TEMPLATES.parent)}: {tag}")
        if re.search(r"\son[a-z]+=", template.read_text(encoding="utf-8")):
            offenders.append(f"{template.relative_to(TEMPLATES.parent)}: inline event handler")
    assert offenders == []


def test_logged_in_pages_are_not_stored_and_public_pages_may_be(users):
    client = Client()
    client.force_login(users["haishu"])
    assert client.get("/entities/")["Cache-Control"] == "no-store"
    assert "no-store" not in Client().get("/public/register/").get("Cache-Control", "")


def test_session_cookie_is_httponly_samesite_and_expires(users, settings):
    response = Client().post("/login/", {"username": users["haishu"].username, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_production_cookies_are_tls_only_and_the_proxy_header_is_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("ZHIJIAN_PROXY_SSL_HEADER", raising=False)
    monkeypatch.delenv("ZHIJIAN_SECURE_COOKIES", raising=False)
    production = settings_for("production", tmp_path)
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert "SECURE_PROXY_SSL_HEADER" not in production  # trusting a header no proxy strips is unsafe
    monkeypatch.setenv("ZHIJIAN_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    assert settings_for("production", tmp_path)["SECURE_PROXY_SSL_HEADER"] == (
        "HTTP_X_FORWARDED_PROTO",
        "https",
    )
    assert not settings_for("demo", tmp_path)["SESSION_COOKIE_SECURE"]


def test_api_docs_serve_their_assets_from_this_site(client):
    users_client = client
    html = users_client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui-bundle.js" in sources and "/static/vendor/swagger-ui.css" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert client.get("/static/vendor/swagger-ui-bundle.js").status_code == 200


def test_the_lockout_page_refuses_a_malformed_id_without_an_error(users):
    admin = Client()
    admin.force_login(users["admin"])
    assert admin.post("/admin-tools/logins/", {"attempt": "1e99"}).status_code == 302
    assert admin.post("/admin-tools/logins/", {"attempt": "99999999999999999999999"}).status_code == 302
