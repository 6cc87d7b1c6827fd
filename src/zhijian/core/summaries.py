"""Counts kept a few seconds per user (工作台、分布统计的短时缓存).

A workbench or an overview counts over whole tables on every visit, and people come back to them
often. Such counts may be kept for SUMMARY_CACHE_SECONDS (settings; at most 30 s, 0 in tests) in the
process's cache, under a key of one user and their scope only — never shared between users — and
the page says when they were counted. ``version`` adds what must make the counts fresh at once
(e.g. the latest scoring run), so a change the user just made is not hidden behind the cache.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

T = TypeVar("T")
MAX_SECONDS = 30


def summary_seconds() -> int:
    """How long counts are kept: SUMMARY_CACHE_SECONDS, never more than MAX_SECONDS."""
    return max(0, min(MAX_SECONDS, int(getattr(settings, "SUMMARY_CACHE_SECONDS", 0))))


def kept_for_user(
    user, name: str, compute: Callable[[], T], version: Any = ""
) -> tuple[T, dt.datetime | None]:
    """``compute()`` for ``user``, kept up to summary_seconds(); with when it was counted (None: now)."""
    seconds = summary_seconds()
    if seconds <= 0 or not getattr(user, "pk", None):
        return compute(), None
    scope = (user.pk, user.role, user.jurisdiction_id, user.department_id, user.entity_uscc)
    key = f"zhijian:summary:{name}:{':'.join(map(str, scope))}:{version}"
    kept = cache.get(key)
    if kept is None:
        kept = (compute(), timezone.now())
        cache.set(key, kept, seconds)
    return kept
