"""Signed chain heads, and the head table append-only in the database like the log itself."""

from django.db import migrations, models

PG_UP = """
CREATE TRIGGER core_auditcheckpoint_append_only BEFORE UPDATE OR DELETE ON core_auditcheckpoint
  FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse_change();
"""
PG_DOWN = "DROP TRIGGER IF EXISTS core_auditcheckpoint_append_only ON core_auditcheckpoint;"
SQLITE_UP = [
    """CREATE TRIGGER core_auditcheckpoint_no_update BEFORE UPDATE ON core_auditcheckpoint
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER core_auditcheckpoint_no_delete BEFORE DELETE ON core_auditcheckpoint
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only (DELETE refused)'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditcheckpoint_no_update",
    "DROP TRIGGER IF EXISTS core_auditcheckpoint_no_delete",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_event_deliveries_dead_letter")]
    operations = [
        migrations.AlterModelOptions(name="auditcheckpoint", options={"verbose_name": "审计链头"}),
        migrations.AddField(
            model_name="auditcheckpoint", name="statement", field=models.TextField(blank=True, default="")
        ),
        migrations.AddField(
            model_name="auditcheckpoint",
            name="signature",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="auditcheckpoint",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(forwards, backwards),
    ]
