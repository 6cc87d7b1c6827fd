"""Loading the sampling catalogue (抽检目录) and the population figures from their data files.

Both are reference data an administrator maintains: loading is idempotent (matched by code), updates
what changed and audits it; nothing is deleted, because samples keep pointing at the items they
were judged by.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from zhijian.core import audit
from zhijian.core.access import SystemActor
from zhijian.core.models import Jurisdiction

from .judgement import RULES, Limit, canonical_unit, plain
from .models import Category, Population, Standard, TestItem

DATA_DIR = Path(__file__).parent / "data"


class CatalogueError(ValueError):
    """A catalogue file that cannot be loaded; the message names the entry."""


REFERENCE_LOADER = SystemActor("system:sampling-reference")


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _item_fields(category_code: str, order: int, row: dict) -> dict:
    where = f"{category_code}/{row.get('code', '?')}"
    if row.get("rule") not in RULES:
        raise CatalogueError(f"{where}：判定方式“{row.get('rule')}”无效")
    unit = canonical_unit(row.get("unit", ""))
    plan = row.get("plan")
    fields = {
        "name": row["name"],
        "item_type": row["type"],
        "rule": row["rule"],
        "limit": _decimal(row.get("limit")),
        "limit_low": _decimal(row.get("low")),
        "unit": unit,
        "plan_n": plan[0] if plan else None,
        "plan_c": plan[1] if plan else None,
        "plan_m": _decimal(plan[2]) if plan else None,
        "plan_big_m": _decimal(plan[3]) if plan else None,
        "standard": row["standard"],
        "clause": row.get("clause", ""),
        "method": row.get("method", ""),
        "method_lod": _decimal(row.get("lod")),
        "sort_order": order,
    }
    try:  # the limit must make sense before it is stored
        Limit(
            rule=fields["rule"],
            unit=unit,
            value=fields["limit"],
            low=fields["limit_low"],
            plan=(plan[0], plan[1], fields["plan_m"], fields["plan_big_m"]) if plan else None,
        )
    except ValueError as exc:
        raise CatalogueError(f"{where}：{exc}") from exc
    if not fields["standard"]:
        raise CatalogueError(f"{where}：缺少限量来源标准")
    return fields


def load_catalogue(path: Path | None = None, *, actor=REFERENCE_LOADER) -> dict:
    """Create or update standards, categories and test items from ``path``; return counts."""
    data = json.loads((path or DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))
    counts = {"standards": 0, "categories": 0, "items": 0, "changed": 0}
    changes: list[audit.Change] = []
    with transaction.atomic():
        for row in data["standards"]:
            Standard.objects.update_or_create(
                code=row["code"],
                defaults={
                    "title": row["title"],
                    "effective": dt.date.fromisoformat(row["effective"]) if row.get("effective") else None,
                },
            )
            counts["standards"] += 1
        known = set(Standard.objects.values_list("code", flat=True))
        order = 0
        for parent_row in data["categories"]:
            order += 1
            parent, _ = Category.objects.update_or_create(
                code=parent_row["code"],
                defaults={
                    "kind": parent_row["kind"],
                    "name": parent_row["name"],
                    "parent": None,
                    "sort_order": order,
                },
            )
            counts["categories"] += 1
            for child_row in parent_row["children"]:
                order += 1
                child, _ = Category.objects.update_or_create(
                    code=child_row["code"],
                    defaults={
                        "kind": parent_row["kind"],
                        "name": child_row["name"],
                        "parent": parent,
                        "sort_order": order,
                    },
                )
                counts["categories"] += 1
                existing = {item.code: item for item in TestItem.objects.filter(category=child)}
                for item_order, item_row in enumerate(child_row["items"], start=1):
                    fields = _item_fields(child.code, item_order, item_row)
                    if fields["standard"] not in known:
                        raise CatalogueError(
                            f"{child.code}/{item_row['code']}：标准“{fields['standard']}”未登记"
                        )
                    item = existing.get(item_row["code"])
                    counts["items"] += 1
                    if item is None:
                        item = TestItem.objects.create(category=child, code=item_row["code"], **fields)
                        changes.append(
                            audit.Change(
                                "sampling.item.create", "TestItem", str(item.pk), None, _image(fields)
                            )
                        )
                        continue
                    before = {f: getattr(item, f) for f in fields}
                    if _image(before) != _image(fields):
                        for f, v in fields.items():
                            setattr(item, f, v)
                        item.save()
                        counts["changed"] += 1
                        changes.append(
                            audit.Change(
                                "sampling.item.update",
                                "TestItem",
                                str(item.pk),
                                _image(before),
                                _image(fields),
                            )
                        )
        if changes:
            audit.record_many(actor, changes)
    return counts


def _image(fields: dict) -> dict:
    return {k: (str(plain(v)) if isinstance(v, Decimal) else v) for k, v in fields.items()}


def load_population(path: Path | None = None) -> int:
    """Create or update the population rows of the data file; return how many."""
    data = json.loads((path or DATA_DIR / "population.json").read_text(encoding="utf-8"))
    units = {
        j.code: j for j in Jurisdiction.objects.filter(code__in=[r["jurisdiction"] for r in data["rows"]])
    }
    with transaction.atomic():
        for row in data["rows"]:
            unit = units.get(row["jurisdiction"])
            if unit is None:
                raise CatalogueError(f"辖区“{row['jurisdiction']}”不存在，请先载入城市参考数据")
            Population.objects.update_or_create(
                jurisdiction=unit,
                year=row["year"],
                defaults={"residents": row["residents"], "source": row["source"]},
            )
    return len(data["rows"])


def load_reference(*, actor=REFERENCE_LOADER) -> dict:
    counts = load_catalogue(actor=actor)
    counts["population"] = load_population()
    return counts
