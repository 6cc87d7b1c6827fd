"""The navigation, assembled from what each domain app declares.

An app's ``AppConfig`` may carry ``nav``: a list of :class:`NavItem`. The header shows the items whose
``roles`` include the user's role (``PUBLIC`` items show to everyone), grouped by app (its
``verbose_name``): one entry per group, the group of the current page open below the header with the
current page highlighted, and breadcrumbs (工作台 › group › page) on every page. A new domain app adds
its pages without editing the shared template; a role is never offered a page it cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.urls import reverse
from django.utils.translation import get_language

PUBLIC = "public"
PUBLIC_GROUP = "公开信息"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    group: str


def items_for(user) -> list[tuple[str, str]]:
    return [(link.label, link.url) for link in links_for(user)]


def links_for(user) -> list[NavLink]:
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    return _links_for_role(role, get_language())


@lru_cache(maxsize=64)
def _links_for_role(role: str | None, language: str | None) -> list[NavLink]:
    """A role's links: its own work first, grouped by app, then the public pages; worked out once."""
    own, public = [], []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav", ()):
            if role is not None and role in item.roles:
                own.append(NavLink(str(item.label), reverse(item.url_name), str(config.verbose_name)))
            elif PUBLIC in item.roles:
                public.append(NavLink(str(item.label), reverse(item.url_name), PUBLIC_GROUP))
    return own + public


def _current(links: list[NavLink], path: str) -> NavLink | None:
    """The link whose URL is the longest prefix of ``path`` (the home page matches only itself)."""
    best = None
    for link in links:
        matches = path == link.url or (link.url != "/" and path.startswith(link.url))
        if matches and (best is None or len(link.url) > len(best.url)):
            best = link
    return best


def navigation(request):
    """Template context: ``nav_groups`` (label, first URL, active), ``nav_current_group`` links,
    ``nav_current`` and ``breadcrumbs``."""
    links = links_for(request.user)
    current = _current(links, request.path)
    groups: dict[str, str] = {}
    members: dict[str, list[NavLink]] = {}
    for link in links:
        groups.setdefault(link.group, link.url)
        members.setdefault(link.group, []).append(link)
    group_name = current.group if current else None
    crumbs = [("工作台", reverse("core:home"))] if request.user.is_authenticated else []
    if current is not None:
        crumbs.append((current.group, groups[current.group]))
        if current.url != groups[current.group]:
            crumbs.append((current.label, current.url))
    return {
        "nav_items": [(link.label, link.url) for link in links],
        # A group of one page is shown by the page's own name (an enterprise's 我的信用).
        "nav_groups": [
            (members[name][0].label if len(members[name]) == 1 else name, url, name == group_name)
            for name, url in groups.items()
        ],
        "nav_current_group": [link for link in links if link.group == group_name] if group_name else [],
        "nav_current": current,
        "breadcrumbs": crumbs,
        "back_url": current.url if current is not None and current.url != request.path else "",
    }


def site(request):
    """Template context: the site's identity (``settings.SITE``) for the masthead and footer."""
    from django.conf import settings

    return {"site": settings.SITE}
