"""Authentication backend: the user of each request comes with what scoping needs, in one query.

Every page asks for the user's county-level jurisdiction; without ``select_related`` each paid one
more query for it. A worker process keeps a user it loaded for USER_CACHE_SECONDS, so that a busy
page does not read the same user row on every request: a deactivation, a role change or a new
password takes effect within that time in every process (and at once for new logins).
"""

from __future__ import annotations

import copy
import time

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .models import User

USER_CACHE_SECONDS = 30.0
_recent: dict[int, tuple[float, User]] = {}


class ScopedUserBackend(ModelBackend):
    """Django's model backend, loading a request's user with its jurisdiction and department."""

    def get_user(self, user_id):
        now = time.monotonic()
        cached = _recent.get(user_id)
        if cached is not None and now - cached[0] < USER_CACHE_SECONDS:
            return copy.copy(cached[1])  # requests may annotate their user; never share one object
        user = User.objects.select_related("jurisdiction", "department").filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            _recent.pop(user_id, None)
            return None
        if len(_recent) > 10_000:
            _recent.clear()
        _recent[user_id] = (now, copy.copy(user))
        return user


def forget_user(user_id: int) -> None:
    """Drop a user from this process's cache (tests, and saves made in this process)."""
    _recent.pop(user_id, None)


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS: a locked-out username is refused.

    Every login path a person or a system can reach (the login page, the API token endpoint, the
    admin) passes the request; a call without one (the test client's ``login``, a shell) has no
    client address to throttle on and is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


LOCKED_OUT_MESSAGE = "登录失败次数过多，该账号已被暂时锁定，请稍后再试或联系管理员解锁"


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """What a locked-out login gets (AXES_LOCKOUT_CALLABLE): JSON under /api/, else the Chinese page."""
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": LOCKED_OUT_MESSAGE}, status=429)
    return render(request, "core/locked_out.html", {"message": LOCKED_OUT_MESSAGE}, status=429)
