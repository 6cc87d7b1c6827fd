"""Rule data: the time limit for deciding a listing on the abnormal list once the ground is established.

企业经营异常名录管理暂行办法 Art 8 (public information false) and Art 9 (unreachable at the registered
address): the decision to list is made within 10 working days of the day the fact was established
(自查实之日起10个工作日内作出列入决定). A spot check's completion date is that day.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

ABNORMAL = "企业经营异常名录管理暂行办法（原国家工商行政管理总局令第68号）"

RULES = [
    # key, value, unit, valid_from, legal source, note
    ("credit.abnormal.listing_decision", 10, "working_days", dt.date(2014, 10, 1), f"{ABNORMAL}第八条、第九条",
     "公示信息隐瞒真实情况弄虚作假或通过登记的住所（经营场所）无法联系的，自查实之日起10个工作日内作出列入经营异常名录的决定并公示"),
]


def seed(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    for key, value, unit, valid_from, source, note in RULES:
        RuleValue.objects.update_or_create(
            key=key,
            valid_from=valid_from,
            defaults={"value": Decimal(value), "unit": unit, "legal_source": source, "note": note},
        )


def unseed(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    for key, _value, _unit, valid_from, _source, _note in RULES:
        RuleValue.objects.filter(key=key, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0005_listing_proposal"), ("core", "0002_audit_append_only_and_rules")]

    operations = [migrations.RunPython(seed, unseed)]
