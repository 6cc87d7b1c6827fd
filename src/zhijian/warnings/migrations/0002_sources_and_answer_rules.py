"""The sources the platform starts with, and the answer deadlines by classification as rule data.

The deadlines are the platform's configured values (the seeds name the three classes, not their
time limits); an administrator replaces them with a new dated row when the city's rules say
otherwise. 警示 is counted in calendar days (1 day = 24 hours from the raising), the others in
working days.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SOURCE = "宁波市食品安全风险分析预警平台建设方案（种子文件000）“预警分布管理”"
RULES = [
    ("warnings.answer.alert", "1", "days", "警示类预警：接收单位24小时内反馈核查处置情况（平台配置值）"),
    ("warnings.answer.follow_up", "5", "working_days", "需跟进类预警：接收单位5个工作日内反馈（平台配置值）"),
    ("warnings.answer.attention", "10", "working_days", "供关注类预警：10个工作日内反馈（平台配置值，不要求反馈）"),
]
COMMON = ["记录号", "日期", "区县", "食品类别", "危害因素", "环节", "生产者", "产品", "批次", "数量", "检测数", "不合格数"]
SOURCES = [
    # code, name, kind, owner, cadence, freshness
    ("own.sampling", "食品安全抽检结果（含不合格）", "own", "食品协调处", 1, 14),
    ("own.spot_checks", "双随机抽查结果", "own", "信用监管处", 7, 30),
    ("own.complaints", "投诉举报（12315）", "own", "消费者权益保护处", 1, 7),
    ("outside.national_sampling", "国家及省抽检信息公告", "outside", "食品协调处", 7, 21),
    ("outside.hospital_cases", "医疗机构食源性疾病病例", "outside", "市卫生健康委（食品协调处对接）", 7, 14),
    ("outside.media", "媒体与网络舆情", "outside", "新闻宣传处", 1, 7),
    ("outside.import_alerts", "进口食品预警通报", "outside", "宁波海关（食品协调处对接）", 7, 30),
    ("outside.other_cities", "外地市通报协查", "outside", "食品协调处", 7, 30),
]


def forwards(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    Source = apps.get_model("warnings", "Source")
    for key, value, unit, note in RULES:
        RuleValue.objects.update_or_create(
            key=key,
            valid_from=dt.date(2020, 1, 1),
            defaults={"value": Decimal(value), "unit": unit, "legal_source": SOURCE, "note": note},
        )
    for code, name, kind, owner, cadence, freshness in SOURCES:
        Source.objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "owner": owner, "columns": COMMON, "cadence_days": cadence,
                      "freshness_days": freshness},
        )


def backwards(apps, schema_editor):
    apps.get_model("core", "RuleValue").objects.filter(key__startswith="warnings.").delete()
    apps.get_model("warnings", "Source").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("warnings", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
