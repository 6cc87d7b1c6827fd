"""Uploads (issue 15 item 1): the extension is kept, every view that takes files declares a size
limit, and a file over it is refused in Chinese before anything is written to disk."""

from __future__ import annotations

import inspect

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import PASSWORD
from zhijian.core import uploads
from zhijian.core.jobs import start_upload_job
from zhijian.core.models import Job

pytestmark = pytest.mark.django_db

HEADER = "统一社会信用代码,企业名称,类型,法定代表人,注册资本,成立日期,登记状态,住所,所属行业\r\n"


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_view_of_ours_that_reads_files_declares_its_upload_limit():
    takers = {}
    for route, callback in _patterns():
        inner = inspect.unwrap(callback)
        ours = inspect.isfunction(inner) and inner.__module__.startswith("zhijian")
        if ours and "request.FILES" in inspect.getsource(inner):
            takers[route] = getattr(callback, "upload_kind", None)
    assert len(takers) >= 4, takers  # register import, laboratory results, case evidence, visit photos
    assert all(takers.values()), {r: k for r, k in takers.items() if not k}


def test_any_other_form_with_a_file_gets_the_default_limit(settings, temp_dirs, users):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "default": 1024}
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save()
    big = SimpleUploadedFile("x.bin", b"0" * 50_000)
    response = _client(users["admin"]).post("/django-admin/core/department/add/", {"code": "x", "f": big})
    assert response.status_code == 413 and "不能超过 1 KB" in response.content.decode()
    assert _written(temp_dirs) == []


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("市场主体.xlsx", ".xlsx"),
        ("结果.CSV", ".csv"),
        ("无扩展名", ""),
        ("a.x/../../b", ""),
        ("a.带中文", ""),
    ],
)
def test_an_upload_keeps_a_plain_extension_only(name, suffix):
    assert uploads.stored_name(name) == suffix


def test_the_kept_upload_has_its_extension(settings, tmp_path, users):
    settings.VAR_DIR = tmp_path
    seen = []

    class Task:
        @staticmethod
        def enqueue(job_id, path, file_name, dry_run):
            seen.append(path)

    upload = SimpleUploadedFile("名录.xlsx", b"PK\x03\x04 not really a workbook")
    start_upload_job(
        owner=users["haishu"], kind="registry.import", title="t", upload=upload, dry_run=True, task=Task
    )
    assert seen and seen[0].endswith(".xlsx")


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def temp_dirs(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file would go to a temporary file on disk
    (tmp_path / "tmp").mkdir()
    return tmp_path


def _written(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_declared_length_over_the_limit_is_refused_unread(settings, temp_dirs, users):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "registry.import": 1024}
    body = (HEADER + "x" * 200_000).encode("gb18030")
    response = _client(users["haishu"]).post(
        "/entities/import/upload/", {"file": SimpleUploadedFile("big.csv", body)}
    )
    assert response.status_code == 413
    assert "上传的文件过大：本次上传不能超过 1 KB" in response.content.decode()
    assert _written(temp_dirs) == [] and not Job.objects.exists()


def test_a_stream_past_the_limit_is_stopped_before_the_chunk_over_it_is_stored(settings, temp_dirs, users):
    # Content-Length within limit + form overhead, so only the counting handler can catch it.
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "registry.import": 8 * 1024}
    body = (HEADER + "y" * 40_000).encode("gb18030")
    response = _client(users["haishu"]).post(
        "/entities/import/upload/", {"file": SimpleUploadedFile("big.csv", body)}
    )
    assert response.status_code == 413
    assert "上传的文件过大" in response.content.decode()
    assert _written(temp_dirs) == [] and not Job.objects.exists()


def test_a_file_within_the_limit_is_taken(settings, temp_dirs, users):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "registry.import": 64 * 1024}
    response = _client(users["haishu"]).post(
        "/entities/import/upload/", {"file": SimpleUploadedFile("ok.csv", HEADER.encode("gb18030"))}
    )
    assert response.status_code == 302 and Job.objects.count() == 1
    assert [p.rsplit(".", 1)[1] for p in _written(temp_dirs / "var")] == ["csv"]


def test_visit_photos_and_case_evidence_are_limited_too(settings, temp_dirs, users):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "inspections.photo": 1024, "sampling.evidence": 1024}
    big = SimpleUploadedFile("现场.jpg", b"\xff\xd8" + b"0" * 100_000)
    client = _client(users["inspector"])
    assert client.post("/inspections/field/1/photo/", {"photo": big}).status_code == 413
    big.seek(0)
    assert _client(users["haishu"]).post("/sampling/cases/1/evidence/", {"e-file": big}).status_code == 413
    assert _written(temp_dirs) == []
