"""Rule data of credit supervision and the first classification model (data migration).

Every statutory number the credit app uses is a dated ``RuleValue`` with its legal source; the code
looks them up with ``core.rules.rule(key, on=date)``.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

ORDER_45 = "市场监督管理行政处罚信息公示规定（国家市场监督管理总局令第45号，2021年9月1日施行）"
REPAIR = "市场监督管理信用修复管理办法（国市监信规〔2021〕3号，2021年9月1日施行）"
ABNORMAL = "企业经营异常名录管理暂行办法（原国家工商行政管理总局令第68号）"
DISCLOSURE = "企业信息公示暂行条例（国务院令第654号）"

RULES = [
    # key, value, unit, valid_from, legal source, note
    ("credit.penalty.publication", 20, "working_days", dt.date(2021, 9, 1), f"{ORDER_45}第九条",
     "行政处罚决定作出之日起20个工作日内通过国家企业信用信息公示系统公示"),
    ("credit.penalty.withdrawal", 3, "working_days", dt.date(2021, 9, 1), f"{ORDER_45}第十一条",
     "行政处罚决定被依法撤销、确认违法或确认无效的，3个工作日内撤下公示信息"),
    ("credit.penalty.publicity_light", 3, "months", dt.date(2021, 9, 1), f"{ORDER_45}第十三条",
     "仅受到通报批评或者较低数额罚款的，自公示之日起届满三个月停止公示"),
    ("credit.penalty.publicity", 3, "years", dt.date(2021, 9, 1), f"{ORDER_45}第十三条",
     "其他行政处罚信息自公示之日起届满三年停止公示"),
    ("credit.repair.penalty_min_publicity", 6, "months", dt.date(2021, 9, 1), f"{REPAIR}第六条；{ORDER_45}第十四条",
     "公示期满六个月、已履行义务等条件下可申请提前停止公示（第十四条第三款所列处罚除外）"),
    ("credit.repair.penalty_min_publicity_strict", 12, "months", dt.date(2021, 9, 1), f"{REPAIR}第六条",
     "食品、药品、特种设备领域行政处罚信息公示期满一年方可申请"),
    ("credit.repair.abnormal_decision", 5, "working_days", dt.date(2014, 10, 1), f"{ABNORMAL}第十一条至第十四条；{REPAIR}",
     "自收到移出经营异常名录申请之日起5个工作日内作出决定"),
    ("credit.repair.publicity_decision", 15, "working_days", dt.date(2021, 9, 1), REPAIR,
     "自受理提前停止公示申请之日起15个工作日内作出决定；线上申请收到即受理"),
    ("credit.abnormal.serious_candidacy", 3, "years", dt.date(2014, 10, 1), f"{DISCLOSURE}第十七条",
     "列入经营异常名录届满3年仍未履行公示义务的，列入严重违法失信名单"),
]


def seed(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    ScoringModel = apps.get_model("credit", "ScoringModel")
    for key, value, unit, valid_from, source, note in RULES:
        RuleValue.objects.update_or_create(
            key=key,
            valid_from=valid_from,
            defaults={"value": Decimal(value), "unit": unit, "legal_source": source, "note": note},
        )
    if not ScoringModel.objects.exists():
        # The model as released in 2025.1: read from its data file, never through live app code.
        spec_file = Path(__file__).resolve().parents[1] / "data" / "model-2025.1.json"
        ScoringModel.objects.create(
            version="2025.1",
            title="企业信用风险分类模型",
            spec=json.loads(spec_file.read_text(encoding="utf-8")),
            valid_from=dt.date(2025, 1, 1),
            active=True,
            note="依据国市监信发〔2022〕6号的指标体系（基础属性、经营行为、监管执法、名录管理、守信激励）",
        )


def unseed(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    RuleValue.objects.filter(key__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_lab_role"),
        ("credit", "0002_records_lists_repair"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
