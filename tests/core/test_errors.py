"""One error model: every API error is {code, message, fields}; anonymous writes get 401 (issue 8)."""

import pytest
from django.test import Client

from zhijian.core.access import SystemActor, actor_of, require
from zhijian.core.errors import DomainError, Forbidden

pytestmark = pytest.mark.django_db


def test_anonymous_api_post_is_401_not_a_csrf_failure(users):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/credit/repairs", {"kind": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_session_post_without_csrf_token_is_a_coded_403(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["haishu"])
    response = client.post("/api/v1/credit/repairs", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_framework_validation_error_is_coded_with_fields(users):
    response = Client().post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and body["message"]
    assert body["fields"] == {"password": "必填"}


def test_malformed_json_is_coded(users):
    response = Client().post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"code", "message", "fields"}


def test_unknown_object_is_coded_404(users):
    client = Client()
    client.force_login(users["admin"])
    response = client.get("/api/v1/entities/91330200MA2XXXXXXX")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "对象不存在或无权访问", "fields": {}}


def test_a_bare_string_is_not_an_actor(users):
    with pytest.raises(TypeError):
        actor_of("cli")
    with pytest.raises(TypeError):
        actor_of(None)
    assert actor_of(SystemActor("cli:test")).name == "cli:test"


def test_policies_refuse_with_a_coded_error(users):
    require(users["admin"], "core.operate")
    require(SystemActor("job:test"), "core.operate")
    with pytest.raises(Forbidden) as refused:
        require(users["haishu"], "core.operate")
    assert refused.value.status == 403 and refused.value.code == "forbidden"
    assert isinstance(refused.value, DomainError)
