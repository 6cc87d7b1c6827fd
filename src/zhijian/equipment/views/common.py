"""What the equipment pages share: who is staff, the district a page is about, errors as messages."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from zhijian.core.models import Role
from zhijian.core.scoping import user_district_id

STAFF_ROLES = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT, Role.INSPECTOR})
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT})


def roles_required(roles):
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


staff_required = roles_required(STAFF_ROLES)


def page_district(request) -> int | None:
    """District staff always look at their own district; city staff choose one (or the whole city)."""
    own = user_district_id(request.user)
    if request.user.role in (Role.DISTRICT, Role.INSPECTOR):
        return own
    raw = request.GET.get("district", "")
    return int(raw) if raw.isdigit() else None


def refuse(request, exc) -> None:
    messages.error(request, exc.message)
