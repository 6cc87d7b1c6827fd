"""The equipment command line: import with exit codes, a device credential, the sweep."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.equipment.test_import import rows, write_csv
from zhijian.equipment.models import Device, Unit

pytestmark = pytest.mark.django_db


def test_import_exit_codes_and_a_device_credential(tmp_path, parties, capsys):
    good = write_csv(tmp_path / "ok.csv", rows(parties))
    with pytest.raises(SystemExit) as done:
        call_command("equipment", "import", str(good))
    assert done.value.code == 0 and Unit.objects.count() == 2
    bad = rows(parties)
    bad[0][1] = "飞行器"
    with pytest.raises(SystemExit) as refused:
        call_command("equipment", "import", str(write_csv(tmp_path / "bad.csv", bad)))
    assert refused.value.code == 1
    call_command("equipment", "device", "31103302032019000011", "CLI-DEV-1")
    assert "凭证" in capsys.readouterr().out and Device.objects.filter(device_id="CLI-DEV-1").exists()
    call_command("equipment", "sweep")
    call_command("equipment", "daily")
