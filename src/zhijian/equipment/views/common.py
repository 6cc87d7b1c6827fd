"""What the equipment pages share: who is staff, the district a page is about, errors as messages."""

from __future__ import annotations

from django.contrib import messages

from zhijian.core.models import Role
from zhijian.core.params import int_param
from zhijian.core.scoping import user_district_id

STAFF_ROLES = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT, Role.INSPECTOR})
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT})


def page_district(request) -> int | None:
    """District staff always look at their own district; city staff choose one (or the whole city)."""
    own = user_district_id(request.user)
    if request.user.role in (Role.DISTRICT, Role.INSPECTOR):
        return own
    return int_param(request.GET, "district")


def refuse(request, exc) -> None:
    messages.error(request, exc.message)
