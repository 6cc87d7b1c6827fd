"""The standards register: saving through the service, replaced-by, and the list import (CSV in UTF-8
and GB18030, XLSX): all or nothing, errors by row and column in Chinese, idempotent."""

import csv

import pytest
from openpyxl import Workbook

from tests.quality.conftest import SYSTEM
from zhijian.core.errors import Forbidden
from zhijian.core.models import AuditEntry
from zhijian.quality import services
from zhijian.quality.importing import import_standards
from zhijian.quality.models import Standard, StandardStatus
from zhijian.quality.services import QualityError

pytestmark = pytest.mark.django_db


def test_save_keeps_the_canonical_number_and_is_audited(users):
    standard, outcome = services.save_standard(
        actor=users["admin"], number="gb/t4754—2017", name="国民经济行业分类"
    )
    assert (standard.number, standard.kind, outcome) == ("GB/T 4754-2017", "national", "created")
    assert AuditEntry.objects.filter(action="quality.standard.save", object_id=str(standard.pk)).exists()
    again, outcome = services.save_standard(
        actor=users["admin"], number="GB/T 4754-2017", name="国民经济行业分类"
    )
    assert (again.pk, outcome) == (standard.pk, "unchanged")


def test_replaced_by_marks_the_old_standard_replaced(users):
    new, _ = services.save_standard(
        actor=users["admin"], number="GB 21455-2019", name="房间空气调节器能效限定值及能效等级"
    )
    old, _ = services.save_standard(
        actor=users["admin"],
        number="GB 21455-2013",
        name="转速可控型房间空气调节器能效限定值及能效等级",
        replaced_by="GB 21455-2019",
    )
    assert old.status == StandardStatus.REPLACED and old.replaced_by == new


def test_only_the_city_keeps_the_register_and_bad_numbers_are_refused(users):
    with pytest.raises(Forbidden):
        services.save_standard(actor=users["haishu"], number="GB/T 4754-2017", name="国民经济行业分类")
    with pytest.raises(QualityError) as refused:
        services.save_standard(actor=users["admin"], number="GB 4754", name="x")
    assert refused.value.code == "bad_standard_number" and "number" in refused.value.fields
    with pytest.raises(QualityError, match="不在标准库中"):
        services.save_standard(
            actor=users["admin"], number="GB/T 1-2020", name="x", replaced_by="GB/T 2-2020"
        )


ROWS = [
    ["标准编号", "标准名称", "状态", "发布日期", "实施日期", "代替标准"],
    [
        "GB 21455-2013",
        "转速可控型房间空气调节器能效限定值及能效等级",
        "被代替",
        "2013-06-09",
        "2013-10-01",
        "GB 21455-2019",
    ],
    ["GB 21455-2019", "房间空气调节器能效限定值及能效等级", "现行", "2019/12/31", "2020年7月1日", ""],
    ["T/ZZB 0101-2016", "深沟球轴承", "", "", "", ""],
    ["ISO 492:2014", "滚动轴承 向心轴承 几何产品规范和公差值", "现行有效", "2014-05-01", "", ""],
]


def _csv(path, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_csv_in_every_encoding_and_twice_changes_nothing(users, tmp_path, encoding):
    path = _csv(tmp_path / "standards.csv", ROWS, encoding)
    report = import_standards(path, actor=users["admin"])
    assert report.ok, report.issues
    assert (report.rows, report.created, report.changed) == (4, 4, 0)
    assert Standard.objects.get(number="GB 21455-2013").replaced_by.number == "GB 21455-2019"
    assert str(Standard.objects.get(number="GB 21455-2019").effective_on) == "2020-07-01"
    again = import_standards(path, actor=users["admin"])
    assert (again.created, again.changed, again.unchanged) == (0, 0, 4)


def test_import_xlsx(users, tmp_path):
    book = Workbook()
    for row in ROWS:
        book.active.append(row)
    book.save(tmp_path / "standards.xlsx")
    report = import_standards(tmp_path / "standards.xlsx", actor=users["admin"])
    assert report.ok and report.created == 4 and report.encoding == "xlsx"


def test_import_is_all_or_nothing_with_row_and_column_errors(users, tmp_path):
    rows = ROWS + [
        ["GB 4754", "无年代号", "", "", "", ""],
        ["DB33/T 2350-2021", "节能电机", "作废了", "2021-06-01", "2021-05-01", ""],
        ["GB 21455-2019", "重复", "", "", "", ""],
        ["GB/T 1-2020", "代替不存在", "", "", "", "GB/T 99999-2030"],
    ]
    report = import_standards(_csv(tmp_path / "bad.csv", rows), actor=users["admin"])
    found = {(i.row, i.column): i.message for i in report.issues}
    assert "不是有效的标准编号" in found[(6, "标准编号")]
    assert "状态“作废了”" in found[(7, "状态")]
    assert "实施日期不能早于发布日期" in found[(7, "实施日期")]
    assert "与第3行的标准编号重复" in found[(8, "标准编号")]
    assert "既不在标准库中" in found[(9, "代替标准")]
    assert report.exit_code == 1 and not Standard.objects.exists()


def test_import_needs_the_register_keepers_policy(users, tmp_path):
    with pytest.raises(Forbidden):
        import_standards(_csv(tmp_path / "s.csv", ROWS), actor=users["haishu"])
    assert import_standards(_csv(tmp_path / "s.csv", ROWS), actor=SYSTEM, dry_run=True).ok
    assert not Standard.objects.exists()


def test_the_command_line_imports_and_exits_with_the_outcome(city, tmp_path):
    from django.core.management import call_command

    path = _csv(tmp_path / "s.csv", ROWS, "gb18030")
    with pytest.raises(SystemExit) as done:
        call_command("quality", "import-standards", str(path))
    assert done.value.code == 0 and Standard.objects.count() == 4
    bad = _csv(tmp_path / "bad.csv", [*ROWS, ["GB 1", "x", "", "", "", ""]])
    with pytest.raises(SystemExit) as refused:
        call_command("quality", "import-standards", str(bad))
    assert refused.value.code == 1
    call_command("quality", "load-reference")
    call_command("quality", "remind", "--today", "2026-07-06")
    call_command("quality", "report-summary", "2026", "half", str(tmp_path / "summary.pdf"))
    assert (tmp_path / "summary.pdf").read_bytes().startswith(b"%PDF")


def test_the_bulk_path_updates_changes_and_audits_each_standard(users, tmp_path):
    import_standards(_csv(tmp_path / "a.csv", ROWS), actor=users["admin"])
    changed = [
        ROWS[0],
        ROWS[1],
        [
            "GB 21455-2019",
            "房间空气调节器能效限定值及能效等级（修订名称）",
            "现行",
            "2019-12-31",
            "2020-07-01",
            "",
        ],
        *ROWS[3:],
    ]
    report = import_standards(_csv(tmp_path / "b.csv", changed), actor=users["admin"])
    assert (report.created, report.changed, report.unchanged) == (0, 1, 3)
    standard = Standard.objects.get(number="GB 21455-2019")
    entries = AuditEntry.objects.filter(action="quality.standard.save", object_id=str(standard.pk)).order_by(
        "seq"
    )
    assert [e.after["name"] for e in entries][-1].endswith("（修订名称）") and entries.count() == 2
    assert entries.last().before["name"] == "房间空气调节器能效限定值及能效等级"
