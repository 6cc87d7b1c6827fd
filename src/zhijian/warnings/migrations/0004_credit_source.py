"""The credit events as an own source: firms of the food trade whose credit-risk class drops
(``credit.class_changed``, see subscribers.py). Drops are rare events: the source expects one a
month and is stale after 90 days without any, which already says the feed may be broken."""

from django.db import migrations

COMMON = ["记录号", "日期", "区县", "食品类别", "危害因素", "环节", "生产者", "产品", "批次", "数量", "检测数", "不合格数"]


def forwards(apps, schema_editor):
    apps.get_model("warnings", "Source").objects.update_or_create(
        code="own.credit",
        defaults={
            "name": "信用风险分类变动（食品行业）",
            "kind": "own",
            "owner": "信用监管处",
            "columns": COMMON,
            "cadence_days": 30,
            "freshness_days": 90,
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("warnings", "Observation").objects.filter(source__code="own.credit").delete()
    apps.get_model("warnings", "Source").objects.filter(code="own.credit").delete()


class Migration(migrations.Migration):
    dependencies = [("warnings", "0003_alert_answer_in_hours")]
    operations = [migrations.RunPython(forwards, backwards)]
