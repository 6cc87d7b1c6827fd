"""Loading a city's reference data (jurisdictions, departments) from a data file."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import Department, Jurisdiction

DATA_DIR = Path(__file__).parent / "data"


def load_city(name: str = "ningbo", path: Path | None = None) -> dict:
    """Create or update the city's jurisdictions and departments; idempotent."""
    data = json.loads((path or DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    with transaction.atomic():
        by_code: dict[str, Jurisdiction] = {}
        for order, row in enumerate(data["jurisdictions"]):
            parent = by_code.get(row["parent"]) if row["parent"] else None
            unit, _ = Jurisdiction.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "level": row["level"],
                    "division_code": row["division_code"],
                    "parent": parent,
                    "sort_order": order,
                },
            )
            by_code[unit.code] = unit
        for unit in by_code.values():
            district: Jurisdiction | None
            if unit.level in (Jurisdiction.Level.DISTRICT, Jurisdiction.Level.ZONE):
                district = unit
            elif unit.level == Jurisdiction.Level.OFFICE:
                district = unit.parent
            else:
                district = None
            if unit.district_id != (district.pk if district else None):
                unit.district = district
                unit.save(update_fields=["district"])
        for row in data["departments"]:
            Department.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    return {"jurisdictions": len(by_code), "departments": len(data["departments"])}


def county_units():
    return Jurisdiction.objects.filter(level__in=[Jurisdiction.Level.DISTRICT, Jurisdiction.Level.ZONE])
