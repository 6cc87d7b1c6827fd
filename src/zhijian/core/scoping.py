"""Data scoping: the one place that decides which rows a user may read or change.

Every page, API endpoint, export, CLI command and job reads regulated data through
:func:`restrict` (or :func:`get_scoped`, which answers 404 for an object out of scope, so that its
existence is not leaked). A model opts in with a ``scope`` attribute naming how its rows relate to
a jurisdiction and to an enterprise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import Role

VIEW = "view"
CHANGE = "change"

# A role's own rule: the user → the condition on rows they may see, or None for no rows at all.
RoleFilter = Callable[[Any], Q | None]


@dataclass(frozen=True)
class Scope:
    """How a model's rows are scoped.

    ``district_field`` is the lookup to the county-level jurisdiction id of a row;
    ``uscc_field`` the lookup to the USCC of the entity a row belongs to (for enterprise users);
    ``public`` the rows anyone may read (``None``: none); ``change_roles`` who may change rows.
    ``role_filters`` maps a role to a :data:`RoleFilter` that decides that role's rows instead of the
    jurisdiction and USCC rules (e.g. a laboratory account sees the samples of its own laboratory).
    """

    district_field: str
    uscc_field: str | None = None
    public: Q | None = None
    change_roles: frozenset[str] = field(
        default_factory=lambda: frozenset({Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT})
    )
    role_filters: Mapping[str, RoleFilter] = field(default_factory=dict, hash=False)


from .roles import CITY_WIDE  # noqa: E402 - one definition of the city-wide roles


def _scope_of(model: type[Model]) -> Scope:
    scope = getattr(model, "scope", None)
    if not isinstance(scope, Scope):
        raise TypeError(f"{model.__name__} declares no data scope")
    return scope


def user_district_id(user) -> int | None:
    jurisdiction = getattr(user, "jurisdiction", None)
    if jurisdiction is None:
        return None
    return jurisdiction.district_id or jurisdiction.pk


def restrict(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """Narrow ``queryset`` to what ``user`` may do ``action`` to. Anonymous users are the public."""
    scope = _scope_of(queryset.model)
    if user is None or not user.is_authenticated or not user.is_active:
        if action == VIEW and scope.public is not None:
            return queryset.filter(scope.public)
        return queryset.none()
    role = user.role
    if action == CHANGE and role not in scope.change_roles:
        return queryset.none()
    role_filter = scope.role_filters.get(role)
    if role_filter is not None:
        condition = role_filter(user)
        return queryset.none() if condition is None else queryset.filter(condition)
    if role in CITY_WIDE:
        return queryset
    if role in (Role.DISTRICT, Role.INSPECTOR):
        district_id = user_district_id(user)
        if district_id is None:
            return queryset.none()
        return queryset.filter(**{scope.district_field: district_id})
    if role == Role.ENTERPRISE and scope.uscc_field and user.entity_uscc:
        return queryset.filter(**{scope.uscc_field: user.entity_uscc})
    return queryset.none()


def get_scoped(queryset: QuerySet, user, action: str = VIEW, **lookup):
    """Return the one object matching ``lookup`` that ``user`` may ``action``, or raise Http404."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def can(user, obj: Model, action: str = VIEW) -> bool:
    """Whether ``user`` may ``action`` the saved object ``obj``."""
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def is_city_wide(user) -> bool:
    """Whether ``user`` sees the whole city (the administrator and the city departments)."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.role in CITY_WIDE


def covers(user, jurisdiction) -> bool:
    """Whether ``jurisdiction`` (any level) lies in ``user``'s territory: the city for city-wide roles,
    the user's own county-level unit for district staff and inspectors, nothing for anyone else."""
    if is_city_wide(user):
        return True
    if getattr(user, "role", None) in (Role.DISTRICT, Role.INSPECTOR):
        own = user_district_id(user)
        return own is not None and own in (jurisdiction.district_id, jurisdiction.pk)
    return False
