"""Import through the page: the upload becomes a background job that the worker runs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from tests.factories import PASSWORD, make_uscc
from zhijian.core.models import Job
from zhijian.registry.models import Entity

HEADER = "统一社会信用代码,企业名称,类型,法定代表人,注册资本,成立日期,登记状态,住所,所属行业\n"


def upload(client, text, name="upload.csv", encoding="gb18030", **extra):
    file = SimpleUploadedFile(name, (HEADER + text).encode(encoding), content_type="text/csv")
    return client.post("/entities/import/upload/", {"file": file, **extra})


@pytest.mark.django_db(transaction=True)
def test_upload_runs_in_the_worker_and_reports_progress_and_result(city, users, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    code = make_uscc("330203")
    response = upload(
        client, f"{code},宁波甬江测试有限公司,有限责任公司,李四,50,2021-01-02,存续,海曙区1号,C3670\n"
    )
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and not Entity.objects.exists()
    page = client.get(response.url).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["created"] == 1 and job.result["encoding"] == "gb18030"
    assert Entity.objects.get().uscc == code
    page = client.get(response.url).content.decode()
    assert "导入完成" in page and "hx-trigger" not in page
    assert not list((tmp_path / "uploads").iterdir())  # the upload is removed once imported


@pytest.mark.django_db(transaction=True)
def test_failed_rows_are_listed_on_the_job_page(city, users, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    response = upload(
        client,
        "91330203XXXXXXXXX1,名称,有限责任公司,李四,50,2021-01-02,存续,海曙区1号,C3670\n",
        encoding="utf-8",
    )
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    page = client.get(response.url).content.decode()
    assert "未写入任何数据" in page and "统一社会信用代码" in page
    assert not Entity.objects.exists()


@pytest.mark.django_db
def test_upload_without_a_file_is_a_clear_error(users):
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    response = client.post("/entities/import/upload/", {})
    assert response.status_code == 400 and "请选择要导入的文件" in response.content.decode()
