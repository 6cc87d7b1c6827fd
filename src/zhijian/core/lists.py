"""Lists (列表) every app shares: a capped total, pages of a chosen size, a page jump, sortable columns
from a whitelist, and the filter choices a user may see.

A view hands :func:`paginate` a scoped, filtered queryset and the sorts the list allows; the template
includes ``core/_pager.html`` and heads its sortable columns with ``{% sort_th page "key" "label" %}``
(``core/templatetags/lists.py``). Only sorts that stay fast at city scale go in a whitelist: a list
whose result is larger than ``COUNT_CAP`` keeps its default (index-backed) order when
``bounded_sorts`` is set, so the 1.5-million-entity register is never sorted whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import QuerySet

from .params import choice_param, page_param
from .scoping import covers

COUNT_CAP = 10_000
PAGE_SIZES = (20, 50, 100)


@dataclass(frozen=True)
class Sort:
    """One sortable column: its label and the ``order_by`` of its ascending order."""

    label: str
    order: tuple[str, ...]


@dataclass
class ListPage:
    """One page of a list and what its pager and headings need."""

    rows: list
    page: int
    size: int
    has_next: bool
    total: int
    capped: bool
    sort: str  # "" (the default order), "key" or "-key"
    sorts: Mapping[str, Sort]
    sort_ignored: bool = False
    params: dict[str, str] = field(default_factory=dict)  # the filters, without page, size or sort

    size_choices: tuple[int, ...] = PAGE_SIZES
    default_size: int = PAGE_SIZES[1]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def url(self, **changes) -> str:
        """``?…`` for this list with ``changes`` (page, size, sort); an empty value drops the key."""
        merged: dict[str, str] = dict(self.params)
        if self.sort:
            merged["sort"] = self.sort
        if self.size != self.default_size:
            merged["size"] = str(self.size)
        merged["page"] = str(self.page)
        merged.update({k: str(v) for k, v in changes.items()})
        return "?" + urlencode({k: v for k, v in merged.items() if v not in ("", "None")})

    def hidden_fields(self, *skip: str) -> list[tuple[str, str]]:
        """The current filters (and sort) as hidden inputs for the jump and size forms."""
        fields = dict(self.params)
        if self.sort:
            fields["sort"] = self.sort
        return [(k, v) for k, v in fields.items() if k not in skip]

    @property
    def previous_url(self) -> str:
        return self.url(page=self.page - 1) if self.page > 1 else ""

    @property
    def next_url(self) -> str:
        return self.url(page=self.page + 1) if self.has_next else ""

    def sort_url(self, key: str) -> str:
        """Ascending on the first click, descending on the second, the default order on the third."""
        if self.sort == key:
            return self.url(sort="-" + key, page=1)
        if self.sort == "-" + key:
            return self.url(sort="", page=1)
        return self.url(sort=key, page=1)

    def direction(self, key: str) -> str:
        """``ascending``, ``descending`` or ``none`` (the values of ``aria-sort``)."""
        if self.sort == key:
            return "ascending"
        if self.sort == "-" + key:
            return "descending"
        return "none"


def filters_of(request, *names: str) -> dict[str, str]:
    """The named query parameters that are set, to keep in the pager's links (already validated by the
    view's own filter; echoed URL-encoded only)."""
    return {name: request.GET[name] for name in names if request.GET.get(name)}


def capped_count(queryset: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """The number of rows up to ``cap``, and whether there are more (a bounded count at city scale)."""
    n = queryset.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


def paginate(
    request,
    queryset: QuerySet,
    *,
    sorts: Mapping[str, Sort] | None = None,
    params: Mapping[str, str] | None = None,
    bounded_sorts: bool = False,
    default_size: int = PAGE_SIZES[1],
    sliced: QuerySet | None = None,
) -> ListPage:
    """One page of ``queryset`` (already scoped and filtered, in its default order).

    ``sorts`` is the whitelist of sortable columns (``?sort=key`` or ``-key``; anything else is 400);
    ``params`` the active filters (kept in every link); ``bounded_sorts`` keeps the default order when
    more than ``COUNT_CAP`` rows match. ``sliced`` is the queryset to read the page from when it
    differs from the one counted (the register's newest-window search).
    """
    sorts = sorts or {}
    allowed = [k for k in sorts] + ["-" + k for k in sorts]
    sort = choice_param(request.GET, "sort", allowed) if sorts else ""
    size = int(choice_param(request.GET, "size", [str(s) for s in PAGE_SIZES], default=str(default_size)))
    page = page_param(request.GET)
    total, capped = capped_count(queryset)
    ignored = False
    source = queryset if sliced is None else sliced
    if sort and bounded_sorts and capped:
        ignored = True
    elif sort:
        key = sort.lstrip("-")
        order = sorts[key].order
        if sort.startswith("-"):
            order = tuple(o[1:] if o.startswith("-") else "-" + o for o in order)
        source = queryset.order_by(*order, "-pk" if sort.startswith("-") else "pk")
    if not capped:
        page = min(page, max(1, -(-total // size)))
    start = (page - 1) * size
    rows = list(source[start : start + size + 1])
    return ListPage(
        rows=rows[:size],
        page=page,
        size=size,
        has_next=len(rows) > size,
        total=total,
        capped=capped,
        sort=sort,
        sorts=sorts,
        sort_ignored=ignored,
        params={k: str(v) for k, v in (params or {}).items() if v not in ("", None)},
        default_size=default_size,
    )


def visible_districts(user, districts: Sequence) -> list:
    """The county-level units of ``districts`` that ``user``'s territory covers (filter choices)."""
    return [d for d in districts if covers(user, d)]
