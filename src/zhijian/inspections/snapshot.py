"""The database side of a draw: freezing the eligible list, and ranking it at city scale.

Freezing copies the eligible firms with their strata into ``DrawCandidate`` with one
``INSERT … SELECT`` (no rows through Python), then reads them back as the canonical text whose
SHA-256 is published. Drawing on PostgreSQL lets the database compute each firm's key with its
built-in ``sha256()`` and return only the firms under a bound that is sure to hold the k smallest;
Python sorts those few. Elsewhere (SQLite) Python computes every key. Both give the same bits: the
bound only narrows what is read, and the tests compare the two paths with the pure algorithm.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection
from django.db.models import QuerySet

from . import algorithm
from .models import DrawCandidate

_NEVER = b""  # nothing is smaller than the empty byte string: a stratum drawing none
_ALWAYS = b"\xff" * 33  # every 32-byte key is smaller: a stratum drawing (almost) all


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def freeze_candidates(draw_id: int, eligible: QuerySet) -> None:
    """Copy ``eligible`` (entities annotated with ``stratum``) into the draw's candidate rows."""
    # In USCC order, so that the key index of the snapshot is built by appending.
    select = eligible.values_list("pk", "uscc", "stratum").order_by("uscc")
    sql, params = select.query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(c) for c in ("draw_id", "entity_id", "uscc", "stratum"))
    # The inner query is Django's own SQL; the draw id is a parameter.
    statement = f"INSERT INTO {_table(DrawCandidate)} ({columns}) SELECT %s, t.* FROM ({sql}) t"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, [draw_id, *params])


def candidate_lines(draw_id: int) -> list[bytes]:
    """The draw's candidates as unsorted canonical lines ``b"USCC,S\\n"``."""
    table = _table(DrawCandidate)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = f"COPY (SELECT uscc, stratum FROM {table} WHERE draw_id = %s) TO STDOUT"  # noqa: S608
            chunks = []
            with cursor.cursor.copy(query, [draw_id]) as copy:
                for chunk in copy:
                    chunks.append(bytes(chunk))
            return b"".join(chunks).replace(b"\t", b",").splitlines(keepends=True)
        cursor.execute(f"SELECT uscc, stratum FROM {table} WHERE draw_id = %s", [draw_id])  # noqa: S608
        return [f"{u},{s}\n".encode("ascii") for u, s in cursor.fetchall()]


def canonical_snapshot(draw_id: int) -> bytes:
    """The frozen eligible list of a draw in canonical form (what ``eligible_sha256`` covers)."""
    return algorithm.canonical_from_lines(candidate_lines(draw_id))


def entity_ids(draw_id: int, usccs: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(usccs), 500):
        chunk = usccs[start : start + 500]
        found.update(
            DrawCandidate.objects.filter(draw_id=draw_id, uscc__in=chunk).values_list("uscc", "entity_id")
        )
    return found


Selection = tuple[list[algorithm.Selected], dict[str, int]]


def select_in_database(
    draw_id: int, strata_counts: Mapping[str, int], ratios: Mapping[str, str], seed: bytes
) -> Selection:
    """Draw on PostgreSQL: keys computed by the database, only the firms under each stratum's bound read."""
    counts = {s: algorithm.stratum_count(strata_counts.get(s, 0), ratios[s]) for s in algorithm.STRATA}
    widen = dict.fromkeys(algorithm.STRATA, 0)
    table = _table(DrawCandidate)
    while True:
        bounds = {}
        for s in algorithm.STRATA:
            if counts[s] == 0:
                bounds[s] = _NEVER
            else:
                bound = algorithm._bound(strata_counts[s], counts[s], widen[s])
                bounds[s] = _ALWAYS if bound is None else bound
        case = " ".join(f"WHEN '{s}' THEN %s::bytea" for s in algorithm.STRATA)
        query = (
            f"SELECT uscc, stratum, sha256(%s::bytea || convert_to(uscc, 'UTF8')) AS key, entity_id FROM {table} "  # noqa: S608
            f"WHERE draw_id = %s AND sha256(%s::bytea || convert_to(uscc, 'UTF8')) < CASE stratum {case} END"
        )
        params = [seed, draw_id, seed, *(bounds[s] for s in algorithm.STRATA)]
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            rows = cursor.fetchall()
        found: dict[str, list[tuple[bytes, bytes]]] = {s: [] for s in algorithm.STRATA}
        ids = {}
        for uscc, stratum, key, entity_id in rows:
            found[stratum].append((bytes(key), uscc.encode("ascii")))
            ids[uscc] = entity_id
        short = [s for s in algorithm.STRATA if len(found[s]) < counts[s] and bounds[s] != _ALWAYS]
        if not short:
            break
        for s in short:
            widen[s] += 1
    chosen = []
    for s in algorithm.STRATA:
        ranked = sorted(found[s])[: counts[s]]
        for rank, (key, uscc) in enumerate(ranked, start=1):
            chosen.append(algorithm.Selected(uscc.decode("ascii"), s, rank, key.hex()))
    return chosen, {c.uscc: ids[c.uscc] for c in chosen}


def select_in_python(
    draw_id: int, ratios: Mapping[str, str], seed: bytes, canonical: bytes | None = None
) -> list[algorithm.Selected]:
    members = algorithm.parse_canonical(canonical if canonical is not None else canonical_snapshot(draw_id))
    return algorithm.select(members, ratios, seed)


def select_candidates(
    draw_id: int, strata_counts: Mapping[str, int], ratios: Mapping[str, str], seed: bytes
) -> Selection:
    """The drawn firms, and the entity id of each (by USCC)."""
    if connection.vendor == "postgresql":
        return select_in_database(draw_id, strata_counts, ratios, seed)
    chosen = select_in_python(draw_id, ratios, seed)
    return chosen, entity_ids(draw_id, [c.uscc for c in chosen])
