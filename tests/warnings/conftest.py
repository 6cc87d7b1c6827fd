"""Fixtures of the warnings app: a loaded outside file with a batch failing in three districts."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from zhijian.core.access import SystemActor
from zhijian.warnings import services
from zhijian.warnings.models import Source

HEADER = [
    "记录号",
    "日期",
    "区县",
    "食品类别",
    "危害因素",
    "环节",
    "生产者",
    "产品",
    "批次",
    "数量",
    "检测数",
    "不合格数",
]
SYSTEM = SystemActor("test")


def write_rows(path, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def batch_rows(day: dt.date, districts=("330203", "330205", "330212")):
    return [
        [
            f"B{code}",
            day.isoformat(),
            code,
            "蔬菜制品",
            "苯甲酸",
            "流通",
            "宁波甬鲜食品有限公司",
            "酱腌菜",
            "20260508",
            "",
            1,
            1,
        ]
        for code in districts
    ]


@pytest.fixture
def outside(db):
    return Source.objects.get(code="outside.national_sampling")


@pytest.fixture
def batch_signal(outside, tmp_path, city):
    """The batch failing in 海曙, 江北 and 鄞州 the same week: one rule signal."""
    day = dt.date(2026, 5, 13)
    services.load_source_file(
        actor=SYSTEM, source=outside, path=write_rows(tmp_path / "batch.csv", batch_rows(day))
    )
    signals = services.run_detection(actor=SYSTEM, until=day, weeks=1)
    return next(s for s in signals if s.method == "rule-producer")
