"""zhijian credit …: the batch with its progress bar, publicity expiry, one entity; errors in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from tests.factories import EntityFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import AuditEntry
from zhijian.credit import services
from zhijian.credit.models import CreditStanding, ScoringModel, ScoringRun

pytestmark = pytest.mark.django_db


def test_rescore_reclass_and_expire_from_the_command_line(haishu, users, capsys):
    firm = EntityFactory(jurisdiction=haishu, established_on=dt.date(2010, 1, 1), industry_code="C2911")
    services.record_penalty(
        actor=SystemActor("test"),
        entity=firm,
        measures=["criticism"],
        title="通报批评",
        occurred_on=dt.date(2026, 1, 5),
        today=dt.date(2026, 1, 5),
        reclassify=False,
    )
    call_command("credit", "rescore", "--as", users["admin"].username, "--as-of", "2026-11-02")
    run = ScoringRun.objects.get()
    assert run.actor == users["admin"] and run.as_of == dt.date(2026, 11, 2)
    assert CreditStanding.objects.get(entity=firm).credit_class == "B"
    assert AuditEntry.objects.filter(action="credit.rescore", actor_id=users["admin"].pk).exists()
    assert "分类完成" in capsys.readouterr().out
    call_command("credit", "expire")
    assert "已停止公示期满的记录 1 条" in capsys.readouterr().out
    call_command("credit", "reclass", firm.uscc.lower())
    assert firm.name in capsys.readouterr().out


def test_errors_are_clear_and_change_nothing(haishu):
    with pytest.raises(CommandError, match="不存在"):
        call_command("credit", "rescore", "--as", "nobody")
    with pytest.raises(CommandError, match="没有该统一社会信用代码"):
        call_command("credit", "reclass", "91330203000000000X")
    ScoringModel.objects.update(active=False)
    with pytest.raises(CommandError, match="没有启用的信用风险分类模型"):
        call_command("credit", "rescore")
    assert not ScoringRun.objects.exists()
