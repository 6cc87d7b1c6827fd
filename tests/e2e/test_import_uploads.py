"""End to end, in a real browser: every import page takes a real XLSX and a CSV as Excel on Chinese
Windows saves it (GB18030, CRLF), and refuses an oversized file with a Chinese message (issue 15
item 1: web XLSX uploads failed with “无法打开XLSX文件：InvalidFileException”)."""

from __future__ import annotations

import datetime as dt
import io
import os

import openpyxl
import pytest
from django.core.management import call_command

from tests.e2e.conftest import CHROMIUM, chromium_missing_reason
from tests.e2e.test_register_flow import login
from tests.factories import UserFactory, make_uscc
from tests.sampling.conftest import food_task, lab_user, labs, parties, reference  # noqa: F401 (fixtures)
from zhijian.core.models import Job, Role
from zhijian.registry.models import Entity
from zhijian.sampling import services
from zhijian.sampling.models import Sample

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTER_HEADER = ["统一社会信用代码", "企业名称", "类型", "法定代表人", "注册资本", "成立日期", "登记状态", "住所", "所属行业"]  # fmt: skip
RESULTS_HEADER = ["抽样单编号", "检验项目", "检验结果", "结果单位", "检出限", "单项判定", "报告编号", "报告日期", "收样日期"]  # fmt: skip


def xlsx_bytes(rows: list[list]) -> bytes:
    """A workbook as openpyxl (and so Excel's own format) writes it."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def excel_csv_bytes(rows: list[list]) -> bytes:
    """A CSV as Excel on Chinese Windows saves “CSV (逗号分隔)”: GB18030 (code page 936), CRLF."""
    return "".join(",".join(str(c) for c in row) + "\r\n" for row in rows).encode("gb18030")


def upload(page, selector: str, name: str, mime: str, content: bytes, button: str) -> None:
    page.set_input_files(selector, files=[{"name": name, "mimeType": mime, "buffer": content}])
    with page.expect_navigation():
        page.click(button)


def run_worker_and_reload(page) -> Job:
    assert "/jobs/" in page.url, page.url
    job_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    page.reload()
    return Job.objects.get(pk=job_id)


@pytest.fixture
def upload_dirs(settings, tmp_path):
    """Where an upload could land: the platform's var/uploads and Django's temporary files."""
    settings.VAR_DIR = tmp_path / "var"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    return {"uploads": tmp_path / "var" / "uploads", "tmp": tmp_path / "tmp"}


def files_in(folder) -> list:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.e2e
def test_register_import_takes_an_xlsx_and_an_excel_csv(page, live_server, city, upload_dirs):
    UserFactory(username="e2e_importer", role=Role.DISTRICT, jurisdiction=city["330203"])
    login(page, "e2e_importer")
    first, second = make_uscc("330203"), make_uscc("330203")
    workbook = xlsx_bytes(
        [REGISTER_HEADER, [first, "宁波海曙表格测试有限公司", "有限责任公司", "李四", 50, dt.date(2021, 1, 2), "存续", "海曙区1号", "C3670"]]
    )  # fmt: skip
    # given the import page, when a real XLSX is uploaded and the worker runs it
    page.goto("/entities/import/")
    upload(page, "input[name=file]", "市场主体名录.xlsx", XLSX, workbook, "main form button[type=submit]")
    job = run_worker_and_reload(page)
    # then it is imported, and the page says so
    assert job.status == Job.Status.SUCCEEDED, job.message or job.result
    assert job.result["encoding"] == "xlsx" and job.result["created"] == 1
    assert "导入完成" in page.locator("#job").inner_text()
    assert Entity.objects.get(uscc=first).name == "宁波海曙表格测试有限公司"

    # and the same for a CSV saved by Excel on Chinese Windows
    csv = excel_csv_bytes(
        [REGISTER_HEADER, [second, "宁波海曙逗号测试有限公司", "有限责任公司", "王五", 80, "2022/3/4", "存续", "海曙区2号", "C3670"]]
    )  # fmt: skip
    page.goto("/entities/import/")
    upload(page, "input[name=file]", "市场主体名录.csv", "text/csv", csv, "main form button[type=submit]")
    job = run_worker_and_reload(page)
    assert job.status == Job.Status.SUCCEEDED, job.message or job.result
    assert job.result["encoding"] == "gb18030" and job.result["created"] == 1
    assert "导入完成" in page.locator("#job").inner_text()
    assert Entity.objects.get(uscc=second).name == "宁波海曙逗号测试有限公司"
    assert files_in(upload_dirs["uploads"]) == []  # removed once imported


def _results_rows(sample: Sample, report_no: str) -> list[list]:
    base = [report_no, "2026-09-20", "2026-09-03"]
    return [
        RESULTS_HEADER,
        [sample.sample_no, "酸价（以脂肪计）（KOH）", "1.5", "mg/g", "", "", *base],
        [sample.sample_no, "过氧化值", "0.12", "g/100g", "", "", *base],
        [sample.sample_no, "苯甲酸及其钠盐（以苯甲酸计）", "未检出", "g/kg", "0.005", "", *base],
        [sample.sample_no, "山梨酸及其钾盐（以山梨酸计）", "0.3", "g/kg", "", "", *base],
        [sample.sample_no, "菌落总数", "<10/<10/30/40/50", "CFU/g", "", "", *base],
    ]


@pytest.mark.e2e
def test_laboratory_results_import_takes_an_xlsx_and_an_excel_csv(
    page, live_server, upload_dirs, users, request
):
    # the sampling fixtures (tests/sampling/conftest.py), imported above
    lab_set, task, shops = (request.getfixturevalue(n) for n in ("labs", "food_task", "parties"))
    lab_user("e2e_lab", lab_set["T1"])
    samples = [
        services.register_sample(
            actor=users["haishu"], task=task, product_name=f"糕点{n}", sampled_on=dt.date(2026, 9, 1),
            seller=services.PartyIn(shops["seller"].name, shops["seller"].uscc),
            producer=services.PartyIn(shops["producer"].name, shops["producer"].uscc),
        )
        for n in range(2)
    ]  # fmt: skip
    login(page, "e2e_lab")
    for sample, name, mime, content in (
        (samples[0], "检验结果.xlsx", XLSX, xlsx_bytes(_results_rows(samples[0], "R-XLSX"))),
        (samples[1], "检验结果.csv", "text/csv", excel_csv_bytes(_results_rows(samples[1], "R-CSV"))),
    ):
        page.goto("/sampling/results/import/")
        upload(page, "input[name=file]", name, mime, content, "main form button[type=submit]")
        job = run_worker_and_reload(page)
        assert job.status == Job.Status.SUCCEEDED, job.message or job.result
        assert job.result["ok"], job.result
        assert job.result["encoding"] == ("xlsx" if name.endswith("xlsx") else "gb18030")
        assert "导入完成" in page.locator("#job").inner_text()
        sample.refresh_from_db()
        assert sample.reported_on == dt.date(2026, 9, 20)
    assert files_in(upload_dirs["uploads"]) == []


@pytest.mark.e2e
def test_an_oversized_upload_is_refused_in_chinese_before_anything_is_written(
    page, live_server, city, settings, upload_dirs
):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "registry.import": 4096}
    UserFactory(username="e2e_big", role=Role.DISTRICT, jurisdiction=city["330203"])
    login(page, "e2e_big")
    page.goto("/entities/import/")
    big = excel_csv_bytes([REGISTER_HEADER] + [[make_uscc("330203"), "宁波测试有限公司"] for _ in range(400)])
    assert len(big) > 4096
    upload(page, "input[name=file]", "大文件.csv", "text/csv", big, "main form button[type=submit]")
    assert "上传的文件过大" in page.locator("#upload-refused").inner_text()
    assert "4 KB" in page.locator("#upload-refused").inner_text()
    assert not Job.objects.exists()
    assert files_in(upload_dirs["uploads"]) == [] and files_in(upload_dirs["tmp"]) == []
