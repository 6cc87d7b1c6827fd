"""The entity detail page is the platform's most-visited page: its query count is a baseline."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_detail_page_runs_three_queries_once_session_and_user_are_cached(users, entities):
    client = Client()
    assert client.login(username=users["haishu"].username, password=PASSWORD)
    url = f"/entities/{entities['haishu'].uscc}/"
    assert client.get(url).status_code == 200  # warms the session cache and the user cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # entity with jurisdiction and office, its tags, its history
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_detail_page_links_the_entitys_credit_file_and_public_report(users, entities):
    client = Client()
    assert client.login(username=users["haishu"].username, password=PASSWORD)
    uscc = entities["haishu"].uscc
    page = client.get(f"/entities/{uscc}/").content.decode()
    assert f'href="/credit/entities/{uscc}/"' in page and f'href="/credit/report/{uscc}/"' in page
    assert client.get(f"/credit/entities/{uscc}/").status_code == 200
