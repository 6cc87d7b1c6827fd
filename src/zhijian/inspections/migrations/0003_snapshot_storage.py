"""Store draw snapshots uncompressed on PostgreSQL (STORAGE EXTERNAL).

A city-scale snapshot is ~28 MB of USCCs; TOAST's default compression would cost time on every draw
and verification for little space. SQLite stores blobs as they are.
"""

from django.db import migrations

COLUMNS = ("members", "selected")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(f"ALTER TABLE inspections_drawsnapshot ALTER COLUMN {column} SET STORAGE EXTERNAL")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(f"ALTER TABLE inspections_drawsnapshot ALTER COLUMN {column} SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_rules")]
    operations = [migrations.RunPython(forwards, backwards)]
