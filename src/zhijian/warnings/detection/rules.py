"""Rules that need no statistics: one finding is enough.

* Banned substance (非法添加/禁用物质): a single failed test for an item on the banned list — e.g.
  the substances of the 食品中可能违法添加的非食用物质名单 and the veterinary drugs banned for
  food animals (农业农村部公告第250号) — is a signal on its own, whatever the series says.
* Same producer, two districts: failures of products of one producer (统一社会信用代码 or name)
  sampled in at least ``min_districts`` different districts within ``window_days`` point to a
  batch that travelled, not to one shop's storage.

Both take plain records (dicts or tuples) so they run on events, imports or test fixtures alike;
the results carry the records behind them as evidence.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Failure:
    """One failed test result (不合格检验结果) as the rules see it."""

    record_id: str
    sampled_on: dt.date
    district: str
    producer: str
    test_item: str
    product: str = ""


@dataclass
class RuleHit:
    """A rule's finding: which rule, its key, and the failures behind it."""

    rule: str
    key: str
    failures: list[Failure] = field(default_factory=list)

    @property
    def districts(self) -> list[str]:
        return sorted({f.district for f in self.failures})


def banned_substance(failures: list[Failure], banned_items: set[str]) -> list[RuleHit]:
    """One hit per failure whose test item is banned (each is a signal by itself)."""
    return [
        RuleHit("banned_substance", f"{f.test_item}|{f.record_id}", [f])
        for f in failures
        if f.test_item in banned_items
    ]


def producer_in_districts(
    failures: list[Failure], *, window_days: int = 30, min_districts: int = 2
) -> list[RuleHit]:
    """Producers whose failures span ``min_districts`` districts within any ``window_days`` window.

    For each producer the failures are swept in date order with a window [d − window_days, d];
    the first window that reaches ``min_districts`` districts opens a hit, later failures within
    the window join it, and a failure after the window starts the search again.
    """
    by_producer: dict[str, list[Failure]] = defaultdict(list)
    for f in failures:
        if f.producer:
            by_producer[f.producer].append(f)
    hits: list[RuleHit] = []
    span = dt.timedelta(days=window_days)
    for producer, rows in sorted(by_producer.items()):
        rows.sort(key=lambda f: (f.sampled_on, f.record_id))
        current: RuleHit | None = None
        start = 0
        for end, row in enumerate(rows):
            if current is not None and row.sampled_on - current.failures[0].sampled_on <= span:
                current.failures.append(row)
                continue
            current = None
            while rows[start].sampled_on < row.sampled_on - span:
                start += 1
            window = rows[start : end + 1]
            if len({f.district for f in window}) >= min_districts:
                current = RuleHit("producer_in_districts", f"{producer}|{window[0].sampled_on}", list(window))
                hits.append(current)
                start = end + 1
    return hits
