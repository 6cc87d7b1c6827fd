"""Leaner entity indexes, and name search on character bigrams instead of pg_trgm trigrams.

Drops the indexes a city-scale import paid for without any query using them (the FK indexes that
composite indexes already cover, the varchar_pattern_ops twin of the USCC's unique index, the
single-column type / cluster / industry indexes) and replaces the trigram index, which cannot
serve two-character fragments, by a GIN index on the name's bigrams (registry/search.py).
"""

import django.db.models.deletion
import zhijian.registry.search
from django.db import migrations, models


# Frozen copies of registry/search.py as this migration was written: a later change to the search
# must not change what this migration did.
STOP_GRAMS = frozenset({"宁波", "有限", "限公", "公司"})


def name_bigrams(name: str) -> list[str]:
    return sorted({name[i : i + 2] for i in range(len(name) - 1)} - STOP_GRAMS)


def fill_name_grams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # One set-based statement: a city's 1.5 million names in seconds, not row by row. The pairs
        # are those of registry/search.name_bigrams, sorted by code point as Python sorts them.
        schema_editor.execute(
            "UPDATE registry_entity SET name_grams = ARRAY(SELECT g FROM (SELECT DISTINCT "
            'substr(name, i, 2) COLLATE "C" AS g FROM generate_series(1, char_length(name) - 1) AS i) AS pairs '
            "WHERE g <> ALL(%s) ORDER BY g)",
            params=[sorted(STOP_GRAMS)],
        )
        return
    Entity = apps.get_model("registry", "Entity")
    batch = []
    for entity in Entity.objects.only("id", "name").iterator(chunk_size=5000):
        entity.name_grams = name_bigrams(entity.name)
        batch.append(entity)
        if len(batch) >= 5000:
            Entity.objects.bulk_update(batch, ["name_grams"])
            batch = []
    Entity.objects.bulk_update(batch, ["name_grams"])


def drop_trigram_index(apps, schema_editor):
    # Before the fill: every updated row would otherwise also be written to the trigram index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_entity_name_trgm")


def create_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A larger pending list lets bulk imports append new entries cheaply and merge them in big sorted runs.
    schema_editor.execute(
        "CREATE INDEX registry_entity_name_grams ON registry_entity USING gin (name_grams) "
        "WITH (fastupdate = on, gin_pending_list_limit = 16384)"
    )
    schema_editor.execute("ALTER TABLE registry_entity ALTER COLUMN name_grams SET STATISTICS 1000")


def drop_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_entity_name_grams")


def restore_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS registry_entity_name_trgm ON registry_entity USING gin (name gin_trgm_ops)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_lab_role'),
        ('registry', '0002_name_search_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='entity',
            name='registry_en_industr_138cd0_idx',
        ),
        migrations.RemoveIndex(
            model_name='entity',
            name='registry_en_cluster_143713_idx',
        ),
        migrations.RemoveIndex(
            model_name='entity',
            name='registry_en_entity__ccfae7_idx',
        ),
        migrations.AddField(
            model_name='entity',
            name='name_grams',
            field=zhijian.registry.search.BigramsField(default=list, editable=False, verbose_name='名称二元组'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='jurisdiction',
            field=models.ForeignKey(db_index=False, limit_choices_to={'level__in': ['district', 'zone']}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.jurisdiction', verbose_name='管辖单位'),
        ),
        migrations.AlterField(
            model_name='entity',
            name='uscc',
            field=models.CharField(max_length=18, verbose_name='统一社会信用代码'),
        ),
        migrations.AlterField(
            model_name='entitytag',
            name='entity',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tags', to='registry.entity'),
        ),
        migrations.AlterField(
            model_name='lifecycleevent',
            name='entity',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='history', to='registry.entity'),
        ),
        migrations.AddConstraint(
            model_name='entity',
            constraint=models.UniqueConstraint(fields=('uscc',), name='entity_uscc_unique'),
        ),
        migrations.RunPython(drop_trigram_index, restore_trigram_index),
        migrations.RunPython(fill_name_grams, migrations.RunPython.noop),
        migrations.RunPython(create_bigram_index, drop_bigram_index),
    ]
