"""Import of credit records: every row checked, all or nothing, idempotent, reclassed, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from tests.factories import EntityFactory
from zhijian.core.models import AuditEntry, Deadline
from zhijian.credit.importing import import_records
from zhijian.credit.models import CreditRecord, CreditStanding, Publicity

pytestmark = pytest.mark.django_db
HEADER = "统一社会信用代码,类别,事由,决定日期,处罚种类,严重程度,是否公示,来源编号\n"


def write(tmp_path, lines, encoding="utf-8"):
    path = tmp_path / "records.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding=encoding)
    return path


def test_valid_file_is_imported_once_and_reclasses(tmp_path, haishu, yinzhou, users):
    firm = EntityFactory(jurisdiction=haishu, established_on=dt.date(2010, 1, 1), industry_code="C2911")
    path = write(
        tmp_path,
        [
            f"{firm.uscc.lower()},行政处罚,销售不合格产品,2026-09-01,罚款、没收违法所得、没收非法财物,,是,CF-001",
            f"{firm.uscc},投诉举报,投诉属实：商品质量,2026/10/08,,一般,,CF-002",
        ],
        encoding="gb18030",
    )
    result = import_records(path, actor=users["haishu"])
    assert result.ok and (result.created, result.skipped) == (2, 0)
    penalty = CreditRecord.objects.get(source_ref="import:CF-001")
    assert (
        penalty.severity == "general" and penalty.publicity == Publicity.PUBLISHED and penalty.publicity_until
    )
    assert CreditRecord.objects.get(source_ref="import:CF-002").publicity == Publicity.NOT_PUBLIC
    assert Deadline.objects.filter(object_id=str(penalty.pk), kind="credit.penalty.publication").exists()
    assert AuditEntry.objects.filter(action="credit.import").count() == 2
    assert CreditStanding.objects.get(entity=firm).credit_class == "B"
    again = import_records(path, actor=users["haishu"])
    assert (again.created, again.skipped) == (0, 2)


def test_any_bad_row_writes_nothing_and_says_where(tmp_path, haishu, yinzhou, users):
    mine = EntityFactory(jurisdiction=haishu)
    theirs = EntityFactory(jurisdiction=yinzhou)
    path = write(
        tmp_path,
        [
            f"{mine.uscc},行政处罚,虚假广告,2026-09-01,罚款,,是,A1",
            f"{mine.uscc},行政处罚,虚假广告,2026-13-01,鞭刑,,是,A1",
            f"{theirs.uscc},抽查检查结果,未发现问题,2026-09-01,,一般信息,是,A3",
            f"{mine.uscc},传闻,x,2026-09-01,,,也许,A4",
        ],
    )
    result = import_records(path, actor=users["haishu"])
    messages = {(row, column): message for row, column, message in result.issues}
    assert "无法识别" in messages[(3, "决定日期")] and "处罚种类" in messages[(3, "处罚种类")]
    assert "重复" in messages[(3, "来源编号")]
    assert "不在您可管理的市场主体中" in messages[(4, "统一社会信用代码")]
    assert "类别" in messages[(5, "类别")] and "是否公示" in messages[(5, "是否公示")]
    assert not CreditRecord.objects.exists()


def test_command_line_import(tmp_path, haishu, capsys):
    firm = EntityFactory(jurisdiction=haishu)
    path = write(tmp_path, [f"{firm.uscc},荣誉表彰,守合同重信用企业,2026-03-01,,,是,H1"])
    call_command("credit", "import", str(path), "--dry-run")
    assert "检查通过" in capsys.readouterr().out and not CreditRecord.objects.exists()
    call_command("credit", "import", str(path))
    assert "新增 1" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        call_command("credit", "import", str(tmp_path / "missing.csv"))
    assert exited.value.code == 2
