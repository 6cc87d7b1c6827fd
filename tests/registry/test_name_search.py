"""Name-fragment search: bigram prefilter on PostgreSQL, always exactly the rows LIKE finds."""

import pytest
from django.db import connection

from tests.factories import EntityFactory
from zhijian.registry.models import Entity
from zhijian.registry.queries import EntityFilter, search_entities
from zhijian.registry.search import name_bigrams

pytestmark = pytest.mark.django_db

NAMES = [
    "宁波恒达机械有限公司",
    "宁波市海曙恒达五金店",
    "慈溪市达机电器厂",
    "余姚市恒大纺织有限公司",
    'A"B\\C 贸易商行',
    "宁波 恒达 机械",
]


def test_bigrams_of_a_name():
    assert name_bigrams("恒达机械") == ["恒达", "机械", "达机"]
    assert name_bigrams("恒") == []
    assert name_bigrams("") == []


@pytest.mark.parametrize(
    "fragment", ["恒达", "达机", "恒达机械", "有限公司", "恒大纺", '"B\\', "恒达 ", "械", "无此名"]
)
def test_search_finds_exactly_what_like_finds(users, haishu, fragment):
    for name in NAMES:
        EntityFactory(jurisdiction=haishu, name=name)
    found = {e.name for e in search_entities(users["admin"], EntityFilter(q=fragment))}
    assert found == {n for n in NAMES if fragment in n}


def test_saved_and_renamed_entities_keep_their_bigrams(haishu):
    entity = EntityFactory(jurisdiction=haishu, name="宁波恒达机械有限公司")
    assert Entity.objects.get(pk=entity.pk).name_grams == name_bigrams(entity.name)
    entity.name = "宁波瑞华贸易有限公司"
    entity.save()
    assert Entity.objects.get(pk=entity.pk).name_grams == name_bigrams("宁波瑞华贸易有限公司")


def test_postgresql_search_condition_is_served_by_the_bigram_index(users, haishu):
    """At a few hundred rows the planner rightly walks the table; with plain scans off, only the
    bigram index can answer, which proves the query's condition is one the index serves."""
    if connection.vendor != "postgresql":
        pytest.skip("the bigram index exists on PostgreSQL only")
    for i in range(300):
        EntityFactory(jurisdiction=haishu, name=f"宁波第{i}号贸易有限公司")
    EntityFactory(jurisdiction=haishu, name="宁波恒达机械有限公司")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_entity")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    query = search_entities(users["admin"], EntityFilter(q="恒达"))
    assert "registry_entity_name_grams" in query.explain()
    assert [e.name for e in query] == ["宁波恒达机械有限公司"]


def test_a_common_fragment_is_found_in_the_newest_window_with_the_same_rows(users, haishu, monkeypatch):
    """Given many names with a fragment, the newest-first window gives the rows the index would."""
    from zhijian.registry import queries

    monkeypatch.setattr(queries, "NEWEST_WINDOWS", (30, 120))
    monkeypatch.setattr(queries, "bigram_statistics", lambda: None)
    for i in range(200):
        EntityFactory(jurisdiction=haishu, name=f"宁波第{i}号{'快餐店' if i % 3 == 0 else '贸易商行'}")
    admin = users["admin"]
    for need in (5, 11, 21, 60):
        windowed = [e.pk for e in search_entities(admin, EntityFilter(q="快餐店"), need=need)[:need]]
        plain = [e.pk for e in search_entities(admin, EntityFilter(q="快餐店"))[:need]]
        assert windowed == plain
        assert len(windowed) == min(need, 67)


def test_bigram_statistics_bound_the_matches_of_a_fragment(haishu, monkeypatch):
    """Given an analysed register, a fragment's possible matches are its rarest bigram's count."""
    from zhijian.registry import search

    if connection.vendor != "postgresql":
        pytest.skip("statistics come from PostgreSQL's pg_stats")
    for i in range(400):
        EntityFactory(jurisdiction=haishu, name=f"宁波{i}号{'快餐店' if i % 4 == 0 else '贸易商行'}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_entity")
    monkeypatch.setattr(search, "_statistics", (0.0, None))
    statistics = search.bigram_statistics()
    assert statistics is not None and statistics.rows == 400
    assert 80 <= statistics.most_matches("快餐店") <= 120  # 100 names have it
    assert statistics.most_matches("恒达") < 10  # no name has it: below the rarest common bigram


def test_boilerplate_pairs_are_not_indexed_yet_found(users, haishu):
    """'有限公司' is made of pairs nearly every name has: no pairs are kept for it, LIKE finds it."""
    assert name_bigrams("宁波恒达有限公司") == ["恒达", "波恒", "达有"]
    EntityFactory(jurisdiction=haishu, name="宁波恒达有限公司")
    EntityFactory(jurisdiction=haishu, name="宁波恒达五金店")
    found = {e.name for e in search_entities(users["admin"], EntityFilter(q="有限公司"), need=51)}
    assert found == {"宁波恒达有限公司"}
