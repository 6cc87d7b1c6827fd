"""The progress-report deadlines as dated rule data with their source (core.rules).

Seed 002, 二（五）: 各区、县（市）局应在每年的1月5日和7月5日前向市局报送上年度和当年半年度本地对标达标
提升工作进展情况（附件3）. The period ends on 31 December and 30 June; the report is due 5 days later.
The reminder lead is the platform's configured value, stated as such.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SOURCE = "《宁波市百城千业万企对标达标提升专项行动实施方案》（宁波市市场监督管理局，2020年4月）二（五）"
RULES = [
    ("quality.progress_report.days_after_period", "5", "days", dt.date(2020, 4, 1), SOURCE,
     "每年1月5日和7月5日前报送上年度和当年半年度进展情况：统计期末（12月31日、6月30日）后5日"),
    ("quality.progress_report.remind_before", "10", "days", dt.date(2020, 4, 1),
     "平台配置值（市局质量发展处、标准化处可按年度工作安排调整）",
     "报送期限前10日起提醒未报送单位，逾期后再提醒一次"),
]


def forwards(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    for key, value, unit, valid_from, source, note in RULES:
        RuleValue.objects.update_or_create(
            key=key, valid_from=valid_from,
            defaults={"value": Decimal(value), "unit": unit, "legal_source": source, "note": note},
        )


def backwards(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    RuleValue.objects.filter(key__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial"), ("core", "0005_event_deliveries_dead_letter")]
    operations = [migrations.RunPython(forwards, backwards)]
