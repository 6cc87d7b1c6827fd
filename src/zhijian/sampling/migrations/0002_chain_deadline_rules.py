"""The time limits of the sampling chain as dated rule data, each with the provision it comes from.

Where the law fixes no number for products (产品质量监督抽查管理暂行办法 leaves delivery and reporting
times to the task documents), the platform's configured value is stated as such in ``note``; an
administrator replaces it with a new dated row when the city's own rules say otherwise.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

FOOD_RULES = "《食品安全抽样检验管理办法》（国家市场监督管理总局令第15号，2022年第61号令修改）"
RULES = [
    # key, value, unit, valid_from, legal source, note
    ("sampling.food.deliver_to_lab", "5", "working_days", dt.date(2019, 10, 1),
     FOOD_RULES + "第二十条第一款",
     "现场抽样的样品、抽样文书及相关资料由抽样人员于5个工作日内携带或寄送至承检机构"),
    ("sampling.food.report_within", "20", "working_days", dt.date(2019, 10, 1),
     FOOD_RULES + "第二十四条第二款",
     "承检机构自收到样品之日起20个工作日内出具检验报告"),
    ("sampling.food.retest_request_within", "7", "working_days", dt.date(2015, 10, 1),
     "《中华人民共和国食品安全法》第八十八条第一款；" + FOOD_RULES + "第三十条",
     "对检验结论有异议的，可自收到检验结论之日起7个工作日内申请复检；复检机构随机确定，且不得与初检机构为同一机构"),
    ("sampling.food.retest_report_within", "10", "working_days", dt.date(2019, 10, 1),
     FOOD_RULES + "第五章“复检和异议”",
     "复检机构自收到复检备份样品之日起10个工作日内出具复检报告"),
    ("sampling.food.disposal_within", "90", "days", dt.date(2019, 10, 1),
     FOOD_RULES + "第四十五条",
     "不合格食品的核查处置工作在90日内完成（需延长的须书面报批）"),
    ("sampling.product.deliver_to_lab", "5", "working_days", dt.date(2020, 1, 1),
     "《产品质量监督抽查管理暂行办法》（国家市场监督管理总局令第18号）第三章“抽样”",
     "平台配置值：暂行办法未规定统一天数（由抽查任务书约定），本市按食品抽检同等时限执行"),
    ("sampling.product.report_within", "20", "working_days", dt.date(2020, 1, 1),
     "《产品质量监督抽查管理暂行办法》（国家市场监督管理总局令第18号）第四章“检验”",
     "平台配置值：暂行办法未规定统一天数（由抽查任务书约定），本市按食品抽检同等时限执行"),
    ("sampling.product.objection_within", "15", "days", dt.date(2000, 9, 1),
     "《中华人民共和国产品质量法》第十五条第三款",
     "生产者、销售者对抽查检验结果有异议的，可自收到检验结果之日起十五日内申请复检"),
    ("sampling.product.retest_report_within", "20", "working_days", dt.date(2020, 1, 1),
     "《产品质量监督抽查管理暂行办法》（国家市场监督管理总局令第18号）第五章“异议处理”",
     "平台配置值：复检报告时限按初检报告同等时限执行"),
    ("sampling.product.disposal_within", "90", "days", dt.date(2020, 1, 1),
     "《中华人民共和国产品质量法》第十七条（责令限期改正）；《产品质量监督抽查管理暂行办法》第六章“结果处理”",
     "平台配置值：法规未规定统一天数，本市后处理时限按食品核查处置同等90日执行"),
]


def forwards(apps, schema_editor):
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
    dependencies = [("sampling", "0001_initial"), ("core", "0003_lab_role")]
    operations = [migrations.RunPython(forwards, backwards)]
