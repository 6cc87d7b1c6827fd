import collections

from stdnum.cn import uscc

from zhijian.demo.generator import EntityGenerator, changed_rows


def test_same_seed_same_rows_and_different_seed_different_rows():
    first = list(EntityGenerator(7, 500).rows())
    assert first == list(EntityGenerator(7, 500).rows())
    assert first != list(EntityGenerator(8, 500).rows())


def test_rows_look_like_the_city():
    rows = list(EntityGenerator(2025, 20_000).rows())
    codes = [r[0] for r in rows]
    assert len(set(codes)) == len(codes)
    assert all(uscc.is_valid(c) for c in codes)
    assert all(c[2:6] == "3302" for c in codes)
    types = collections.Counter(r[2] for r in rows)
    assert 0.55 < types["个体工商户"] / len(rows) < 0.61
    districts = collections.Counter(r[9] for r in rows)
    assert districts.most_common(1)[0][0] == "宁波市鄞州区市场监督管理局"
    assert {"高新区", "杭州湾", "保税区", "大榭", "东钱湖"} <= set(districts)


def test_later_export_changes_a_few_percent():
    rows = list(EntityGenerator(1, 5_000).rows())
    later = changed_rows(rows, 1)
    changed = sum(a != b for a, b in zip(rows, later, strict=True))
    assert 0.01 * len(rows) < changed < 0.05 * len(rows)
