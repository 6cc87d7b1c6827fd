"""The authentication backend remembers a user briefly, and forgets it when the user changes."""

import pytest
from django.test import Client

from tests.factories import PASSWORD
from zhijian.core import auth
from zhijian.core.models import User

pytestmark = pytest.mark.django_db


def test_a_deactivated_user_is_refused_on_the_next_request(users, entities):
    client = Client()
    assert client.login(username=users["haishu"].username, password=PASSWORD)
    url = f"/entities/{entities['haishu'].uscc}/"
    assert client.get(url).status_code == 200
    # When an administrator deactivates her (a save, in this process)
    user = User.objects.get(pk=users["haishu"].pk)
    user.is_active = False
    user.save()
    # Then her session no longer opens the page
    assert client.get(url).status_code == 302


def test_a_user_is_read_once_within_the_cache_time(users, django_assert_num_queries):
    backend = auth.ScopedUserBackend()
    first = backend.get_user(users["haishu"].pk)
    with django_assert_num_queries(0):
        second = backend.get_user(users["haishu"].pk)
    assert second == first and second is not first  # a copy: requests never share one object
    assert second.jurisdiction.code == "330203"
