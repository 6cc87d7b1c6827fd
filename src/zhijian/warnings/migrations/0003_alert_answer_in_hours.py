"""警示 answers counted in hours.

The 警示 deadline was stored as 1 "days" for want of an hours unit in the rule data; it is the same
limit, 24 hours from the raising, now stored as such (core 0007 added the units). The row keeps its
date and legal source, so nothing that started under it changes.
"""

from decimal import Decimal

from django.db import migrations

ALERT = "warnings.answer.alert"
NOTE_DAYS = "警示类预警：接收单位24小时内反馈核查处置情况（平台配置值）"
NOTE_HOURS = "警示类预警：接收单位24小时内反馈核查处置情况（平台配置值，按小时连续计算，节假日不顺延）"


def forwards(apps, schema_editor):
    for row in apps.get_model("core", "RuleValue").objects.filter(key=ALERT, unit="days"):
        row.value, row.unit, row.note = row.value * 24, "hours", NOTE_HOURS
        row.save(update_fields=["value", "unit", "note"])


def backwards(apps, schema_editor):
    for row in apps.get_model("core", "RuleValue").objects.filter(key=ALERT, unit="hours"):
        if row.value % 24 == 0:
            row.value, row.unit, row.note = row.value / Decimal(24), "days", NOTE_DAYS
            row.save(update_fields=["value", "unit", "note"])


class Migration(migrations.Migration):
    dependencies = [
        ("warnings", "0002_sources_and_answer_rules"),
        ("core", "0007_rule_units_hours_minutes"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
