"""What a domain app offers the rest of the platform, declared on its ``AppConfig`` (应用挂接点).

Domain apps never import each other. Whatever crosses between them goes through events
(:mod:`zhijian.core.events`) or through these hooks, which ``core`` collects from every installed app:

``nav``
    :class:`~zhijian.core.nav.NavItem` list for the header (see :mod:`zhijian.core.nav`).
``todos``
    dotted path to ``fn(user) -> list[Todo]``: the app's items on the role workbench (工作台).
``indicators``
    dotted path to ``fn() -> list[IndicatorSource]``: the plan indicators the app computes for the
    cockpit (规划实施驾驶舱); the indicators app reads them through :func:`indicator_sources`.
``figures``
    dotted path to ``fn(user) -> list[Figure]``: the app's key figures for the user's workbench.
``links``
    ``{link name: URL name}``: pages other apps may link to (:func:`link`), e.g. the credit file of an
    entity, ``"credit.entity": "credit:entity"``. An app that is not installed simply yields no link.
``providers``
    ``{provider name: dotted path}``: small declared read interfaces (e.g. ``"credit.class_of"`` →
    a function returning an entity's credit class); :func:`provider` returns the callable or ``None``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Todo:
    """One line of a role's workbench: what waits, how many, the nearest deadline, where to do it."""

    app: str
    label: str
    count: int
    url: str
    due: dt.date | None = None
    overdue: int = 0
    urgent: bool = False

    @property
    def sort_key(self) -> tuple:
        return (-self.overdue, self.due or dt.date.max, -self.count)


@dataclass(frozen=True)
class Figure:
    """A key figure on a workbench card: a count or rate in the user's scope, one click from its list.

    With a ``target`` the card shows it beside the value and whether it is met (core/_figure.html);
    ``percent`` shows a ratio (0–1) as a percentage; ``higher_is_better`` False for figures such as
    overdue counts, where the target is a ceiling.
    """

    app: str
    label: str
    value: int | float | str
    url: str = ""
    unit: str = ""
    target: float | None = None
    percent: bool = False
    higher_is_better: bool = True


@dataclass(frozen=True)
class IndicatorSource:
    """A computed plan indicator an app contributes (its ``code`` matches the indicator catalogue).

    ``compute(start, end, district_id | None)`` builds an Ibis expression over the app's own tables
    (:func:`zhijian.core.analytics.source`) for the period ``start``–``end`` (dates, both included):
    one row per county-level jurisdiction, columns ``district_id`` (int64), ``numerator`` (int64) and
    ``denominator`` (int64; null for a plain count), narrowed to ``district_id`` when given. The
    indicators app runs it on the database or, unchanged, on Spark, and takes
    ``value = numerator × scale ÷ denominator`` (× 365 ÷ days of the period when ``annualise``); the
    city's value sums the districts' numerators and denominators, except that a ``city_denominator``
    of ``"same"`` says every district carries the city-wide denominator (e.g. the size of the
    check-item catalogue). ``records_url(start, end, district_id | None)`` lists the records behind
    the value. A row whose ``district_id`` is null, when present, is the city's own figure and
    replaces the sum (for numerators that do not add up, e.g. distinct items). A row of the city's
    own jurisdiction (city-organised work) adds to the city like a district's. ``start`` and ``end``
    may appear only as values inside the expression (dates, or ``end.year``): the indicators app
    compiles a definition once and puts each period's dates into it. ``extra`` is free.
    """

    code: str
    app: str
    compute: Callable[..., Any]
    records_url: Callable[..., str] | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    scale: Decimal = Decimal(1)
    annualise: bool = False
    city_denominator: str = "sum"
    # A stock (e.g. entities in the register) may also give ``changes(end, district_id | None)``:
    # its net change per jurisdiction and day up to ``end`` (columns district_id, day, delta); a
    # batch over many periods then reads the tables once and sums the changes up to each period's end.
    changes: Callable[..., Any] | None = None


def _configs_with(attribute: str):
    for config in apps.get_app_configs():
        value = getattr(config, attribute, None)
        if value:
            yield config, value


def todos_for(user) -> list[Todo]:
    """Every app's to-dos for ``user``, overdue first, then by nearest deadline."""
    items: list[Todo] = []
    for _config, path in _configs_with("todos"):
        items.extend(t for t in import_string(path)(user) if t.count)
    return sorted(items, key=lambda t: t.sort_key)


def figures_for(user) -> list[Figure]:
    """Every app's key figures for ``user``, in app order."""
    items: list[Figure] = []
    for _config, path in _configs_with("figures"):
        items.extend(import_string(path)(user))
    return items


def indicator_sources() -> dict[str, IndicatorSource]:
    sources: dict[str, IndicatorSource] = {}
    for config, path in _configs_with("indicators"):
        for source in import_string(path)():
            if source.code in sources:
                raise ValueError(f"indicator {source.code} is computed by two apps ({config.label})")
            sources[source.code] = source
    return sources


@cache
def _links() -> dict[str, str]:
    table: dict[str, str] = {}
    for _config, links in _configs_with("links"):
        table.update(links)
    return table


def link(name: str, *args, **kwargs) -> str | None:
    """URL of another app's page by its link name, or ``None`` when that app (or page) is absent."""
    url_name = _links().get(name)
    if url_name is None:
        return None
    try:
        return reverse(url_name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


@cache
def _providers() -> dict[str, str]:
    table: dict[str, str] = {}
    for _config, providers in _configs_with("providers"):
        table.update(providers)
    return table


def provider(name: str) -> Callable[..., Any] | None:
    """A declared read interface of another app (e.g. ``"credit.class_of"``), or ``None`` if absent."""
    path = _providers().get(name)
    return import_string(path) if path else None


def providers_named(prefix: str) -> list[Callable[..., Any]]:
    """Every declared provider whose name starts with ``prefix`` (e.g. ``"inspections.eligible."``)."""
    return [import_string(path) for name, path in sorted(_providers().items()) if name.startswith(prefix)]
