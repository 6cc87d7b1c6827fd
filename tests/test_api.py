import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_flow_and_bearer_auth(users, entities):
    client = Client()
    response = client.post(
        "/api/v1/auth/token", {"username": "t_haishu", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    listed = client.get("/api/v1/entities", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert [i["uscc"] for i in listed.json()["items"]] == [entities["haishu"].uscc]


def test_wrong_password_is_a_coded_error(users):
    response = Client().post(
        "/api/v1/auth/token", {"username": "t_haishu", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "用户名或密码错误", "fields": {}}


def test_inactive_user_gets_no_token_and_loses_its_tokens(users):
    from zhijian.core.tokens import issue_token

    token, _ = issue_token(users["haishu"])
    users["haishu"].is_active = False
    users["haishu"].save()
    assert Client().get("/api/v1/entities", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    response = Client().post(
        "/api/v1/auth/token", {"username": "t_haishu", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 401


def test_search_by_messy_code_and_by_name(users, entities):
    from zhijian.core.tokens import issue_token

    token, _ = issue_token(users["admin"])
    client = Client(headers={"Authorization": f"Bearer {token}"})
    code = entities["yinzhou"].uscc
    messy = f" {code[:8]} {code[8:].lower()} "
    assert [i["uscc"] for i in client.get("/api/v1/entities", {"q": messy}).json()["items"]] == [code]
    assert [i["name"] for i in client.get("/api/v1/entities", {"q": "恒达"}).json()["items"]] == [
        entities["haishu"].name
    ]
    detail = client.get(f"/api/v1/entities/{code.lower()}").json()
    assert detail["status_label"] == "存续" and detail["jurisdiction"] == "330212"


def test_bad_paging_is_a_coded_error(users):
    from zhijian.core.tokens import issue_token

    token, _ = issue_token(users["admin"])
    response = Client().get("/api/v1/entities", {"limit": 5000}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response.json()["code"] == "bad_paging"


def test_openapi_document_and_docs_page():
    client = Client()
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    assert {"/api/v1/auth/token", "/api/v1/entities", "/api/v1/entities/{uscc}"} <= set(paths)
    assert client.get("/api/v1/docs").status_code == 200
