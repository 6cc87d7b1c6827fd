"""Likely duplicates, repeated reports and clusters."""

import datetime as dt

import pytest

from tests.complaints.conftest import file
from zhijian.complaints.duplicates import (
    brute_force_candidates,
    compute_clusters,
    duplicate_candidates,
    flag_repeated_reports,
    similarity,
)
from zhijian.complaints.models import Case, Cluster
from zhijian.complaints.services import handling

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 2)


def test_near_identical_text_from_the_same_complainant_is_a_likely_duplicate(firms):
    first = file(ON)
    again = file(
        dt.date(2026, 3, 5), description="2026年3月在该店购买电饭煲一台，使用一周后无法加热，商家拒绝退换！！"
    )
    other_person = file(dt.date(2026, 3, 5), person_phone="13999998888")
    other_text = file(
        dt.date(2026, 3, 6), subject="会员卡不退费", description="办理会员卡后门店关闭，要求退还余额。"
    )
    found = duplicate_candidates(again)
    assert [c.code for c in found] == [first.code] and found[0].similarity >= 0.8
    assert duplicate_candidates(other_person) == [] and duplicate_candidates(other_text) == []
    assert brute_force_candidates(again) == [first.pk]  # the baseline agrees


def test_outside_the_window_is_no_duplicate(firms):
    file(dt.date(2025, 10, 1))
    late = file(ON)
    assert duplicate_candidates(late) == []


def test_the_complainant_key_hides_the_phone(firms):
    case = file(ON)
    assert case.complainant_key and "13812341234" not in case.complainant_key


def test_similarity_ignores_punctuation_and_spacing():
    assert similarity("商品 质量，差！", "商品质量差") == 1.0


def test_repeated_identical_reports_from_one_source_are_flagged_and_order_121_lets_them_go(firms, users):
    report = dict(kind="report", subject="无照经营", description="该店长期无照经营，请依法查处。")
    first = file(dt.date(2026, 4, 20), **report)
    second = file(dt.date(2026, 4, 22), **report)
    assert not first.repeated_report and second.repeated_report
    case = handling.leave_repeated_report(actor=users["haishu"], case=second, on=dt.date(2026, 4, 23))
    assert case.not_accepted_ground == "repeated"
    old = file(dt.date(2026, 3, 2), person_phone="13700007777", **report)
    old2 = file(dt.date(2026, 3, 3), person_phone="13700007777", **report)
    assert old2.repeated_report
    with pytest.raises(Exception, match="第121号令"):
        handling.leave_repeated_report(actor=users["haishu"], case=old2, on=dt.date(2026, 3, 4))
    Case.objects.update(repeated_report=False)
    assert flag_repeated_reports() == 2 and set(Case.objects.filter(repeated_report=True)) == {second, old2}
    del old


def test_mass_complaints_about_one_respondent_are_one_cluster(firms):
    for i in range(6):
        file(dt.date(2026, 3, 2 + i), person_phone=f"1380000000{i}", subject=f"预付卡无法退费{i}")
    for i in range(3):
        file(
            dt.date(2026, 3, 2 + i),
            person_phone=f"1390000000{i}",
            respondent_name="",
            respondent_uscc=firms["yinzhou"].uscc,
        )
    made = compute_clusters(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    cluster = Cluster.objects.get(key_kind="respondent")
    assert cluster.size == 6 and cluster.complainants == 6 and cluster.key == firms["shop"].uscc
    assert Case.objects.filter(cluster=cluster).count() == 6
    # the same product from six complainants across respondents is a product cluster too (here: 电饭煲, 9 people)
    # when it is a surge: three times the product's monthly average over the window
    assert made == 2 and Cluster.objects.get(key_kind="product").key == "电饭煲"
    assert Case.objects.filter(cluster__key_kind="product").count() == 3
    # recomputing gives the same clusters
    assert compute_clusters(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)) == 2


def test_a_steady_stream_is_no_cluster(firms):
    for month in (1, 2, 3):
        for i in range(6):
            file(dt.date(2026, month, 2 + i), person_phone=f"137{month}000000{i}", product=f"商品{month}{i}")
    assert compute_clusters(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)) == 0
