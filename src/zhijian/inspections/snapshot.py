"""The database side of a draw: the frozen eligible list and the drawn list, stored compactly.

A city-scale freeze holds 1.5 million firms. Kept as rows, every draw would pay per-row costs
(executor, index and constraint work) many times over; kept as one value per stratum — the sorted
USCCs joined by newlines — the draw reads ~28 MB in one piece and ranks it in Python, the same
code on PostgreSQL and SQLite (docs/inspections-draw.md, bench/RESULTS.md). The canonical text
whose SHA-256 is published is rebuilt from these values when it is needed (verification, packages).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from . import algorithm
from .models import Draw, DrawSnapshot

SEPARATOR = b"|"  # between strata; never in a USCC


def read_eligible(eligible: QuerySet) -> list[bytes]:
    """The eligible firms as unsorted canonical lines ``b"USCC,S\\n"``, read in one pass."""
    select = eligible.values_list("uscc", "stratum").order_by()
    sql, params = select.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            chunks = []
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
                for chunk in copy:
                    chunks.append(bytes(chunk))
            return b"".join(chunks).replace(b"\t", b",").splitlines(keepends=True)
        cursor.execute(sql, params)
        return [f"{u},{s}\n".encode("ascii") for u, s in cursor.fetchall()]


def pack_members(canonical: bytes, strata: tuple[str, ...] = algorithm.STRATA) -> bytes:
    """Per stratum, in drawing order (A…U for market entities), the USCCs of a canonical list joined
    by newlines; strata by ``|``."""
    lines = canonical.splitlines()
    groups: dict[str, list[bytes]] = {s: [] for s in strata}
    for line in lines:
        groups[chr(line[19])].append(line[:18])
    return SEPARATOR.join(b"\n".join(groups[s]) for s in strata)


def unpack_members(packed: bytes, strata: tuple[str, ...] = algorithm.STRATA) -> dict[str, list[bytes]]:
    parts = bytes(packed).split(SEPARATOR)
    if len(parts) != len(strata):
        raise algorithm.DrawInputError("名录快照格式错误")
    return {s: (part.split(b"\n") if part else []) for s, part in zip(strata, parts, strict=True)}


def canonical_from_members(members: dict[str, list[bytes]]) -> bytes:
    """The canonical eligible text rebuilt from the strata (sorted again, duplicates refused)."""
    lines = [u + b"," + s.encode("ascii") + b"\n" for s, usccs in members.items() for u in usccs]
    return algorithm.canonical_from_lines(lines)


def _strata_of_draw(draw_id: int) -> tuple[str, ...]:
    return algorithm.strata_of(Draw.objects.values_list("object_kind", flat=True).get(pk=draw_id))


def members_of(draw_id: int) -> dict[str, list[bytes]]:
    """The frozen list per stratum, in the draw's strata (its kind of objects)."""
    packed = DrawSnapshot.objects.values_list("members", flat=True).get(draw_id=draw_id)
    return unpack_members(packed, _strata_of_draw(draw_id))


def canonical_snapshot(draw_id: int) -> bytes:
    """The frozen eligible list of a draw in canonical form (what ``eligible_sha256`` covers)."""
    return canonical_from_members(members_of(draw_id))


def selected_of(draw_id: int) -> list[algorithm.Selected]:
    """The stored drawn list (empty before the draw): USCC, stratum, rank; keys are not stored."""
    text = bytes(DrawSnapshot.objects.values_list("selected", flat=True).get(draw_id=draw_id))
    rows = []
    for line in text.decode("ascii").splitlines():
        uscc, stratum, rank = line.split(",")
        rows.append(algorithm.Selected(uscc, stratum, int(rank), ""))
    return rows
