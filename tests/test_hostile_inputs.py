"""No input answers 500 (issue 15 item 4): every route, every list page's GET parameter, every API path.

The walk is systematic, so a new page or parameter is covered without touching this file:

- every URL pattern is requested with each of its path converters filled by an integer beyond 64 bits
  (and one just past the signed 64-bit range), as every role and anonymously;
- every page that answers 200 is requested again with every GET parameter it may read — the names the
  source reads (``GET.get("…")``, the filters' ``from_params``) and the names of the fields of its
  own GET forms — set to each hostile value: huge and negative integers, text where a number goes, bad
  dates, a NUL byte, a very long string;
- every API path of the OpenAPI document likewise (its query parameters from the document).

An answer of 500 or more fails; a refusal must be 400 or 404 and, for the API, the error body.
"""

from __future__ import annotations

import inspect
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client

import zhijian
from tests.core.test_access_walk import _page_routes, _walk  # noqa: F401 (helpers)
from tests.factories import UserFactory
from zhijian.api import api
from zhijian.core.models import Role

pytestmark = pytest.mark.django_db

HUGE = str(2**70)
JUST_PAST = str(2**63)
HOSTILE = [HUGE, "-" + HUGE, "-1", "abc", "2026-13-45", "\x00", "x" * 300]
SOURCE = Path(zhijian.__file__).resolve().parent
_READS = re.compile(
    r"""(?:GET\.get|GET\.getlist|params\.get|_int|_text|_day|_date|text|int_param|text_param|date_param|choice_param|flag_param)\(\s*(?:params,\s*|request\.GET,\s*)?["']([a-z_]+)["']"""
)


def source_parameter_names(*paths: Path) -> set[str]:
    names: set[str] = set()
    for path in paths or [p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts]:
        if path.exists():
            names.update(_READS.findall(path.read_text(encoding="utf-8")))
    return names


def parameters_of(callback) -> set[str]:
    """The GET parameters a page may read: those its module and its app's queries read, and paging."""
    module = Path(inspect.getsourcefile(inspect.unwrap(callback)))
    app = module.parent if module.parent.name != "views" else module.parent.parent
    return source_parameter_names(module, app / "queries.py", app / "filters.py") | {"page"}


class _GetFormFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif self._in_get_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def form_fields(html: str) -> set[str]:
    parser = _GetFormFields()
    parser.feed(html)
    return parser.names


def _concrete(route: str, value: str) -> str:
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: value if (m.group(1) or "str") == "int" else "NOPE", route)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.fixture
def clients(city, entities):
    """Anonymous and one user of each kind of page set: city-wide, district, field, enterprise, lab."""
    users = [
        UserFactory(username="h_admin", role=Role.CITY_ADMIN),
        UserFactory(username="h_district", role=Role.DISTRICT, jurisdiction=city["330203"]),
        UserFactory(username="h_insp", role=Role.INSPECTOR, jurisdiction=city["330203"]),
        UserFactory(username="h_ent", role=Role.ENTERPRISE, entity_uscc=entities["haishu"].uscc),
        UserFactory(username="h_lab", role=Role.LAB),
    ]
    made = {"anonymous": Client(raise_request_exception=False)}
    for user in users:
        made[user.username] = Client(raise_request_exception=False)
        made[user.username].force_login(user)
    return made


def test_ids_beyond_64_bits_in_paths_answer_404_not_500(clients):
    failures = []
    for route, _pattern in _page_routes():
        if "<int:" not in route:
            continue
        for value in (HUGE, JUST_PAST):
            url = _concrete(route, value)
            for who, client in clients.items():
                status = client.get(url).status_code
                if status >= 500 or status == 200:
                    failures.append(f"{who} GET {url}: {status}")
    assert not failures, "\n".join(failures)


def test_every_list_parameter_is_validated_not_500(clients):
    names = source_parameter_names()
    assert {"q", "district", "jurisdiction"} <= names, names
    failures = []
    for route, pattern in _page_routes():
        if "<" in route:
            continue
        url = "/" + route
        for who, client in clients.items():
            response = client.get(url)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            params = parameters_of(pattern.callback) | form_fields(response.content.decode())
            for name in sorted(params):
                for value in HOSTILE:
                    status = client.get(url + "?" + urlencode({name: value})).status_code
                    if status >= 500 or status not in (200, 302, 400, 404):
                        failures.append(f"{who} GET {url}?{name}={value[:30]!r}: {status}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:80])


def _api_paths():
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_every_api_path_and_query_parameter_is_validated_not_500(clients):
    failures = []
    for path, method, operation in _api_paths():
        if method != "GET":
            continue
        parameters = operation.get("parameters", [])
        in_path = [p["name"] for p in parameters if p["in"] == "path"]
        query = [p["name"] for p in parameters if p["in"] == "query"]
        fills = [HUGE, JUST_PAST, "-1", "abc"] if in_path else [None]
        for fill in fills:
            url = re.sub(r"\{\w+\}", fill or "", path)
            attempts = [url] + [url + "?" + urlencode({n: v}) for n in query for v in HOSTILE]
            for attempt in attempts:
                for who, client in clients.items():
                    response = client.get(attempt)
                    status = response.status_code
                    if status >= 500:
                        failures.append(f"{who} GET {attempt[:120]}: {status}")
                    elif status >= 400 and set(response.json()) != {"code", "message", "fields"}:
                        failures.append(f"{who} GET {attempt[:120]}: {status} body {response.content[:80]!r}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:80])
