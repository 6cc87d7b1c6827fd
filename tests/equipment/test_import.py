"""The provincial register export: CSV (UTF-8, GB18030) and XLSX, all or nothing, idempotent."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from zhijian.core.access import SystemActor
from zhijian.equipment.importing import import_units
from zhijian.equipment.models import Unit, UnitChange

CLI = SystemActor("cli")

pytestmark = pytest.mark.django_db
HEADER = [
    "设备代码",
    "设备种类",
    "设备品种代码",
    "使用登记证编号",
    "使用单位统一社会信用代码",
    "维保单位统一社会信用代码",
    "所在区县",
    "设备使用地点",
    "使用场所",
    "制造单位",
    "投入使用日期",
    "使用登记日期",
    "设备状态",
    "最近检验日期",
    "下次检验日期",
]


def rows(parties):
    return [
        [
            "31103302032019000011",
            "电梯",
            "3110",
            "梯11浙B00011",
            parties["mall"].uscc,
            parties["lift_a"].uscc,
            "海曙区",
            "中山西路2号天一商场",
            "商场",
            "奥的斯电梯（中国）有限公司",
            "2019-04-01",
            "2019-04-20",
            "在用",
            "2025-04-10",
            "2027-04-10",
        ],
        [
            "21703302122018000012",
            "压力容器",
            "2170",
            "容17浙B00012",
            parties["school"].uscc,
            "",
            "330212",
            "鄞州区学府路8号",
            "学校",
            "",
            "2018/05/02",
            "2018/05/20",
            "在用",
            "",
            "",
        ],
    ]


def write_csv(path, body, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(body)
    return path


def test_csv_utf8_imports_and_a_second_run_changes_nothing(tmp_path, parties):
    path = write_csv(tmp_path / "export.csv", rows(parties))
    first = import_units(path, actor=CLI)
    assert first.ok, first.issues
    assert (first.created, first.changed, first.unchanged) == (2, 0, 0)
    lift = Unit.objects.get(code="31103302032019000011")
    assert lift.user_unit_name == "宁波海曙天一商场有限公司"
    assert lift.maintenance_name == "宁波甬安电梯工程有限公司"
    assert lift.place_kind == "mall" and lift.inspection_request_by == dt.date(2027, 3, 10)
    again = import_units(path, actor=CLI)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert UnitChange.objects.count() == 2


def test_gb18030_and_a_change_is_kept_in_the_history(tmp_path, parties):
    import_units(write_csv(tmp_path / "a.csv", rows(parties)), actor=CLI)
    changed = rows(parties)
    changed[0][12] = "停用"
    result = import_units(write_csv(tmp_path / "b.csv", changed, "gb18030"), actor=CLI)
    assert result.ok and result.encoding.lower().startswith("gb")
    assert result.changed == 1
    lift = Unit.objects.get(code="31103302032019000011")
    assert lift.status == "stopped"
    assert lift.history.first().changes == {"status": ["in_use", "stopped"]}


def test_xlsx(tmp_path, parties):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows(parties):
        sheet.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert import_units(path, actor=CLI).created == 2


def test_one_bad_row_writes_nothing_and_every_error_is_reported_by_row_and_column(tmp_path, parties):
    body = rows(parties)
    body.append(
        [
            "31103302032019000013",
            "飞行器",
            "",
            "",
            "91330200MA2XXXXXX0",
            "",
            "火星区",
            "",
            "",
            "",
            "2030-01-01",
            "",
            "在用",
            "",
            "",
        ]
    )
    body.append(list(body[0]))  # a repeated code
    result = import_units(write_csv(tmp_path / "bad.csv", body), actor=CLI)
    assert not result.ok and Unit.objects.count() == 0
    found = {(i.row, i.column) for i in result.issues}
    assert {
        (4, "设备种类"),
        (4, "使用单位统一社会信用代码"),
        (4, "所在区县"),
        (4, "设备使用地点"),
        (4, "投入使用日期"),
        (5, "设备代码"),
    } <= found
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in i.message) for i in result.issues)


def test_a_party_missing_from_the_market_entity_register_is_refused(tmp_path, parties):
    from tests.factories import make_uscc

    body = rows(parties)
    body[1][4] = make_uscc("330212")
    result = import_units(write_csv(tmp_path / "x.csv", body), actor=CLI)
    assert not result.ok and Unit.objects.count() == 0
    assert result.issues[0].message.endswith("不在市场主体库中")


def test_a_district_user_imports_only_units_of_the_own_district(tmp_path, parties, users):
    result = import_units(write_csv(tmp_path / "x.csv", rows(parties)), actor=users["haishu"])
    assert not result.ok
    assert [(i.row, i.column) for i in result.issues] == [(3, "所在区县")]


def test_an_enterprise_cannot_import(tmp_path, parties, enterprise_user):
    result = import_units(write_csv(tmp_path / "x.csv", rows(parties)), actor=enterprise_user)
    assert result.unreadable and Unit.objects.count() == 0
