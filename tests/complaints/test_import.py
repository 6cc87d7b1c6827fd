"""Import of the national 12315 platform's export: all or nothing, row/column errors, idempotent."""

import csv
import datetime as dt

import openpyxl
import pytest

from tests.complaints.conftest import CLI
from zhijian.complaints.importing import import_cases, parse_day
from zhijian.complaints.models import Case, CaseStep, Enrolment, Status
from zhijian.complaints.services.firms import enrol_firm
from zhijian.core import audit
from zhijian.core.models import AuditEntry, Deadline

pytestmark = pytest.mark.django_db

HEADER = [
    "平台编号",
    "类别",
    "登记日期",
    "投诉人",
    "联系电话",
    "被投诉人",
    "统一社会信用代码",
    "交易发生地",
    "商品服务类别",
    "商品名称",
    "标题",
    "诉求内容",
]


def rows(firms):
    return [
        [
            "P2026001",
            "投诉",
            "2026-04-14",
            "王五",
            "13700001111",
            "宁波海曙鼓楼百货有限公司",
            "",
            "",
            "家用电器",
            "电饭煲",
            "电饭煲质量问题",
            "购买后一周无法加热，要求退货退款。",
        ],
        [
            "P2026002",
            "举报",
            "2026/04/15",
            "赵六",
            "13700002222",
            "",
            firms["yinzhou"].uscc,
            "",
            "食品",
            "",
            "销售过期食品",
            "在该店购买的牛奶已过保质期三天，请依法查处。",
        ],
        [
            "P2026003",
            "咨询",
            "2026年4月16日",
            "钱七",
            "13700003333",
            "某网店",
            "",
            "鄞州区市场监督管理局",
            "其他",
            "",
            "七日无理由退货",
            "网购商品七日无理由退货如何计算期限？",
        ],
    ]


def write_csv(path, data, encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_clean_export_is_imported_and_a_second_run_changes_nothing(firms, tmp_path, encoding):
    path = write_csv(tmp_path / "export.csv", rows(firms), encoding)
    result = import_cases(path, actor=CLI)
    assert result.ok and (result.rows, result.created, result.unchanged) == (3, 3, 0)
    complaint, report, enquiry = (Case.objects.get(platform_no=f"P202600{i}") for i in (1, 2, 3))
    assert complaint.rule_version == "order20" and complaint.respondent == firms["shop"]
    assert complaint.acceptance_due == dt.date(2026, 4, 23)
    assert report.rule_version == "order121" and report.jurisdiction.code == "330212"
    assert (
        enquiry.respondent is None
        and enquiry.jurisdiction.code == "330212"
        and enquiry.routed_by == "交易发生地"
    )
    assert Deadline.objects.filter(object_type="complaints.Case").count() == 2
    assert CaseStep.objects.count() == 3
    again = import_cases(path, actor=CLI)
    assert again.ok and (again.created, again.unchanged) == (0, 3) and Case.objects.count() == 3


def test_one_bad_row_writes_nothing_and_names_row_and_column(firms, tmp_path):
    data = rows(firms)
    data[1][4] = "电话号码"
    data[2][2] = "下周一"
    path = write_csv(tmp_path / "bad.csv", data)
    before = AuditEntry.objects.count()
    result = import_cases(path, actor=CLI)
    assert not result.ok and result.exit_code == 1
    found = {(i.row, i.column) for i in result.issues}
    assert (3, "联系电话") in found and (4, "登记日期") in found
    assert any("格式" in i.message for i in result.issues)
    assert not Case.objects.exists() and AuditEntry.objects.count() == before


def test_a_repeated_platform_number_in_one_file_is_an_error(firms, tmp_path):
    data = rows(firms)
    data[2][0] = "P2026001"
    result = import_cases(write_csv(tmp_path / "dup.csv", data), actor=CLI)
    assert [(i.row, i.column) for i in result.issues] == [(4, "平台编号")]


def test_xlsx_and_dry_run(firms, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows(firms):
        sheet.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    dry = import_cases(path, actor=CLI, dry_run=True)
    assert dry.ok and dry.created == 3 and not Case.objects.exists()
    assert import_cases(path, actor=CLI).created == 3


def test_a_complaint_against_an_odr_firm_goes_to_the_firm_first(firms, tmp_path):
    enrol_firm(actor=CLI, entity=firms["shop"], programme=Enrolment.Programme.ODR, on=dt.date(2026, 1, 1))
    import_cases(write_csv(tmp_path / "e.csv", rows(firms)[:1]), actor=CLI)
    case = Case.objects.get()
    assert case.status == Status.ODR and case.odr_until == dt.date(2026, 4, 23)


def test_a_district_user_may_import_and_an_enterprise_may_not(firms, tmp_path, users, enterprise_user):
    from zhijian.complaints.services import NotAllowed

    path = write_csv(tmp_path / "e.csv", rows(firms)[:1])
    with pytest.raises(NotAllowed):
        import_cases(path, actor=enterprise_user)
    assert import_cases(path, actor=users["haishu"]).created == 1


@pytest.mark.parametrize("parallel", [False, True])
def test_validation_in_a_second_process_files_the_same_cases(firms, tmp_path, parallel):
    """Given a clean export, when it is validated in this process or in a second one, the same is filed."""
    path = write_csv(tmp_path / "export.csv", rows(firms), "gb18030")
    result = import_cases(path, actor=CLI, parallel=parallel)
    assert result.ok and (result.rows, result.created, result.unchanged) == (3, 3, 0)
    assert result.encoding == "gb18030"
    complaint, report = Case.objects.get(platform_no="P2026001"), Case.objects.get(platform_no="P2026002")
    assert complaint.respondent == firms["shop"] and complaint.acceptance_due == dt.date(2026, 4, 23)
    assert report.respondent == firms["yinzhou"] and report.jurisdiction.code == "330212"
    assert Case.objects.get(platform_no="P2026003").routed_by == "交易发生地"
    assert Deadline.objects.filter(object_type="complaints.Case").count() == 2
    assert sorted(CaseStep.objects.values_list("case__platform_no", flat=True)) == [
        "P2026001",
        "P2026002",
        "P2026003",
    ]
    assert import_cases(path, actor=CLI, parallel=parallel).unchanged == 3
    assert audit.verify()[1] == []


def test_an_error_found_by_the_second_process_names_row_and_column_and_writes_nothing(firms, tmp_path):
    data = rows(firms)
    data[1][4] = "电话号码"
    before = AuditEntry.objects.count()
    result = import_cases(write_csv(tmp_path / "bad.csv", data), actor=CLI, parallel=True)
    assert not result.ok and result.exit_code == 1 and result.rows == 3
    assert [(i.row, i.column) for i in result.issues] == [(3, "联系电话")]
    assert "联系电话格式不正确" in result.issues[0].message
    assert not Case.objects.exists() and not Deadline.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_bad_row_after_written_chunks_rolls_every_chunk_back(firms, tmp_path, monkeypatch):
    """Given chunks of two rows, when the fifth row fails, the chunks already written are undone."""
    from zhijian.complaints import importing
    from zhijian.registry import parallel

    monkeypatch.setattr(parallel, "BATCH", 2)
    monkeypatch.setattr(importing, "CHUNK", 2)
    template = rows(firms)[0]
    data = [[f"P30{n:02d}", *template[1:]] for n in range(6)]
    data[4][2] = "下周一"
    progress: list[tuple[int, int]] = []
    result = import_cases(
        write_csv(tmp_path / "late.csv", data),
        actor=CLI,
        parallel=False,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert [(i.row, i.column) for i in result.issues] == [(6, "登记日期")] and result.rows == 6
    assert progress == [(2, 0), (4, 0), (6, 0)]
    assert not Case.objects.exists() and not CaseStep.objects.exists() and not Deadline.objects.exists()
    good = import_cases(write_csv(tmp_path / "good.csv", data[:4] + data[5:]), actor=CLI, parallel=False)
    assert good.ok and good.created == 5 and Case.objects.count() == 5
    assert Deadline.objects.filter(object_type="complaints.Case").count() == 5


def test_a_file_broken_midway_is_unreadable_and_writes_nothing(firms, tmp_path):
    """Given a row past the header search whose field no CSV reader takes, nothing is filed."""
    template = rows(firms)[0]
    data = [[f"P40{n:02d}", *template[1:]] for n in range(12)]
    data.append(["P4099", *template[1:11], "长" * 200_000])
    result = import_cases(write_csv(tmp_path / "broken.csv", data), actor=CLI, parallel=True)
    assert result.exit_code == 2 and "CSV格式错误" in result.unreadable
    assert not Case.objects.exists()


def test_the_export_own_date_format_and_the_others_parse_alike():
    assert {parse_day(t) for t in ("2026-04-14", "2026/04/14", "20260414", "2026年4月14日")} == {
        dt.date(2026, 4, 14)
    }
    for text in ("2026-02-30", "2026-W15-1", "下周一"):
        with pytest.raises(ValueError, match="格式无法识别"):
            parse_day(text)
