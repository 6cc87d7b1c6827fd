"""The register import: every bad input is reported precisely and nothing is written."""

import csv

import openpyxl
import pytest
from django.core.management import call_command

from tests.factories import make_uscc
from zhijian.core import audit
from zhijian.core.access import SystemActor
from zhijian.core.models import AuditEntry, OutboxEvent
from zhijian.registry.importing import PermissionDenied, import_entities
from zhijian.registry.models import Entity, EntityTag, LifecycleEvent, LifecycleKind
from zhijian.registry.writing import created_entities

pytestmark = pytest.mark.django_db

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "类型",
    "法定代表人",
    "注册资本",
    "成立日期",
    "登记状态",
    "住所",
    "所属行业",
]


def row(
    uscc=None,
    name="宁波恒达机械有限公司",
    kind="有限责任公司（自然人投资或控股）",
    rep="张三",
    capital="100",
    date="2019-03-15",
    status="存续",
    address="浙江省宁波市海曙区中山西路1号",
    industry="C3451",
):
    return [uscc or make_uscc("330203"), name, kind, rep, capital, date, status, address, industry]


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def issues(result):
    return [(i.row, i.column, i.message) for i in result.issues]


def test_valid_file_is_imported_with_history_audit_and_derived_fields(tmp_path, haishu):
    rows = [row(), row(name="海曙区王记小吃店", kind="个体工商户", capital="", industry="H6210")]
    result = import_entities(write_csv(tmp_path / "ok.csv", rows), actor=SystemActor("tester"))
    assert result.ok and result.created == 2 and result.exit_code == 0
    company = Entity.objects.get(uscc=rows[0][0])
    assert company.jurisdiction == haishu  # from the USCC's division code
    assert company.entity_type == "llc" and company.cluster == "key_components"
    assert company.registered_capital == 100
    shop = Entity.objects.get(uscc=rows[1][0])
    assert shop.entity_type == "individual" and shop.registered_capital is None
    assert LifecycleEvent.objects.filter(entity=company, kind=LifecycleKind.ESTABLISHED).count() == 1
    created = AuditEntry.objects.get(action="entity.create_many")
    assert created.after["count"] == 2
    image = next(e for e in created_entities(created) if e["uscc"] == company.uscc)
    assert image["name"] == company.name and image["registered_capital"] == "100"
    assert image["jurisdiction_id"] == str(haishu.pk) and image["established_on"] == "2019-03-15"
    assert AuditEntry.objects.filter(action="registry.import").exists()
    assert audit.verify()[1] == []


def test_importing_the_same_file_twice_changes_nothing(tmp_path, city):
    path = write_csv(tmp_path / "twice.csv", [row(), row()])
    assert import_entities(path, actor=SystemActor("tester")).created == 2
    audit_count, history_count = AuditEntry.objects.count(), LifecycleEvent.objects.count()
    again = import_entities(path, actor=SystemActor("tester"))
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert LifecycleEvent.objects.count() == history_count
    assert AuditEntry.objects.count() == audit_count + 1  # only the import run itself


def test_real_changes_become_lifecycle_events_and_events(tmp_path, city):
    first = row()
    import_entities(write_csv(tmp_path / "a.csv", [first]), actor=SystemActor("tester"))
    changed = list(first)
    changed[7] = "浙江省宁波市海曙区中山西路99号"
    changed[6] = "注销"
    result = import_entities(write_csv(tmp_path / "b.csv", [changed]), actor=SystemActor("tester"))
    assert result.changed == 1
    event = LifecycleEvent.objects.get(entity__uscc=first[0], kind=LifecycleKind.DEREGISTERED)
    assert event.changes["address"] == [first[7], changed[7]]
    assert event.changes["status"] == ["active", "deregistered"]
    assert OutboxEvent.objects.filter(topic="registry.entity_status_changed", payload__uscc=first[0]).exists()
    update = AuditEntry.objects.get(action="entity.update")
    assert update.before["status"] == "active" and update.after["status"] == "deregistered"


def test_missing_optional_column_does_not_clear_existing_values(tmp_path, city):
    first = row()
    import_entities(write_csv(tmp_path / "a.csv", [first]), actor=SystemActor("tester"))
    header = [h for h in HEADER if h != "所属行业"]
    result = import_entities(
        write_csv(tmp_path / "b.csv", [first[:-1]], header=header), actor=SystemActor("tester")
    )
    assert result.unchanged == 1
    assert Entity.objects.get(uscc=first[0]).industry_code == "C3451"


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path, city):
    good = row()
    wrong_check = good[0][:-1] + ("0" if good[0][-1] != "0" else "1")
    rows = [
        good,
        row(uscc=wrong_check),
        row(uscc=good[0][:-1]),
        row(uscc=good[0]),  # duplicate of row 2
        row(date="2019-13-40"),
        row(status="营业中"),
        row(kind="火星公司"),
        row(capital="一百万"),
        row(name=""),
        row(industry="Z9999"),
    ]
    result = import_entities(write_csv(tmp_path / "bad.csv", rows), actor=SystemActor("tester"))
    found = issues(result)
    assert result.exit_code == 1
    assert (3, "统一社会信用代码", f"统一社会信用代码校验位错误（应为“{good[0][-1]}”）") in found
    assert (4, "统一社会信用代码", "统一社会信用代码应为18位，实际为17位") in found
    assert (5, "统一社会信用代码", "统一社会信用代码与第2行重复") in found
    assert any(r == 6 and c == "成立日期" for r, c, _ in found)
    assert any(r == 7 and c == "登记状态" and "营业中" in m for r, c, m in found)
    assert any(r == 8 and c == "类型" for r, c, _ in found)
    assert any(r == 9 and c == "注册资本" for r, c, _ in found)
    assert (10, "企业名称", "名称不能为空") in found
    assert any(r == 11 and c == "所属行业" for r, c, _ in found)
    assert (
        not Entity.objects.exists()
        and not AuditEntry.objects.exists()
        and not LifecycleEvent.objects.exists()
    )


def test_lower_case_and_spaces_in_codes_are_accepted(tmp_path, city):
    code = make_uscc("330203", prefix="91")
    messy = " " + code[:6] + " " + code[6:].lower()
    result = import_entities(
        write_csv(tmp_path / "messy.csv", [row(uscc=messy)]), actor=SystemActor("tester")
    )
    assert result.ok
    assert Entity.objects.filter(uscc=code).exists()


def test_missing_required_column(tmp_path, city):
    header = [h for h in HEADER if h != "法定代表人"]
    data = [r[:3] + r[4:] for r in [row()]]
    result = import_entities(
        write_csv(tmp_path / "cols.csv", data, header=header), actor=SystemActor("tester")
    )
    assert issues(result) == [(1, "法定代表人", "缺少必填列“法定代表人”")]
    assert result.exit_code == 1


def test_gb18030_file_as_excel_on_chinese_windows_writes_it(tmp_path, city):
    path = write_csv(
        tmp_path / "gbk.csv",
        [row(name="宁波镕鑫五金制品厂（普通合伙）", kind="普通合伙企业")],
        encoding="gb18030",
    )
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    result = import_entities(path, actor=SystemActor("tester"))
    assert result.ok and result.encoding == "gb18030"
    assert Entity.objects.get().name == "宁波镕鑫五金制品厂（普通合伙）"


def test_utf8_with_bom(tmp_path, city):
    result = import_entities(
        write_csv(tmp_path / "bom.csv", [row()], encoding="utf-8-sig"), actor=SystemActor("tester")
    )
    assert result.ok and result.encoding == "utf-8-sig"


def test_xlsx_with_merged_title_and_two_row_header(tmp_path, city):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["宁波市市场主体登记信息导出（2026-11-01）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    # Row 2 groups columns; 统一社会信用代码 is merged down over rows 2–3.
    sheet.append(["统一社会信用代码", "基本信息", None, None, None, None, None, None, None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:I2")
    sheet.append([None, *HEADER[1:]])
    data = row()
    sheet.append(data)
    path = tmp_path / "merged.xlsx"
    book.save(path)
    result = import_entities(path, actor=SystemActor("tester"))
    assert result.ok, issues(result)
    assert Entity.objects.get().uscc == data[0]


def test_xlsx_dates_as_real_dates(tmp_path, city):
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    data = row()
    data[5] = dt.datetime(2018, 7, 9)
    data[4] = 250.5
    sheet.append(data)
    path = tmp_path / "dates.xlsx"
    book.save(path)
    assert import_entities(path, actor=SystemActor("tester")).ok
    entity = Entity.objects.get()
    assert entity.established_on == dt.date(2018, 7, 9) and float(entity.registered_capital) == 250.5


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://x","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
)
def test_formula_injection_strings_are_refused(tmp_path, city, payload):
    result = import_entities(
        write_csv(tmp_path / "inj.csv", [row(name=payload)]), actor=SystemActor("tester")
    )
    assert result.exit_code == 1
    assert issues(result)[0][:2] == (2, "企业名称") and "公式注入" in issues(result)[0][2]
    assert not Entity.objects.exists()


def test_empty_file_is_unreadable(tmp_path, city):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = import_entities(path, actor=SystemActor("tester"))
    assert result.exit_code == 2 and result.unreadable == "文件为空"


def test_a_file_that_is_not_a_spreadsheet_is_unreadable(tmp_path, city):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    result = import_entities(path, actor=SystemActor("tester"))
    assert result.exit_code == 2 and "不是CSV或XLSX" in result.unreadable
    broken_zip = tmp_path / "broken.xlsx"
    broken_zip.write_bytes(b"PK\x03\x04" + b"garbage" * 100)
    result = import_entities(broken_zip, actor=SystemActor("tester"))
    assert result.exit_code == 2 and "无法打开XLSX" in result.unreadable


def test_legacy_xls_is_named(tmp_path, city):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    result = import_entities(path, actor=SystemActor("tester"))
    assert result.exit_code == 2 and ".xls" in result.unreadable


def test_text_without_the_header_is_unreadable(tmp_path, city):
    path = tmp_path / "notes.csv"
    path.write_text("这是一份会议纪要\n没有表头\n", encoding="utf-8")
    result = import_entities(path, actor=SystemActor("tester"))
    assert result.exit_code == 2 and "找不到表头" in result.unreadable


def test_dry_run_reports_counts_and_writes_nothing(tmp_path, city):
    result = import_entities(
        write_csv(tmp_path / "dry.csv", [row(), row()]), actor=SystemActor("tester"), dry_run=True
    )
    assert result.ok and result.created == 2
    assert not Entity.objects.exists() and not AuditEntry.objects.exists()


def test_district_user_cannot_import_another_districts_entities(tmp_path, users):
    rows = [row(uscc=make_uscc("330203")), row(uscc=make_uscc("330212"))]
    result = import_entities(write_csv(tmp_path / "scope.csv", rows), actor=users["haishu"])
    assert issues(result) == [(3, "管辖单位", "该主体不在您的辖区，无权导入")]
    assert not Entity.objects.exists()
    with pytest.raises(PermissionDenied):
        import_entities(write_csv(tmp_path / "insp.csv", rows[:1]), actor=users["inspector"])


def test_zone_entity_by_jurisdiction_column_and_retired_division_code(tmp_path, city):
    header = [*HEADER, "管辖单位", "标签"]
    zone = row(uscc=make_uscc("330212")) + ["高新区", "规上、专精特新"]
    old_jiangdong = row(uscc=make_uscc("330204")) + ["", ""]
    result = import_entities(
        write_csv(tmp_path / "zone.csv", [zone, old_jiangdong], header=header), actor=SystemActor("t")
    )
    assert result.ok, issues(result)
    assert Entity.objects.get(uscc=zone[0]).jurisdiction.code == "3302Z1"
    assert set(EntityTag.objects.filter(entity__uscc=zone[0]).values_list("tag", flat=True)) == {
        "above_scale",
        "specialized",
    }
    # 江东区 (330204) merged into 鄞州区 in 2016; its codes still appear.
    assert Entity.objects.get(uscc=old_jiangdong[0]).jurisdiction.code == "330212"


def test_cli_exit_codes_and_report(tmp_path, city, capsys):
    good = write_csv(tmp_path / "good.csv", [row()])
    bad = write_csv(tmp_path / "bad.csv", [row(status="??")])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    report = tmp_path / "report.xlsx"
    codes = []
    for path, extra in ((bad, ["--report", str(report)]), (empty, []), (good, ["--dry-run"]), (good, [])):
        with pytest.raises(SystemExit) as exit_info:
            call_command("import", "entities", str(path), *extra)
        codes.append(exit_info.value.code)
    assert codes == [1, 2, 0, 0]
    sheet = openpyxl.load_workbook(report).active
    rows = list(sheet.iter_rows(values_only=True))
    assert ("行", "列", "问题") in [r[:3] for r in rows]
    assert any(r[0] == 2 and r[1] == "登记状态" for r in rows if isinstance(r[0], int))
    assert Entity.objects.count() == 1


@pytest.mark.parametrize("parallel", [False, True])
def test_validation_in_a_second_process_gives_the_same_result(tmp_path, city, parallel):
    rows = [row() for _ in range(30)] + [row(status="营业中")]
    bad = import_entities(
        write_csv(tmp_path / "bad.csv", rows), actor=SystemActor("tester"), parallel=parallel
    )
    assert issues(bad) == [
        (32, "登记状态", "无法识别的登记状态“营业中”（可用：存续、停业、注销、吊销、撤销、迁出）")
    ]
    assert not Entity.objects.exists()
    good = import_entities(
        write_csv(tmp_path / "good.csv", rows[:-1]), actor=SystemActor("tester"), parallel=parallel
    )
    assert good.ok and good.created == 30
    assert sorted(Entity.objects.values_list("uscc", flat=True)) == sorted(r[0] for r in rows[:-1])
    assert audit.verify()[1] == []


def _indexes_and_keys():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('registry_entity', 'registry_lifecycleevent')"
        )
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid IN ('registry_entity'::regclass, 'registry_lifecycleevent'::regclass)"
        )
        keys = set(cursor.fetchall())
    return indexes, keys


@pytest.fixture
def bulk_mode(monkeypatch):
    """Make any file count as a city's first load."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("bulk mode exists on PostgreSQL only")
    from zhijian.registry import importing

    monkeypatch.setattr(importing, "BULK_MIN_ROWS", 1)
    monkeypatch.setattr(importing, "BYTES_PER_ROW", 1)


def test_bulk_mode_rebuilds_every_index_and_key_and_writes_the_same(tmp_path, city, bulk_mode):
    """Given an empty register, when a large file is imported, indexes and keys end as they began."""
    before = _indexes_and_keys()
    rows = [row(), row(name="海曙区王记小吃店", kind="个体工商户", capital="", industry="H6210")]
    result = import_entities(write_csv(tmp_path / "first-load.csv", rows), actor=SystemActor("tester"))
    assert result.ok and result.created == 2
    assert _indexes_and_keys() == before
    assert LifecycleEvent.objects.filter(kind=LifecycleKind.ESTABLISHED).count() == 2
    assert Entity.objects.get(uscc=rows[1][0]).name_grams == sorted(
        {"海曙", "曙区", "区王", "王记", "记小", "小吃", "吃店"}
    )
    assert audit.verify()[1] == []


def test_bulk_mode_that_fails_leaves_indexes_keys_and_register_untouched(
    tmp_path, city, bulk_mode, monkeypatch
):
    from zhijian.registry import importing, parallel

    monkeypatch.setattr(parallel, "BATCH", 5)
    monkeypatch.setattr(importing, "CHUNK", 5)
    before = _indexes_and_keys()
    rows = [row() for _ in range(12)] + [row(status="营业中")]  # fails after two chunks are written
    result = import_entities(
        write_csv(tmp_path / "bad.csv", rows), actor=SystemActor("tester"), parallel=False
    )
    assert not result.ok and [i.row for i in result.issues] == [14]
    assert _indexes_and_keys() == before
    assert not Entity.objects.exists() and not AuditEntry.objects.exists()


def test_bulk_mode_into_a_register_that_is_not_empty_still_matches_by_code(tmp_path, city, bulk_mode):
    first = row()
    import_entities(write_csv(tmp_path / "a.csv", [first]), actor=SystemActor("tester"))
    changed = list(first)
    changed[7] = "浙江省宁波市海曙区中山西路99号"
    result = import_entities(
        write_csv(tmp_path / "b.csv", [changed, row(), row()]), actor=SystemActor("tester")
    )
    assert (result.created, result.changed, result.unchanged) == (2, 1, 0)
    assert Entity.objects.count() == 3
    assert Entity.objects.get(uscc=first[0]).address == changed[7]
    assert audit.verify()[1] == []


def test_an_import_leaves_no_name_waiting_outside_the_bigram_index(tmp_path, city):
    """New names wait in the GIN index's pending list until merged: the import merges them, so a name
    search is served by the index at once, not by a scan of the whole register."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the bigram index exists on PostgreSQL only")
    assert import_entities(
        write_csv(tmp_path / "new.csv", [row() for _ in range(50)]), actor=SystemActor("t")
    ).created
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('registry_entity_name_grams'::regclass)")
        assert cursor.fetchone()[0] == 0  # no pending page was left to merge
