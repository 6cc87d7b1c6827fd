"""Drawing the re-test laboratory (随机确定复检机构), reproducibly.

食品安全法 第八十八条: the authority that accepts a re-test request determines the re-test laboratory
at random from the published list (复检机构名录), and it must not be the laboratory of the first test.
The candidates are the active laboratories on the list for the sample's kind, minus the first
laboratory, ordered by code; the draw picks ``candidates[int(SHA-256("seed|code1,code2,…")) mod n]``.
Seed and candidate list are stored, so anyone can repeat the draw with any SHA-256 tool.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from .models import Kind, Laboratory


class DrawError(ValueError):
    """No laboratory can be drawn; the message says why, in Chinese."""


@dataclass(frozen=True)
class DrawOutcome:
    laboratory: Laboratory
    seed: str
    candidates: list[str]


def new_seed() -> str:
    """A fresh seed: 64 random bits from the operating system, as decimal text."""
    return str(secrets.randbits(64))


def pick(seed: str, candidates: list[str]) -> str:
    """The code drawn from ``candidates`` (already ordered) by ``seed``."""
    if not candidates:
        raise DrawError("没有可抽取的复检机构")
    digest = hashlib.sha256(f"{seed}|{','.join(candidates)}".encode()).hexdigest()
    return candidates[int(digest, 16) % len(candidates)]


def eligible(first_lab_id: int, kind: str) -> list[Laboratory]:
    labs = Laboratory.objects.filter(active=True, retest_qualified=True).exclude(pk=first_lab_id)
    labs = labs.filter(tests_food=True) if kind == Kind.FOOD else labs.filter(tests_products=True)
    return list(labs.order_by("code"))


def draw_retest_lab(*, first_lab_id: int, kind: str, seed: str | None = None) -> DrawOutcome:
    """Draw among the qualified laboratories other than ``first_lab_id``."""
    labs = eligible(first_lab_id, kind)
    if not labs:
        raise DrawError("复检机构名录中没有除初检机构以外的可用机构，无法抽取复检机构")
    seed = seed or new_seed()
    codes = [lab.code for lab in labs]
    chosen = pick(seed, codes)
    laboratory = next(lab for lab in labs if lab.code == chosen)
    assert laboratory.pk != first_lab_id
    return DrawOutcome(laboratory=laboratory, seed=seed, candidates=codes)


def replay(objection) -> str:
    """Repeat a recorded draw: the code it must have chosen (compare with ``objection.retest_lab``)."""
    return pick(objection.draw_seed, list(objection.draw_candidates))
