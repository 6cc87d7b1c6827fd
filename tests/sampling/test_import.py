"""The laboratory's results file: row-by-row validation in Chinese, all or nothing, exit codes 0/1/2."""

import csv
import datetime as dt

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from tests.factories import PASSWORD
from zhijian.core import audit
from zhijian.core.access import SystemActor
from zhijian.core.models import AuditEntry, Job, OutboxEvent
from zhijian.sampling import services
from zhijian.sampling.importing import import_results
from zhijian.sampling.models import PostProcessingCase, ResultImportRun, Sample, TestResult

pytestmark = pytest.mark.django_db

HEADER = [
    "抽样单编号",
    "检验项目",
    "检验结果",
    "结果单位",
    "检出限",
    "单项判定",
    "报告编号",
    "报告日期",
    "收样日期",
]


@pytest.fixture
def samples(food_task, users, parties):
    made = []
    for n in range(3):
        made.append(
            services.register_sample(
                actor=users["haishu"],
                task=food_task,
                product_name=f"糕点{n}",
                sampled_on=dt.date(2026, 9, 1),
                seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
                producer=services.PartyIn(parties["producer"].name, parties["producer"].uscc),
            )
        )
    return made


def rows_for(sample, report_no, *, sorbic="0.3", benzoic="未检出", judgement="", received="2026-09-03"):
    base = [report_no, "2026-09-20", received]
    return [
        [sample.sample_no, "酸价（以脂肪计）（KOH）", "1.5", "mg/g", "", judgement and "合格", *base],
        [
            sample.sample_no,
            "过氧化值",
            "0.12",
            "g/100g",
            "",
            "",
            *base,
        ],  # the short name, without its parenthesis
        [sample.sample_no, "苯甲酸及其钠盐（以苯甲酸计）", benzoic, "g/kg", "0.005", "", *base],
        [sample.sample_no, "山梨酸及其钾盐（以山梨酸计）", sorbic, "g/kg", "", judgement, *base],
        [sample.sample_no, "菌落总数", "<10/<10/30/40/50", "CFU/g", "", "", *base],
    ]


def write(path, rows, *, encoding="utf-8", header=HEADER):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def issues(result):
    return [(i.row, i.column, i.message) for i in result.issues]


def test_a_valid_file_reports_every_sample_and_opens_cases_for_failures(tmp_path, samples, lab_users):
    rows = (
        rows_for(samples[0], "R1")
        + rows_for(samples[1], "R2", sorbic="1200", judgement="")
        + rows_for(samples[2], "R3")
    )
    rows[8][3] = "mg/kg"  # sample 2 reports sorbic acid in mg/kg: 1200 mg/kg = 1.2 g/kg > 1.0
    path = write(tmp_path / "results.csv", rows, encoding="gb18030")
    result = import_results(path, actor=lab_users["T1"])
    assert result.ok and result.exit_code == 0, issues(result)
    assert (result.rows, result.samples, result.failed_samples, result.encoding) == (15, 3, 1, "gb18030")
    judged = dict(Sample.objects.values_list("sample_no", "judgement"))
    assert judged == {
        samples[0].sample_no: "pass",
        samples[1].sample_no: "fail",
        samples[2].sample_no: "pass",
    }
    assert TestResult.objects.count() == 15
    assert PostProcessingCase.objects.filter(sample__sample_no=samples[1].sample_no).count() == 2
    assert OutboxEvent.objects.filter(topic="sampling.sample_failed").count() == 1
    run = ResultImportRun.objects.get()
    assert run.laboratory.code == "T1" and run.samples == 3
    assert AuditEntry.objects.filter(action="sampling.result.record").count() == 3
    assert audit.verify()[1] == []


def test_any_bad_row_writes_nothing_and_every_problem_is_reported_by_row_and_column(
    tmp_path, samples, lab_users
):
    rows = rows_for(samples[0], "R1") + rows_for(samples[1], "R2") + rows_for(samples[2], "R3")
    rows[1][2] = "很高"  # row 3
    rows[7][1] = "三聚氰胺"  # row 9: not an item of 糕点
    rows[8][3] = "斤"  # row 10
    rows[11][8] = "2026-09-04"  # row 13: receipt date differs within the sample
    rows.append(
        ["DC00000000000000", "过氧化值", "0.1", "g/100g", "", "", "R9", "2026-09-20", "2026-09-03"]
    )  # row 17
    rows.append(
        [samples[0].sample_no, "菌落总数", "<10", "CFU/g", "", "", "R1", "2026-09-20", "2026-09-03"]
    )  # row 18
    path = write(tmp_path / "bad.csv", rows)
    result = import_results(path, actor=lab_users["T1"])
    assert result.exit_code == 1
    assert issues(result) == [
        (3, "检验结果", "检验结果“很高”不是数值，也不是“未检出”“检出”“符合”“不符合”"),
        (9, "检验项目", "检验项目“三聚氰胺”不在该样品类别（糕点）的检验项目中"),
        (10, "检验结果", "无法识别的单位“斤”"),
        (13, "收样日期", "同一样品的收样日期应一致（第12行为“2026-09-03”）"),
        (17, "抽样单编号", "抽样单编号“DC00000000000000”不存在或不属于本机构"),
        (18, "抽样单编号", "同一样品的检验项目应连续排列（该样品已在第2行出现）"),
    ]
    assert not TestResult.objects.exists() and not ResultImportRun.objects.exists()
    assert set(Sample.objects.values_list("status", flat=True)) == {"sampled"}


def test_the_laboratorys_own_judgement_is_checked_against_the_limit(tmp_path, samples, lab_users):
    rows = rows_for(samples[0], "R1", sorbic="1.3", judgement="合格")
    result = import_results(write(tmp_path / "j.csv", rows), actor=lab_users["T1"])
    assert issues(result) == [
        (5, "单项判定", "单项判定“合格”与按限量计算的“不合格”不符（1.3 g/kg 超过限量 ≤1 g/kg）"),
    ]


def test_a_laboratory_cannot_import_another_laboratorys_samples(tmp_path, samples, lab_users):
    result = import_results(write(tmp_path / "x.csv", rows_for(samples[0], "R1")), actor=lab_users["T2"])
    assert result.exit_code == 1
    assert {i.message for i in result.issues} == {f"抽样单编号“{samples[0].sample_no}”不存在或不属于本机构"}


def test_officials_may_not_import_results(tmp_path, samples, users):
    with pytest.raises(services.NotAllowed):
        import_results(write(tmp_path / "x.csv", rows_for(samples[0], "R1")), actor=users["haishu"])


def test_importing_the_same_file_twice_changes_nothing(tmp_path, samples, lab_users):
    path = write(tmp_path / "twice.csv", rows_for(samples[0], "R1", sorbic="1.5"))
    assert import_results(path, actor=lab_users["T1"]).samples == 1
    counts = (TestResult.objects.count(), PostProcessingCase.objects.count(), OutboxEvent.objects.count())
    again = import_results(path, actor=lab_users["T1"])
    assert again.ok and (again.samples, again.unchanged) == (0, 1)
    assert (
        TestResult.objects.count(),
        PostProcessingCase.objects.count(),
        OutboxEvent.objects.count(),
    ) == counts
    changed = write(tmp_path / "changed.csv", rows_for(samples[0], "R1", sorbic="0.4"))
    assert "结果与已录入的不同" in import_results(changed, actor=lab_users["T1"]).issues[0].message


def test_xlsx_with_a_title_row_and_a_dry_run(tmp_path, samples, lab_users):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["测试食品检验所一 检验结果汇总表"])
    sheet.append(HEADER)
    for row in rows_for(samples[0], "R1"):
        row[7] = dt.datetime(2026, 9, 20)  # Excel dates come as dates
        sheet.append(row)
    book.save(tmp_path / "r.xlsx")
    result = import_results(tmp_path / "r.xlsx", actor=lab_users["T1"], dry_run=True)
    assert result.ok and result.encoding == "xlsx" and result.samples == 1
    assert not TestResult.objects.exists()


def test_cli_exit_codes(tmp_path, samples, lab_users):
    good = write(tmp_path / "good.csv", rows_for(samples[0], "R1"))
    bad = write(
        tmp_path / "bad.csv",
        [[samples[1].sample_no, "过氧化值", "x", "", "", "", "R", "2026-09-20", "2026-09-03"]],
    )
    unreadable = tmp_path / "old.xls"
    unreadable.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    report = tmp_path / "report.xlsx"
    for path, code in ((bad, 1), (unreadable, 2), (good, 0)):
        with pytest.raises(SystemExit) as exited:
            call_command("sampling", "import-results", str(path), "--as", "t_lab_t1", "--report", str(report))
        assert exited.value.code == code, path
    sheet = openpyxl.load_workbook(report).active
    rows = list(sheet.iter_rows(values_only=True))
    # the shared export layout: title, then the outcome in the filter row, then the frozen header
    assert rows[0][0] == "导入报告：good.csv" and "结果：导入完成" in rows[1][0]
    assert rows[2][:3] == ("行", "列", "问题") and sheet.freeze_panes == "A4"


@pytest.mark.django_db(transaction=True)
def test_upload_page_runs_the_import_in_the_worker(tmp_path, settings, city, labs, users, parties):
    from tests.sampling.conftest import lab_user

    settings.VAR_DIR = tmp_path
    lab = lab_user("t_upload_lab", labs["T1"])
    from zhijian.sampling.models import SamplingPlan, SamplingTask

    plan = SamplingPlan.objects.create(year=2026, kind="food", purpose="supervision", title="p")
    from zhijian.sampling.models import Category

    task = SamplingTask.objects.create(
        plan=plan,
        category=Category.objects.get(code="F0401"),
        stage="circulation",
        jurisdiction=city["330203"],
        laboratory=labs["T1"],
        quota=1,
        due_on=dt.date(2026, 12, 1),
    )
    sample = services.register_sample(
        actor=SystemActor("cli"),
        task=task,
        product_name="糕点",
        sampled_on=dt.date(2026, 9, 1),
        seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
        producer=services.PartyIn(""),
    )
    client = Client()
    assert client.login(username=lab.username, password=PASSWORD)
    content = "\n".join(",".join(map(str, r)) for r in [HEADER, *rows_for(sample, "R1")]).encode("gb18030")
    response = client.post("/sampling/results/import/", {"file": SimpleUploadedFile("结果.csv", content)})
    assert response.status_code == 302
    job = Job.objects.get(kind="sampling.results_import")
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["samples"] == 1
    page = client.get(response.url).content.decode()
    assert "1 个样品出具结论" in page
    assert Sample.objects.get().judgement == "pass"
