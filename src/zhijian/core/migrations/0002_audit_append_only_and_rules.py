"""Make the audit log append-only in the database itself, and seed the first rule data.

Row triggers refuse UPDATE and DELETE. TRUNCATE needs table ownership, which the application's
production role must not have (docs/operations.md).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only (% refused)', TG_OP;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
  FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only (DELETE refused)'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS core_auditentry_no_update", "DROP TRIGGER IF EXISTS core_auditentry_no_delete"]

# Statutory numbers later issues build on; each with the provision it comes from.
RULES = [
    ("credit.penalty_publicity.publish_within", "20", "working_days", dt.date(2021, 9, 1),
     "市场监督管理行政处罚信息公示规定（国家市场监督管理总局令第45号）第九条", "作出处罚决定之日起20个工作日内公示"),
    ("credit.penalty_publicity.withdraw_within", "3", "working_days", dt.date(2021, 9, 1),
     "市场监督管理行政处罚信息公示规定（国家市场监督管理总局令第45号）第十一条", "处罚决定被撤销等情形3个工作日内撤下"),
    ("inspections.result_publicity.publish_within", "20", "working_days", dt.date(2014, 10, 1),
     "企业信息公示暂行条例第六条", "检查结果自产生之日起20个工作日内公示"),
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)
    RuleValue = apps.get_model("core", "RuleValue")
    for key, value, unit, valid_from, source, note in RULES:
        RuleValue.objects.update_or_create(
            key=key, valid_from=valid_from,
            defaults={"value": Decimal(value), "unit": unit, "legal_source": source, "note": note},
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
