"""Repair penalty measures the demo loader stored double-encoded.

The demo passed the generator's JSON text (``["fine"]``) to a bulk insert that encodes every value as
JSON once more, so rows hold a JSON *string* whose text is the array, and the public credit report
listed its characters (``[、"、f、i、n、e、"、]``). This decodes every such row in one set-based
statement, and only rows whose string is itself a JSON array; any other row is left as it is.
"""

from django.db import migrations

POSTGRES = r"""
UPDATE credit_creditrecord
   SET measures = (measures #>> '{}')::jsonb
 WHERE jsonb_typeof(measures) = 'string'
   AND (measures #>> '{}') ~ '^\s*\[.*\]\s*$'
   AND pg_input_is_valid(measures #>> '{}', 'jsonb')
"""
POSTGRES_OLD = r"""
UPDATE credit_creditrecord
   SET measures = (measures #>> '{}')::jsonb
 WHERE jsonb_typeof(measures) = 'string'
   AND (measures #>> '{}') ~ '^\s*\[("[a-z_]*"(\s*,\s*"[a-z_]*")*)?\]\s*$'
"""
SQLITE = """
UPDATE credit_creditrecord
   SET measures = json(json_extract(measures, '$'))
 WHERE json_valid(measures)
   AND json_type(measures) = 'text'
   AND json_valid(json_extract(measures, '$'))
   AND json_type(json_extract(measures, '$')) = 'array'
"""


def repair(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # pg_input_is_valid arrived with PostgreSQL 16; before it, only arrays of measure codes.
            cursor.execute(POSTGRES if connection.pg_version >= 160000 else POSTGRES_OLD)
        elif connection.vendor == "sqlite":
            cursor.execute(SQLITE)
        else:
            CreditRecord = apps.get_model("credit", "CreditRecord")
            import json

            for pk, measures in CreditRecord.objects.values_list("pk", "measures").iterator():
                if isinstance(measures, str):
                    try:
                        decoded = json.loads(measures)
                    except ValueError:
                        continue
                    if isinstance(decoded, list):
                        CreditRecord.objects.filter(pk=pk).update(measures=decoded)


class Migration(migrations.Migration):
    dependencies = [("credit", "0006_listing_decision_rule")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
