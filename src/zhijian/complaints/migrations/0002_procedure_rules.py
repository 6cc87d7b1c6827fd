"""The 12315 procedure's time limits as dated rule data (see zhijian/complaints/rules.py).

Order 121's rows get an unconfirmed RuleCheck: an administrator confirms them against the official
text. The rows are copied here (not imported from rules.py) so that the migration keeps its meaning
when the module changes; ``forwards`` is also used by tests whose flush removed the data.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

O20 = "《市场监督管理投诉举报处理暂行办法》（国家市场监督管理总局令第20号，2022年第61号令修改）"
O121 = "《市场监督管理投诉举报处理办法》（国家市场监督管理总局令第121号）"
PEN = "《市场监督管理行政处罚程序规定》（国家市场监督管理总局令第2号，2022年修改）"
UNCONFIRMED = "待核对：按暂行办法对应条款的时限录入，须由管理员对照第121号令正式文本确认"
P = "平台配置值："
F20, F121 = dt.date(2020, 1, 1), dt.date(2026, 4, 15)
T20 = dt.date(2026, 4, 14)

RULES = [
    ("complaints.accept_decision", "7", "working_days", F20, T20, O20 + "第十四条", "第十四条",
     "自收到投诉之日起七个工作日内作出受理或者不予受理的决定", False),
    ("complaints.mediation_limit", "45", "working_days", F20, T20, O20 + "第二十一条", "第二十一条",
     "自投诉受理之日起四十五个工作日内调解不成的，终止调解；检验、检测、鉴定等时间不计算在内（第二十条）", False),
    ("complaints.termination_notice", "7", "working_days", F20, T20, O20 + "第二十一条", "第二十一条",
     "终止调解的，自作出终止调解决定之日起七个工作日内告知投诉人和被投诉人", False),
    ("complaints.report_feedback", "5", "working_days", F20, T20, O20 + "第三十一条", "第三十一条",
     "自作出是否立案决定之日起五个工作日内告知实名举报人", False),
    ("complaints.accept_decision", "7", "working_days", F121, None, O121 + "（受理决定条款，待核对）",
     "受理决定条款（待核对）", UNCONFIRMED, True),
    ("complaints.mediation_limit", "45", "working_days", F121, None, O121 + "（调解期限条款，待核对）",
     "调解期限条款（待核对）", UNCONFIRMED, True),
    ("complaints.termination_notice", "7", "working_days", F121, None, O121 + "（终止调解告知条款，待核对）",
     "终止调解告知条款（待核对）", UNCONFIRMED, True),
    ("complaints.report_feedback", "5", "working_days", F121, None, O121 + "（告知实名举报人条款，待核对）",
     "告知实名举报人条款（待核对）", UNCONFIRMED, True),
    ("complaints.report_verify", "15", "working_days", F20, None, PEN + "第十八条", "第十八条",
     "自收到举报材料之日起十五个工作日内核查并决定是否立案；经负责人批准可延长十五个工作日", False),
    ("complaints.report_verify_extension", "15", "working_days", F20, None, PEN + "第十八条", "第十八条",
     "特殊情况下经负责人批准可以延长十五个工作日", False),
    ("complaints.odr_firm_first", "7", "working_days", F20, None, "ODR企业先行和解机制（平台配置）", "",
     P + "ODR企业收到投诉后先行与消费者协商和解的期限，期满未解决转市场监管部门处理", False),
    ("complaints.dispute_decide", "5", "working_days", F20, None,
     O20 + "管辖规定：管辖发生争议的，报请共同的上一级市场监督管理部门指定管辖", "",
     P + "法规未规定指定管辖的天数，本市按五个工作日执行", False),
    ("complaints.disclosure_delay", "5", "working_days", F20, None, "消费投诉信息公示（放心消费建设）", "",
     P + "办结后先在企业账户展示，期满向社会公示", False),
    ("complaints.duplicate_window", "90", "days", F20, None, "重复投诉识别（平台配置）", "",
     P + "同一投诉人对同一被投诉人的近似投诉视为疑似重复的时间窗", False),
    ("complaints.warn_before", "2", "working_days", F20, None, "时限预警（平台配置）", "",
     P + "到期前若干个工作日提示临期", False),
]


def forwards(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    RuleCheck = apps.get_model("complaints", "RuleCheck")
    for key, value, unit, valid_from, valid_to, source, article, note, unconfirmed in RULES:
        row, _ = RuleValue.objects.update_or_create(
            key=key,
            valid_from=valid_from,
            defaults={"value": Decimal(value), "unit": unit, "valid_to": valid_to, "legal_source": source, "note": note},
        )
        if unconfirmed:
            RuleCheck.objects.get_or_create(rule_id=row.pk, defaults={"article": article})


def backwards(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    for key, _v, _u, valid_from, *_rest in RULES:
        RuleValue.objects.filter(key=key, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("core", "0003_lab_role")]
    operations = [migrations.RunPython(forwards, backwards)]
