"""Every route declares its access case, and every declared case holds (issue 8).

The walk covers every URL pattern of the resolver and every operation of the OpenAPI document. A route
with no declared case (``policy_view``/``login_view``/``public_view`` on pages, ``api_policy``/
``api_login``/``api_public`` on API operations) fails the suite, so a new app gets this test for free.
Then each case is tried with a user of every role and anonymously:

- public pages answer anyone without a login redirect or a 403;
- other pages send the anonymous visitor to the login page, and answer 403 to roles outside the policy;
- API operations answer 401 without credentials and 403 to roles outside the policy;
- nothing answers 500. Whether a role sees a *row* (another district's → 404) is the scoping matrices'
  business (tests/test_scoping_matrix.py and the apps' own).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory
from zhijian.api import api
from zhijian.core.access import Access, policy
from zhijian.core.models import Role

pytestmark = pytest.mark.django_db

# Routes that are not ours to declare: Django's own admin (staff only, its own login), the login and
# logout pages, and the API's own URL patterns (walked through the OpenAPI document below).
FRAMEWORK_PREFIXES = ("django-admin/", "api/v1/")
FRAMEWORK_NAMES = {"login", "logout"}

SAMPLE_VALUES = {
    "int": "987654",
    "str": "NOPE",
    "slug": "nope",
    "path": "nope",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _concrete(route: str) -> str:
    def fill(match: re.Match) -> str:
        converter = match.group(1) or "str"
        return SAMPLE_VALUES.get(converter, "nope")

    path = re.sub(r"<(?:(\w+):)?\w+>", fill, route)
    return "/" + path.lstrip("^").rstrip("$")


def _page_routes():
    for route, pattern in _walk(get_resolver()):
        if route.startswith(FRAMEWORK_PREFIXES) or pattern.name in FRAMEWORK_NAMES:
            continue
        yield route, pattern


def _access_of(callback) -> Access | None:
    return getattr(callback, "access", None) or getattr(getattr(callback, "view_class", None), "access", None)


def _api_operations():
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


@pytest.fixture
def role_users(city, entities):
    return {
        Role.CITY_ADMIN: UserFactory(username="w_admin", role=Role.CITY_ADMIN),
        Role.DEPARTMENT: UserFactory(username="w_dept", role=Role.DEPARTMENT),
        Role.DISTRICT: UserFactory(username="w_district", role=Role.DISTRICT, jurisdiction=city["330203"]),
        Role.INSPECTOR: UserFactory(username="w_insp", role=Role.INSPECTOR, jurisdiction=city["330203"]),
        Role.ENTERPRISE: UserFactory(
            username="w_ent", role=Role.ENTERPRISE, entity_uscc=entities["haishu"].uscc
        ),
        Role.LAB: UserFactory(username="w_lab", role=Role.LAB),
    }


def test_every_page_route_declares_its_access():
    undeclared = [
        f"{route} ({pattern.lookup_str})"
        for route, pattern in _page_routes()
        if _access_of(pattern.callback) is None
    ]
    assert not undeclared, "routes without a declared access case:\n" + "\n".join(undeclared)


def test_every_api_operation_declares_its_access():
    undeclared = [
        f"{sorted(op.methods)} {path} ({op.view_func.__module__}.{op.view_func.__name__})"
        for path, op in _api_operations()
        if _access_of(op.view_func) is None
    ]
    assert not undeclared, "API operations without a declared access case:\n" + "\n".join(undeclared)


def test_every_documented_operation_is_walked():
    documented = sum(len(item) for item in api.get_openapi_schema()["paths"].values())
    assert documented == sum(len(op.methods) for _p, op in _api_operations())


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


def test_declared_page_access_holds_for_every_role(role_users):
    failures = []
    clients = {}
    for role, user in role_users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    anonymous = Client()
    for route, pattern in _page_routes():
        access = _access_of(pattern.callback)
        url = _concrete(route)
        response = anonymous.get(url)
        if response.status_code >= 500:
            failures.append(f"anonymous GET {url}: {response.status_code}")
        elif access.public:
            if _is_login_redirect(response) or response.status_code == 403:
                failures.append(f"public {url} refused anonymous: {response.status_code}")
        elif not (_is_login_redirect(response) or response.status_code == 405):
            failures.append(f"{url} let anonymous in: {response.status_code}")
        if access.public:
            continue
        allowed = access.roles()
        for role, client in clients.items():
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{role} GET {url}: {response.status_code}")
            elif role not in allowed and response.status_code not in (403, 405):
                failures.append(f"{role} not in {access.policy} but GET {url} gave {response.status_code}")
            elif role in allowed and response.status_code == 403 and not policy(access.policy).conditional:
                failures.append(f"{role} holds {access.policy} but GET {url} gave 403")
    assert not failures, "\n".join(failures)


def _fill_api_path(prefix: str, path: str) -> str:
    full = (prefix.rstrip("/") + "/" + path.lstrip("/")) if path else prefix
    full = re.sub(r"\{(?:(\w+):)?(\w+)\}", lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "NOPE"), full)
    return "/api/v1/" + full.lstrip("/")


def test_declared_api_access_holds_for_every_role(role_users):
    failures = []
    clients = {}
    for role, user in role_users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    anonymous = Client()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                access = _access_of(op.view_func)
                url = _fill_api_path(prefix, path)
                for method in op.methods:
                    call = getattr(anonymous, method.lower())
                    response = call(url, content_type="application/json") if method != "GET" else call(url)
                    if response.status_code >= 500:
                        failures.append(f"anonymous {method} {url}: {response.status_code}")
                    elif not access.public and response.status_code != 401:
                        failures.append(f"anonymous {method} {url}: {response.status_code}, not 401")
                    if access.public:
                        continue
                    for role, client in clients.items():
                        call = getattr(client, method.lower())
                        response = (
                            call(url, {}, content_type="application/json") if method != "GET" else call(url)
                        )
                        status = response.status_code
                        if status >= 500:
                            failures.append(f"{role} {method} {url}: {status}")
                        elif role not in access.roles() and status != 403:
                            failures.append(f"{role} not in {access.policy}: {method} {url} gave {status}")
                        elif (
                            role in access.roles()
                            and status in (401, 403)
                            and not (access.policy and policy(access.policy).conditional)
                        ):
                            failures.append(f"{role} holds {access.policy}: {method} {url} gave {status}")
    assert not failures, "\n".join(failures)
