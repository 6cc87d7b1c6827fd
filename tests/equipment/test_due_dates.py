"""Every due-date rule of special equipment, over holidays where a period's end can fall on one."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.equipment.conftest import make_unit
from zhijian.core.access import SystemActor
from zhijian.core.models import RuleValue
from zhijian.core.workdays import load_notice
from zhijian.equipment import queries
from zhijian.equipment.rules import RuleBook, add_months

CLI = SystemActor("cli")

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def book(db):
    return RuleBook(D(2026, 6, 1))


class TestRegistration:
    """特种设备安全法 Art 33: register within 30 days of going into use; a holiday end is moved on."""

    def test_thirty_days_on_a_working_day(self, book):
        assert book.registration_due(D(2025, 3, 3)) == D(2025, 4, 2)  # a Wednesday

    def test_end_on_national_day_moves_past_the_holiday(self, book):
        # 2025-09-01 + 30 days = 2025-10-01; 1–8 October are the National Day holiday.
        assert book.registration_due(D(2025, 9, 1)) == D(2025, 10, 9)

    def test_end_on_a_sunday_inside_dragon_boat_moves_to_the_first_workday(self, book):
        # 2025-05-02 + 30 = Sunday 2025-06-01; 31 May–2 June are the Dragon Boat holiday.
        assert book.registration_due(D(2025, 5, 2)) == D(2025, 6, 3)

    def test_a_make_up_working_sunday_is_a_working_day(self, book):
        # 2025-08-29 + 30 = Sunday 2025-09-28, a working day by the 2025 notice.
        assert book.registration_due(D(2025, 8, 29)) == D(2025, 9, 28)

    def test_a_year_the_library_does_not_know_uses_the_loaded_notice(self, book, users):
        load_notice(
            actor=users["admin"],
            year=2031,
            source="国办发明电〔2030〕测试号",
            days=[(D(2031, 1, 31), False, "元旦调休")],
        )
        fresh = RuleBook(D(2031, 1, 1))
        # 2031-01-01 + 30 = Friday 2031-01-31, a holiday by the loaded notice → Monday 3 February.
        assert fresh.registration_due(D(2031, 1, 1)) == D(2031, 2, 3)

    def test_registered_units_have_no_registration_due(self, city, parties):
        unit = make_unit(city, parties, "31103302032020009001", registered_on=D(2020, 3, 2))
        assert unit.registration_due is None


class TestPeriodicInspection:
    """特种设备安全法 Art 40: request one month before the validity ends; intervals per category."""

    def test_request_by_is_one_month_before_validity_ends(self, book):
        assert book.request_by(D(2026, 7, 15)) == D(2026, 6, 15)

    def test_month_end_is_clamped(self, book):
        assert book.request_by(D(2026, 3, 31)) == D(2026, 2, 28)
        assert add_months(D(2024, 3, 31), -1) == D(2024, 2, 29)

    @pytest.mark.parametrize(
        "category, years",
        [("1000", 1), ("2000", 3), ("4000", 2), ("5000", 1), ("6000", 1), ("8000", 3), ("9000", 1)],
    )
    def test_interval_per_category(self, book, category, years):
        dates = book.due_dates(
            category=category,
            commissioned_on=D(2020, 1, 1),
            registered_on=D(2020, 1, 5),
            last_inspected_on=D(2025, 5, 20),
            report_valid_until=None,
            last_maintained_on=None,
        )
        assert dates.inspection_valid_until == D(2025 + years, 5, 20)
        assert dates.inspection_request_by == D(2025 + years, 4, 20)

    def test_the_report_date_wins_over_the_default_interval(self, book):
        dates = book.due_dates(
            category="2000",
            commissioned_on=D(2020, 1, 1),
            registered_on=D(2020, 1, 5),
            last_inspected_on=D(2025, 5, 20),
            report_valid_until=D(2031, 5, 1),
            last_maintained_on=None,
        )
        assert dates.inspection_valid_until == D(2031, 5, 1)

    def test_elevator_inspected_under_the_2009_rule_every_year(self, book):
        dates = book.due_dates(
            category="3000",
            commissioned_on=D(2020, 1, 1),
            registered_on=D(2020, 1, 5),
            last_inspected_on=D(2024, 3, 1),
            report_valid_until=None,
            last_maintained_on=None,
        )
        assert dates.inspection_valid_until == D(2025, 3, 1)
        assert dates.selftest_due is None

    def test_young_elevator_under_t7001_2023_every_two_years_with_a_self_test_between(self, book):
        dates = book.due_dates(
            category="3000",
            commissioned_on=D(2020, 1, 1),
            registered_on=D(2020, 1, 5),
            last_inspected_on=D(2025, 6, 10),
            report_valid_until=None,
            last_maintained_on=None,
        )
        assert dates.inspection_valid_until == D(2027, 6, 10)
        assert dates.selftest_due == D(2026, 6, 10)

    def test_elevator_older_than_fifteen_years_every_year(self, book):
        dates = book.due_dates(
            category="3000",
            commissioned_on=D(2008, 1, 1),
            registered_on=D(2008, 1, 5),
            last_inspected_on=D(2025, 6, 10),
            report_valid_until=None,
            last_maintained_on=None,
        )
        assert dates.inspection_valid_until == D(2026, 6, 10)
        assert dates.selftest_due is None

    def test_the_elevator_schedule_is_unconfirmed_until_an_administrator_confirms(self, users):
        from zhijian.equipment import services
        from zhijian.equipment.services.records import unconfirmed_rules

        assert {r.key for r in unconfirmed_rules()} == {
            "equipment.elevator.age_threshold",
            "equipment.elevator.interval_young",
            "equipment.elevator.interval_old",
        }
        for rule in RuleValue.objects.filter(key__startswith="equipment.elevator."):
            with pytest.raises(services.EquipmentError):
                services.confirm_rule(actor=users["department"], rule=rule)
            services.confirm_rule(actor=users["admin"], rule=rule)
        assert unconfirmed_rules() == []


class TestMaintenance:
    """TSG T5002: every 15 days — calendar days, holidays included (lifts run on holidays)."""

    def test_fifteen_days_straight_through_national_day(self, book):
        dates = book.due_dates(
            category="3000",
            commissioned_on=D(2020, 1, 1),
            registered_on=D(2020, 1, 5),
            last_inspected_on=None,
            report_valid_until=None,
            last_maintained_on=D(2025, 9, 25),
        )
        assert dates.maintenance_due == D(2025, 10, 10)

    def test_on_demand_scheme_uses_its_own_interval(self, book):
        dates = book.due_dates(
            category="3000",
            commissioned_on=D(2020, 1, 1),
            registered_on=D(2020, 1, 5),
            last_inspected_on=None,
            report_valid_until=None,
            last_maintained_on=D(2025, 9, 25),
            on_demand=True,
            own_interval=30,
        )
        assert dates.maintenance_due == D(2025, 10, 25)

    def test_other_categories_have_no_maintenance_cycle(self, book):
        dates = book.due_dates(
            category="1000",
            commissioned_on=D(2020, 1, 1),
            registered_on=D(2020, 1, 5),
            last_inspected_on=None,
            report_valid_until=None,
            last_maintained_on=D(2025, 9, 25),
        )
        assert dates.maintenance_due is None

    def test_a_maintenance_record_moves_the_due_date(self, units, accounts):
        from zhijian.equipment import services

        services.record_maintenance(
            actor=accounts["lift_a"],
            unit=units["mall"],
            kind="half_month",
            performed_on=D(2026, 1, 20),
            worker="王师傅",
        )
        units["mall"].refresh_from_db()
        assert units["mall"].maintenance_due == D(2026, 2, 4)


class TestDueLists:
    """Due, overdue and never-inspected lists per district."""

    def test_lists_per_district(self, city, parties, users):
        today = D(2026, 6, 1)
        make_unit(
            city,
            parties,
            "31103302032020000101",
            last_inspected_on=D(2025, 6, 1),
            inspection_valid_until=D(2026, 6, 20),
        )
        make_unit(
            city,
            parties,
            "31103302032020000102",
            last_inspected_on=D(2024, 5, 1),
            inspection_valid_until=D(2026, 5, 1),
        )
        make_unit(city, parties, "31103302032020000103")
        make_unit(
            city,
            parties,
            "31103302032020000104",
            last_inspected_on=D(2025, 9, 1),
            inspection_valid_until=D(2027, 9, 1),
        )
        make_unit(
            city,
            parties,
            "31103302122020000105",
            district="330212",
            user="school",
            maintainer="lift_b",
            last_inspected_on=D(2024, 5, 1),
            inspection_valid_until=D(2026, 5, 2),
        )
        haishu = city["330203"].pk

        def codes(user, kind, district=None):
            return [u.code[-3:] for u in queries.due_units(user, kind, district, today)]

        assert codes(users["admin"], "due", haishu) == ["101"]
        assert codes(users["admin"], "overdue", haishu) == ["102"]
        assert codes(users["admin"], "never", haishu) == ["103"]
        assert codes(users["admin"], "overdue") == ["102", "105"]
        assert codes(users["haishu"], "overdue") == ["102"]
        assert codes(users["yinzhou"], "overdue") == ["105"]

    def test_reminders_reach_the_user_unit_once(self, city, parties, accounts):
        from zhijian.equipment import services
        from zhijian.equipment.models import Reminder

        make_unit(
            city,
            parties,
            "31103302032020000201",
            last_inspected_on=D(2025, 6, 1),
            inspection_valid_until=D(2026, 6, 20),
        )
        make_unit(city, parties, "31103302032020000202", registered_on=None, commissioned_on=D(2026, 5, 5))
        first = services.send_reminders(actor=CLI, today=D(2026, 6, 1))
        again = services.send_reminders(actor=CLI, today=D(2026, 6, 1))
        assert again == 0
        kinds = sorted(
            Reminder.objects.filter(user_unit_uscc=parties["mall"].uscc).values_list("kind", flat=True)
        )
        assert "inspection" in kinds and "registration" in kinds
        assert first == Reminder.objects.count()
