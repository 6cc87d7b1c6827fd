"""Seed the statutory and configured numbers of 双随机、一公开 as rule data, each with its source.

The publicity period of spot-check results (20 working days, 企业信息公示暂行条例 Art 6) is
seeded by core as ``inspections.result_publicity.publish_within``.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

RATIO_SOURCE = (
    "国市监信发〔2022〕6号《关于推进企业信用风险分类管理进一步提升监管效能的意见》"
    "（A类合理降低抽查比例、可“无事不扰”，B类按常规比例，C类适当提高，D类大幅提高）；具体比例为本市配置"
)
RULES = [
    # key, value, unit, valid_from, legal source, note
    ("inspections.team.min_size", "2", "persons", dt.date(2021, 7, 15),
     "中华人民共和国行政处罚法（2021年修订）第四十二条", "执法人员不得少于两人"),
    ("inspections.recheck.within", "10", "working_days", dt.date(2021, 1, 1),
     "宁波市市场监管局“双随机、一公开”抽查工作规程（本平台配置，文号待补）", "收到整改报告之日起10个工作日内复查"),
    ("inspections.sampling_ratio.A", "0", "ratio", dt.date(2022, 1, 1), RATIO_SOURCE,
     "A类信用风险低：无事不扰，仅法律法规或上级要求时抽取"),
    ("inspections.sampling_ratio.B", "0.03", "ratio", dt.date(2022, 1, 1), RATIO_SOURCE, "B类信用风险一般：常规比例"),
    ("inspections.sampling_ratio.C", "0.10", "ratio", dt.date(2022, 1, 1), RATIO_SOURCE, "C类信用风险较高：适当提高"),
    ("inspections.sampling_ratio.D", "0.30", "ratio", dt.date(2022, 1, 1), RATIO_SOURCE, "D类信用风险高：大幅提高"),
    ("inspections.sampling_ratio.U", "0.03", "ratio", dt.date(2022, 1, 1),
     "未分类主体（新设立或尚无评价）按常规比例，同B类：本平台规则", "未分类主体"),
    ("inspections.sampling_ratio.general_cap", "0.30", "ratio", dt.date(2019, 2, 15),
     "国发〔2019〕5号（合理确定抽查比例和频次，防止检查过多和执法扰民）；上限为本市配置",
     "仅含一般检查事项的任务，各类别比例不得超过此值；含重点检查事项的任务不设上限"),
    ("inspections.target.double_random_share", "0.60", "ratio", dt.date(2021, 1, 1),
     "宁波市市场监管“十四五”规划 表2-1 第2项（约束性）", "双随机监管（抽查）事项占比60%以上"),
    ("inspections.target.credit_application_rate", "0.90", "ratio", dt.date(2021, 1, 1),
     "宁波市市场监管“十四五”规划 表2-1 第3项（约束性）", "“双随机、一公开”信用应用率90%"),
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
    for key, _value, _unit, valid_from, _source, _note in RULES:
        RuleValue.objects.filter(key=key, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("core", "0002_audit_append_only_and_rules")]
    operations = [migrations.RunPython(forwards, backwards)]
