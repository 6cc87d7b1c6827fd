"""The draw scheme zhijian-draw/2: the lottery issue fixed in the commitment, a salt for the hashes
that cover credit classes, the public drawn list's hash, the redraw chain and its limit (rule data).

Frozen: no import of the live app; the rule below is data as of this migration.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations, models

RULES = [
    # key, value, unit, valid_from, legal source, note
    ("inspections.draw.redraw_limit", "2", "times", dt.date(2021, 1, 1),
     "本平台抽取规则 zhijian-draw/2（docs/inspections-draw.md §5）；次数为本市配置",
     "每项抽查任务最多重新抽取的次数；每次重抽须写明理由并公示，原抽取保留可验证"),
]  # fmt: skip


def forwards(apps, schema_editor):
    # Draws made under zhijian-draw/1 get the limit too: a task whose /1 draw was committed but not
    # performed (it can no longer be) is redrawn under /2.
    apps.get_model("inspections", "Draw").objects.filter(algorithm="zhijian-draw/1").update(redraw_limit=2)
    RuleValue = apps.get_model("core", "RuleValue")
    for key, value, unit, valid_from, source, note in RULES:
        RuleValue.objects.update_or_create(
            key=key,
            valid_from=valid_from,
            defaults={"value": Decimal(value), "unit": unit, "legal_source": source, "note": note},
        )


def backwards(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    for key, _value, _unit, valid_from, _source, _note in RULES:
        RuleValue.objects.filter(key=key, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_snapshot_storage"), ("core", "0002_audit_append_only_and_rules")]

    operations = [
        migrations.AlterField(
            model_name="draw",
            name="algorithm",
            field=models.CharField(default="zhijian-draw/2", max_length=30),
        ),
        migrations.AlterField(
            model_name="draw",
            name="eligible_sha256",
            field=models.CharField(max_length=64, verbose_name="名录加盐哈希"),
        ),
        migrations.AlterField(
            model_name="draw",
            name="beacon_due_at",
            field=models.DateTimeField(verbose_name="开奖时间"),
        ),
        migrations.AddField(
            model_name="draw",
            name="beacon_game",
            field=models.CharField(blank=True, max_length=10, verbose_name="彩票"),
        ),
        migrations.AddField(
            model_name="draw",
            name="beacon_issue",
            field=models.CharField(blank=True, max_length=10, verbose_name="期号"),
        ),
        migrations.AddField(
            model_name="draw",
            name="salt",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="draw",
            name="redraw_limit",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="重抽次数上限"),
        ),
        migrations.AddField(
            model_name="draw",
            name="replaces_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="所替代抽取的冻结参数哈希"),
        ),
        migrations.AddField(
            model_name="draw",
            name="drawn_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="公开抽取名单哈希"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
