"""The zhijian complaints commands: import exit codes, clustering, ODR release, throttle pruning."""

import datetime as dt

import pytest
from django.core.management import call_command

from tests.complaints.test_import import rows, write_csv
from zhijian.complaints.models import Case

pytestmark = pytest.mark.django_db


def test_import_exits_0_then_1_on_a_bad_file(firms, tmp_path, capsys):
    good = write_csv(tmp_path / "good.csv", rows(firms))
    with pytest.raises(SystemExit) as done:
        call_command("complaints", "import", str(good))
    assert done.value.code == 0 and Case.objects.count() == 3
    data = rows(firms)
    data[0][0] = "P9"
    data[0][4] = "123"
    with pytest.raises(SystemExit) as refused:
        call_command("complaints", "import", str(write_csv(tmp_path / "bad.csv", data)))
    assert refused.value.code == 1 and Case.objects.count() == 3
    assert "联系电话" in capsys.readouterr().out


def test_an_unknown_user_is_refused(firms, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "complaints", "import", str(write_csv(tmp_path / "g.csv", rows(firms))), "--as", "nobody"
        )


def test_cluster_release_and_prune(firms, capsys):
    call_command("complaints", "cluster", "--start", "2026-01-01", "--end", "2026-03-31")
    call_command("complaints", "release-odr", "--today", dt.date(2026, 3, 1).isoformat())
    call_command("complaints", "flag-repeated")
    call_command("complaints", "prune-throttle")
    out = capsys.readouterr().out
    assert "群体投诉 0 组" in out and "ODR期满" in out and "重复举报" in out and "限流计数" in out
