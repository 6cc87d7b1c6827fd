"""The bigram migration fills existing names exactly as the application computes them."""

import pytest
from django.db import connection

from tests.factories import EntityFactory
from zhijian.registry.models import Entity
from zhijian.registry.search import name_bigrams

pytestmark = pytest.mark.django_db


def test_set_based_fill_matches_name_bigrams(haishu):
    from importlib import import_module

    from django.apps import apps

    names = ["宁波恒达机械有限公司", 'A"B\\C 贸易', "恒", "宁波宁波公司公司"]
    for name in names:
        EntityFactory(jurisdiction=haishu, name=name)
    Entity.objects.update(name_grams=[])
    migration = import_module("zhijian.registry.migrations.0003_leaner_indexes_bigram_search")

    class Editor:  # what the migration uses of a schema editor, inside the test's transaction
        def __init__(self):
            self.connection = connection

        def execute(self, sql, params=()):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration.fill_name_grams(apps, Editor())
    assert {e.name: e.name_grams for e in Entity.objects.all()} == {n: name_bigrams(n) for n in names}
