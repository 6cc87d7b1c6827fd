"""Name-fragment search (名称模糊查询) on a bigram index.

Chinese names have no word boundaries, and people search them by two-, three- or four-character
fragments ("恒达", "恒达机械"). Every entity keeps the set of character pairs of its name
(``name_grams``); a fragment's own pairs must all be in that set, which a GIN index on
PostgreSQL answers at once, and ``LIKE`` then confirms the exact fragment. Unlike trigrams, pairs
serve two-character fragments too; unlike an index on an SQL expression, the pairs are computed
once by the application when a name is written, so a city-scale import does not pay for them on
the database server. PostgreSQL keeps statistics of array elements, so the planner knows that
"有限" is in half the names and "恒达" in a few hundred.

On SQLite (the embedded demo database) the column holds the same pairs as JSON text and the search
is a plain ``LIKE``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from django.db import NotSupportedError, connection, models
from django.db.models import Lookup

# Pairs that nearly every name holds (the city's name in front, the legal form behind): indexing them
# would cost a fifth of the index and narrow no search, so they are left out of every set of pairs.
STOP_GRAMS = frozenset({"宁波", "有限", "限公", "公司"})


def name_bigrams(name: str) -> list[str]:
    """The distinct character pairs of ``name`` but STOP_GRAMS, sorted: '恒达机械' → ['恒达', '机械', '达机'].

    A name that contains a fragment contains every pair of the fragment, so the pairs only ever
    narrow the candidates that ``LIKE`` then confirms; they never drop a match. A fragment made of
    stop pairs only ("有限公司") has no pairs and is searched by ``LIKE`` alone.
    """
    return sorted({name[i : i + 2] for i in range(len(name) - 1)} - STOP_GRAMS)


class BigramsField(models.Field):
    """A list of short strings: ``text[]`` on PostgreSQL (GIN-indexable), JSON text elsewhere."""

    description = "character bigrams"

    def db_type(self, connection):
        return "text[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if connection.vendor == "postgresql":
            return list(value)
        return json.dumps(list(value), ensure_ascii=False)

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value)
        return value


@BigramsField.register_lookup
class ContainsAll(Lookup):
    """``name_grams__contains_all=[...]``: every given pair is present (PostgreSQL ``@>``)."""

    lookup_name = "contains_all"

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            raise NotSupportedError("contains_all needs PostgreSQL; search falls back to LIKE elsewhere")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @> {rhs}::text[]", [*lhs_params, *rhs_params]


@dataclass(frozen=True)
class BigramStatistics:
    """How often the commonest bigrams occur, as PostgreSQL's ANALYZE last saw the register."""

    rows: int
    frequency: dict[str, float]
    floor: float  # every bigram not in ``frequency`` is rarer than this

    def most_matches(self, fragment: str) -> int:
        """An upper bound of the names containing ``fragment``: its rarest bigram's count."""
        grams = name_bigrams(fragment)
        if not grams:
            return self.rows
        return int(self.rows * min(self.frequency.get(g, self.floor) for g in grams))


_statistics: tuple[float, BigramStatistics | None] = (0.0, None)
STATISTICS_TTL = 600.0


def bigram_statistics() -> BigramStatistics | None:
    """The register's bigram statistics from ``pg_stats`` (cached for STATISTICS_TTL seconds)."""
    global _statistics
    read_at, cached = _statistics
    if time.monotonic() - read_at < STATISTICS_TTL:
        return cached
    cached = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples::bigint "
                "FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
                "WHERE s.tablename = 'registry_entity' AND s.attname = 'name_grams' AND s.schemaname = 'public'"
            )
            row = cursor.fetchone()
        if row and row[0] and row[2] > 0:
            elements, freqs, rows = row
            # The array carries a frequency per element, then the minimum, the maximum and nulls.
            cached = BigramStatistics(rows, dict(zip(elements, freqs, strict=False)), freqs[len(elements)])
    _statistics = (time.monotonic(), cached)
    return cached
