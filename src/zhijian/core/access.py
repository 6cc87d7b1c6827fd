"""Access policies (访问策略): who may view, act and decide in each app, declared once.

Three questions decide every access, always in this order:

1. **Who is acting?** An :data:`Actor`: a logged-in :class:`~zhijian.core.models.User`, or a
   :class:`SystemActor` naming the job or command that acts (``SystemActor("cli:credit-import")``).
   A bare string or ``None`` is refused (:func:`actor_of`) — no path skips the checks by accident.
2. **May this role do this kind of thing?** A named :class:`Policy` (``"credit.repair.decide"``) lists
   the roles that may; apps declare theirs in ``<app>/policies.py`` with :func:`define`, and views,
   API operations, services, exports and commands all ask :func:`require` / :func:`allows`.
3. **On which rows?** Always :mod:`zhijian.core.scoping` (``restrict``/``get_scoped``/``can``): a district
   officer holding the policy still sees only her district's rows.

Pages use :func:`policy_view` (or :func:`public_view`), API operations :func:`api_policy` (or
:func:`api_public`): both record the access case on the function, which the URL-walking access test
reads (tests/core/test_access_walk.py) — a route without a declared case fails the suite.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Union

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .errors import Forbidden
from .models import User
from .roles import ADMIN, ALL_ROLES, CITY_WIDE, ENTERPRISE, LAB, OFFICERS, STAFF  # noqa: E402,F401 - re-exported


@dataclass(frozen=True)
class SystemActor:
    """A job, command or event handler acting on its own account (系统操作者), named in the audit log."""

    name: str
    is_authenticated: bool = field(default=False, init=False)
    is_active: bool = field(default=True, init=False)
    role: None = field(default=None, init=False)
    pk: None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise TypeError("a system actor needs a name")

    def __str__(self) -> str:
        return self.name


Actor = Union[User, SystemActor]  # noqa: UP007 - used at run time in isinstance checks


def actor_of(value: Any) -> Actor:
    """``value`` as an actor; refuses strings and ``None`` so that no caller skips a permission check."""
    if isinstance(value, User | SystemActor):
        return value
    raise TypeError(f"an actor must be a User or a SystemActor, not {type(value).__name__}")


def is_system(actor: Any) -> bool:
    return isinstance(actor_of(actor), SystemActor)


@dataclass(frozen=True)
class Policy:
    """A named permission: the roles that hold it, and what it lets them do (in Chinese, for the docs)."""

    name: str
    roles: frozenset[str]
    description: str = ""
    message: str = "您没有执行该操作的权限"
    when: Callable[[Any], bool] | None = None  # a further condition on the user, e.g. the department

    @property
    def conditional(self) -> bool:
        return self.when is not None


_policies: dict[str, Policy] = {}


def define(
    name: str,
    roles: Iterable[str],
    description: str = "",
    message: str = "",
    *,
    when: Callable[[Any], bool] | None = None,
) -> Policy:
    """Declare policy ``name`` (``"<app>.<what>"``); an app's ``policies.py`` calls this at import.

    ``when`` narrows the roles by a further condition on the user (e.g. only the credit department
    among department staff); it must not look at rows — rows are the scoping module's business.
    """
    roles = frozenset(roles)
    unknown = roles - ALL_ROLES
    if unknown:
        raise ValueError(f"policy {name}: unknown roles {sorted(unknown)}")
    policy = Policy(name, roles, description, message or Policy.message, when)
    existing = _policies.get(name)
    if existing is not None and (existing.roles, existing.description) != (policy.roles, policy.description):
        raise ValueError(f"policy {name} is declared twice with different roles")
    _policies[name] = policy
    return policy


def policy(name: str | Policy) -> Policy:
    if isinstance(name, Policy):
        return name
    try:
        return _policies[name]
    except KeyError:
        raise LookupError(f"no access policy named {name!r}") from None


def all_policies() -> dict[str, Policy]:
    return dict(sorted(_policies.items()))


def allows(actor: Any, name: str | Policy) -> bool:
    """Whether ``actor`` holds policy ``name``. System actors hold every policy; anonymous users none."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return isinstance(actor, SystemActor)
    held = policy(name)
    return bool(actor.is_active) and actor.role in held.roles and (held.when is None or held.when(actor))


def require(actor: Any, name: str | Policy, message: str | None = None) -> Actor:
    """Refuse with :class:`Forbidden` unless ``actor`` holds ``name``; return the actor."""
    checked = actor_of(actor)
    if not allows(checked, name):
        raise Forbidden(message=message or policy(name).message)
    return checked


def require_object(actor: Any, obj, action: str = "change", message: str | None = None) -> Actor:
    """Refuse unless ``actor`` may ``action`` the saved ``obj`` under the scoping rules."""
    from .scoping import can

    checked = actor_of(actor)
    if isinstance(checked, SystemActor):
        return checked
    if not can(checked, obj, action):
        raise Forbidden(message=message)
    return checked


# --- declared access on pages and API operations ---------------------------------------------------


@dataclass(frozen=True)
class Access:
    """The access case a route declares: ``public``, or a policy (``login`` is the policy of any role)."""

    public: bool = False
    policy: str | None = None

    def roles(self) -> frozenset[str]:
        return ALL_ROLES if self.policy is None else policy(self.policy).roles


def _mark(fn: Callable, access: Access) -> Callable:
    fn.access = access  # type: ignore[attr-defined]
    return fn


def public_view(fn: Callable) -> Callable:
    """A page anyone may open, logged in or not."""
    return _mark(fn, Access(public=True))


def policy_view(name: str) -> Callable[[Callable], Callable]:
    """A page for holders of ``name``: anonymous → login page, other roles → 403."""
    policy(name)  # fail at import if undeclared

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not allows(user, name):
                raise PermissionDenied(policy(name).message)
            return view(request, *args, **kwargs)

        return _mark(wrapped, Access(policy=name))

    return decorate


def login_view(view: Callable) -> Callable:
    """A page for any logged-in user (its rows are narrowed by scoping)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    return _mark(wrapped, Access())


POLICY_ATTRIBUTE = "_zhijian_policy"


def api_policy(name: str) -> Callable[[Callable], Callable]:
    """An API operation for holders of ``name``.

    The operation tells the request which policy it needs before anything runs; the API's
    authentication classes (``zhijian.api``) check it right after they identify the caller, via
    :func:`check_api_policy`. So: no credentials → 401, a role outside the policy → 403, and only then
    is the request parsed (a refused caller never learns how the operation validates its input).
    """
    policy(name)

    def announce(run: Callable) -> Callable:
        @functools.wraps(run)
        def run_with_policy(request, *args, **kwargs):
            setattr(request, POLICY_ATTRIBUTE, name)
            return run(request, *args, **kwargs)

        return run_with_policy

    def decorate(operation: Callable) -> Callable:
        from ninja.decorators import decorate_view

        return _mark(decorate_view(announce)(operation), Access(policy=name))

    return decorate


def check_api_policy(request, user) -> None:
    """Raise :class:`Forbidden` when the operation being called needs a policy ``user`` lacks."""
    name = getattr(request, POLICY_ATTRIBUTE, None)
    if name is not None and not allows(user, name):
        raise Forbidden(message=policy(name).message)


def api_public(operation: Callable) -> Callable:
    """An API operation without authentication (declare ``auth=None`` on the route as well)."""
    return _mark(operation, Access(public=True))


def api_login(operation: Callable) -> Callable:
    """An API operation for any authenticated caller (rows narrowed by scoping)."""
    return _mark(operation, Access())


def cli_actor(username: str | None, *, default: str = "cli") -> Actor:
    """The actor of a command-line operation: ``--as USERNAME`` (an active user, whose policies and
    scope then apply), else the system actor ``default``. Refuses an unknown or inactive user."""
    from django.core.management.base import CommandError

    if not username:
        return SystemActor(default)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在或已停用")
    return user
