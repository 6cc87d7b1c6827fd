"""Excel export of a filtered entity list, safe against formula injection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zhijian.core.exports import Column, safe_cell, write_xlsx  # noqa: F401 - safe_cell re-exported

from .industries import cluster_choices, industry_label
from .models import Entity, EntityStatus, EntityType

COLUMNS = [
    Column("统一社会信用代码", 22),
    Column("名称", 36),
    Column("类型", 18),
    Column("法定代表人", 12),
    Column("注册资本（万元）", 16, "#,##0.00"),
    Column("成立日期", 12, "yyyy-mm-dd"),
    Column("登记状态", 10),
    Column("住所", 40),
    Column("管辖单位", 22),
    Column("所属行业", 28),
    Column("246产业集群", 16),
]
HEADERS = [c.label for c in COLUMNS]


def filter_labels(flt) -> list[tuple[str, str]]:
    """The filters of an entity list as (label, value) in words, for the export's title row."""
    from zhijian.core.models import Jurisdiction

    jurisdiction = Jurisdiction.objects.filter(pk=flt.jurisdiction).first() if flt.jurisdiction else None
    return [
        ("关键词", flt.q),
        ("辖区", jurisdiction.name if jurisdiction else ""),
        ("类型", dict(EntityType.choices).get(flt.entity_type, flt.entity_type)),
        ("状态", dict(EntityStatus.choices).get(flt.status, flt.status)),
        ("行业", industry_label(flt.industry) if flt.industry else ""),
        ("产业集群", dict(cluster_choices()).get(flt.cluster, flt.cluster)),
        ("标签", flt.tag),
    ]


def export_entities(user, params, out, *, progress=None) -> int:
    """Write the register as ``user`` sees it under the filters ``params`` (page, job and CLI alike)."""
    from django.conf import settings

    from .queries import EntityFilter, search_entities

    flt = EntityFilter.from_params(params)
    qs = search_entities(user, flt)[: settings.EXPORT_MAX_ROWS]
    total = qs.count() if progress is not None else 0
    return write_entities_xlsx(
        qs.iterator(chunk_size=2000), out, filter_labels(flt), progress=progress, total=total
    )


def write_entities_xlsx(
    entities: Iterable[Entity], out, filters: Sequence[tuple[str, str]] = (), *, progress=None, total: int = 0
) -> int:
    clusters = dict(cluster_choices())
    rows = (
        (
            e.uscc,
            e.name,
            e.get_entity_type_display(),
            e.legal_representative,
            float(e.registered_capital) if e.registered_capital is not None else None,
            e.established_on,
            e.get_status_display(),
            e.address,
            e.jurisdiction.name,
            industry_label(e.industry_code),
            clusters.get(e.cluster, ""),
        )
        for e in entities
    )
    return write_xlsx(
        out,
        title="市场主体名录",
        columns=COLUMNS,
        rows=rows,
        filters=filters,
        sheet_name="市场主体",
        progress=progress,
        total=total,
    )
