"""The navigation bar, assembled from what each domain app declares.

An app's ``AppConfig`` may carry ``nav``: a list of :class:`NavItem`. The header shows the items
whose ``roles`` include the user's role (``PUBLIC`` items show to everyone), in app order, so that a
new domain app adds its pages without editing the shared template.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.urls import reverse
from django.utils.translation import get_language

PUBLIC = "public"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


def items_for(user) -> list[tuple[str, str]]:
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    return _items_for_role(role, get_language())


@lru_cache(maxsize=64)
def _items_for_role(role: str | None, language: str | None) -> list[tuple[str, str]]:
    """The header's links of a role: its own work first, then the public pages; worked out once per process."""
    own, public = [], []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav", ()):
            if role is not None and role in item.roles:
                own.append((str(item.label), reverse(item.url_name)))
            elif PUBLIC in item.roles:
                public.append((str(item.label), reverse(item.url_name)))
    return own + public


def navigation(request):
    """Template context processor: ``nav_items`` for the header."""
    return {"nav_items": items_for(request.user)}
