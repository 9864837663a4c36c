"""Welfare rules with cases worked out by hand (DOMAIN.md section 1: Chamung's and Umong's
figures are the defaults).

Default scheme: 30 baht a month; lapses after 3 missed; hospital 200 a night, at most 600 a
stay and 1,000 a year; death 3,000 / 10,000 / 30,000 from 0 / 5 / 10 years of membership;
elderly 200 a year from age 60 after 1,095 days; everything else waits 180 days.
"""

import ast
import copy
from datetime import date
from pathlib import Path

import pytest

from core import welfare
from core.policy import DEFAULTS, check_policy, with_defaults
from core.welfare import MemberFacts, PaidSoFar, assess_claim

pytestmark = pytest.mark.rules

SCHEME = with_defaults(None)["welfare"]
TODAY = date(2027, 6, 30)
JOINED = date(2025, 1, 1)


def benefit(code: str) -> dict:
    return welfare.benefit_of(SCHEME, code)


def test_the_rule_module_imports_only_the_standard_library_and_plain_core_rules():
    source = Path(welfare.__file__).read_text(encoding="utf-8")
    allowed = {"core.errors", "core.money", "core.thaidate", "__future__", "re", "dataclasses",
               "datetime"}
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module)
    assert found <= allowed, found - allowed


def test_the_default_scheme_is_valid():
    assert welfare.check_scheme(SCHEME) is None
    assert check_policy(with_defaults(None)) is None


@pytest.mark.parametrize(("change", "field"), [
    ({"contribution_per": "week"}, "contribution_per"),
    ({"contribution_satang": -1}, "contribution_satang"),
    ({"lapse_after_missed": "3"}, "lapse_after_missed"),
    ({"benefits": [{"code": "Birth", "name_th": "ก", "name_en": "b", "amount_satang": 1}]},
     "code"),
    ({"benefits": [{"code": "x", "name_th": "ก", "name_en": "x", "amount_satang": 1},
                   {"code": "x", "name_th": "ข", "name_en": "y", "amount_satang": 1}]}, "code"),
    ({"benefits": [{"code": "x", "name_th": "ก", "name_en": "x"}]}, "x.amount"),
    ({"benefits": [{"code": "x", "name_th": "ก", "name_en": "x", "amount_satang": 1,
                    "per_night_satang": 1}]}, "x.amount"),
    ({"benefits": [{"code": "x", "name_th": "ก", "name_en": "x", "amount_satang": 1,
                    "waiting_days": -1}]}, "x.waiting_days"),
    ({"benefits": [{"code": "x", "name_th": "ก", "name_en": "x", "amount_satang": 1,
                    "per_year_satang": 1.5}]}, "x.per_year_satang"),
    ({"benefits": [{"code": "x", "name_th": "ก", "name_en": "x",
                    "by_membership_years": [[5, 1], [0, 2]]}]}, "x.by_membership_years"),
    ({"benefits": [{"code": "x", "name_th": "ก", "name_en": "x", "amount_satang": 1,
                    "gender": "m"}]}, "x.gender"),
    ({"benefits": [{"code": "x", "name_th": "", "name_en": "x", "amount_satang": 1}]},
     "x.name_th"),
])
def test_a_bad_scheme_names_what_is_wrong(change, field):
    scheme = copy.deepcopy(DEFAULTS["welfare"]) | change
    problem = welfare.check_scheme(scheme)
    assert problem is not None and problem.field == field, problem
    assert check_policy(with_defaults({"welfare": change})).field == field


# ------------------------------------------------------------------------ waiting periods

@pytest.mark.parametrize(("event", "days", "allowed"), [
    (date(2025, 6, 29), 179, False),
    (date(2025, 6, 30), 180, True),
    (date(2025, 7, 1), 181, True),
])
def test_the_waiting_period_counts_days_from_joining(event, days, allowed):
    result = assess_claim(benefit("birth"), MemberFacts(JOINED), event, TODAY)
    assert (event - JOINED).days == days
    assert result.allowed is allowed
    assert result.suggested_satang == (100_000 if allowed else 0)
    waiting = next(r for r in result.reasons if r.code == "waiting")
    if allowed:
        assert waiting.en == f"waiting period served: {days} of 180 days"
        assert waiting.th == f"ระยะเวลารอสิทธิ์ครบแล้ว: {days} จาก 180 วัน"
    else:
        assert [(r.th, r.en) for r in result.problems] == [
            ("ระยะเวลารอสิทธิ์: 179 จาก 180 วัน", "waiting period: 179 of 180 days")]
        assert result.problem().reason == "welfare_rule"


def test_the_committee_hears_the_words_of_the_issue():
    result = assess_claim(benefit("birth"), MemberFacts(JOINED), date(2025, 5, 1), TODAY)
    assert result.problems[0].th == "ระยะเวลารอสิทธิ์: 120 จาก 180 วัน"
    assert result.problems[0].en == "waiting period: 120 of 180 days"


# --------------------------------------------------------- hospital: nights and the caps

@pytest.mark.parametrize(("nights", "paid", "allowed", "suggested"), [
    (1, PaidSoFar(), True, 20_000),  # 1 × 200
    (3, PaidSoFar(), True, 60_000),  # 3 × 200 = 600, the stay's cap exactly
    (4, PaidSoFar(), True, 60_000),  # 800 capped at 600 a stay
    (2, PaidSoFar(this_year=60_000, lifetime=60_000), True, 40_000),  # 1,000 − 600 = 400 left
    (1, PaidSoFar(this_year=80_000, lifetime=80_000), True, 20_000),  # 200 left, 200 asked
    (3, PaidSoFar(this_year=80_000, lifetime=80_000), True, 20_000),  # 600 asked, 200 left
    (1, PaidSoFar(this_year=100_000, lifetime=100_000), False, 0),  # the year's 1,000 used
    (2, PaidSoFar(this_event=40_000, this_year=40_000), True, 20_000),  # same stay: 600 − 400
    (1, PaidSoFar(this_event=60_000, this_year=60_000), False, 0),  # the stay's 600 used
    (0, PaidSoFar(), False, 0),
    (None, PaidSoFar(), False, 0),
])
def test_hospital_nights_with_per_stay_and_per_year_caps(nights, paid, allowed, suggested):
    result = assess_claim(benefit("hospital"), MemberFacts(JOINED), date(2026, 3, 1), TODAY,
                          nights=nights, paid=paid)
    assert (result.allowed, result.suggested_satang) == (allowed, suggested)


def test_three_stays_in_a_year_worked_through():
    """4 nights in March (800 → 600 a stay), 3 nights in July (600, but 400 left of the
    year's 1,000), 1 night in October (nothing left): 600 + 400 + refused."""
    paid, got = PaidSoFar(), []
    for event, nights in ((date(2026, 3, 2), 4), (date(2026, 7, 9), 3), (date(2026, 10, 1), 1)):
        result = assess_claim(benefit("hospital"), MemberFacts(JOINED), event, TODAY,
                              nights=nights, paid=paid)
        got.append(result.suggested_satang)
        paid = PaidSoFar(0, paid.this_year + result.suggested_satang,
                         paid.lifetime + result.suggested_satang)
    assert got == [60_000, 40_000, 0]
    last = assess_claim(benefit("hospital"), MemberFacts(JOINED), date(2026, 10, 1), TODAY,
                        nights=1, paid=paid)
    assert [r.en for r in last.problems] == ["the limit of 1,000 baht per year is used up"]
    assert [r.th for r in last.problems] == ["ใช้สิทธิ์ครบวงเงินต่อปีแล้ว (1,000 บาท)"]
    first = assess_claim(benefit("hospital"), MemberFacts(JOINED), date(2026, 3, 2), TODAY,
                         nights=4)
    assert [r.en for r in first.reasons] == [
        "waiting period served: 425 of 180 days", "4 nights × 200 baht = 800 baht",
        "limit 600 baht per event: 600 baht can be paid", "amount by the rules: 600 baht"]


# ------------------------------------------------------------ death by membership years

@pytest.mark.parametrize(("joined", "event", "years", "amount"), [
    (date(2025, 1, 1), date(2025, 6, 30), 0, 300_000),
    (date(2020, 3, 15), date(2025, 3, 14), 4, 300_000),  # a day short of 5 years
    (date(2020, 3, 15), date(2025, 3, 15), 5, 1_000_000),
    (date(2016, 1, 1), date(2025, 12, 31), 9, 1_000_000),
    (date(2015, 1, 1), date(2025, 1, 1), 10, 3_000_000),
    (date(2000, 2, 29), date(2025, 2, 28), 24, 3_000_000),
])
def test_the_death_benefit_rises_with_membership_years(joined, event, years, amount):
    result = assess_claim(benefit("death"), MemberFacts(joined), event, date(2026, 1, 1))
    assert welfare.whole_years(joined, event) == years
    assert (result.allowed, result.suggested_satang) == (True, amount)
    assert f"member for {years} years" in result.reasons[-2].en


def test_a_death_recorded_as_leaving_still_counts_an_exit_before_the_event_does_not():
    on_the_day = MemberFacts(JOINED, exited_on=date(2026, 5, 1))
    assert assess_claim(benefit("death"), on_the_day, date(2026, 5, 1), TODAY).allowed
    left_before = assess_claim(benefit("death"), on_the_day, date(2026, 5, 2), TODAY)
    assert not left_before.allowed
    assert [r.code for r in left_before.problems] == ["exited"]


# ------------------------------------------------------------------- conditions, refusals

@pytest.mark.parametrize(("birth", "event", "allowed", "why"), [
    (date(1966, 7, 1), date(2028, 6, 30), True, "age 61"),  # 1,276 days a member
    (date(1968, 7, 1), date(2028, 6, 30), False, "age 59 (this benefit is for ages from 60)"),
    (date(1968, 6, 30), date(2028, 6, 30), True, "age 60"),
    (None, date(2028, 6, 30), False, "no date of birth"),
])
def test_the_elderly_benefit_needs_age_60(birth, event, allowed, why):
    member = MemberFacts(date(2025, 1, 1), birth_date=birth)
    result = assess_claim(benefit("elderly"), member, event, date(2029, 1, 1))
    assert result.allowed is allowed, result.reasons
    assert any(why in r.en for r in result.reasons), result.reasons
    if allowed:
        assert result.suggested_satang == 20_000


def test_the_elderly_benefit_waits_1095_days_and_pays_once_a_year():
    member = MemberFacts(date(2025, 1, 1), birth_date=date(1950, 1, 1))
    early = assess_claim(benefit("elderly"), member, date(2027, 12, 31), date(2029, 1, 1))
    assert [r.en for r in early.problems] == ["waiting period: 1094 of 1095 days"]
    paid = assess_claim(benefit("elderly"), member, date(2028, 3, 1), date(2029, 1, 1),
                        paid=PaidSoFar(this_year=20_000, lifetime=20_000))
    assert not paid.allowed and paid.problems[0].code == "per_year_satang"


def test_conditions_on_gender_and_years_of_membership():
    rule = {"code": "x", "name_th": "ก", "name_en": "x", "amount_satang": 50_000,
            "gender": "female", "min_membership_years": 2, "waiting_days": 0}
    woman = MemberFacts(date(2024, 1, 1), gender="female")
    man = MemberFacts(date(2024, 1, 1), gender="male")
    assert assess_claim(rule, woman, date(2026, 1, 1), TODAY).allowed
    refused = assess_claim(rule, man, date(2025, 12, 31), TODAY)
    assert [r.en for r in refused.problems] == ["member for 1 years (2 needed)",
                                                "this benefit is for women"]


def test_every_reason_is_given_at_once():
    member = MemberFacts(date(2026, 6, 1), exited_on=date(2026, 6, 10), lapsed=True, missed=3)
    result = assess_claim(benefit("birth"), member, date(2027, 7, 1), TODAY)
    assert [r.code for r in result.problems] == ["future", "exited", "lapsed"]
    assert result.problems[2].en == "membership lapsed: 3 contributions missed by the event"
    assert result.problem().message_en.count(" · ") == 2


def test_an_event_before_joining_and_a_committee_decided_amount():
    before = assess_claim(benefit("other"), MemberFacts(JOINED), date(2024, 12, 31), TODAY)
    assert [r.code for r in before.problems] == ["waiting"]
    other = assess_claim(benefit("other"), MemberFacts(JOINED), date(2026, 1, 1), TODAY)
    assert (other.allowed, other.suggested_satang) == (True, 0)
    assert other.reasons[-1].en == "the amount is for the committee to decide"


# ---------------------------------------------------------------- contributions, lapsing

MONTHLY = {"contribution_satang": 3_000, "contribution_per": "month", "lapse_after_missed": 3,
           "benefits": []}
DAILY = MONTHLY | {"contribution_satang": 100, "contribution_per": "day"}
YEARLY = MONTHLY | {"contribution_satang": 36_500, "contribution_per": "year"}


@pytest.mark.parametrize(("scheme", "joined", "as_of", "due"), [
    (MONTHLY, date(2025, 1, 15), date(2025, 1, 14), 0),  # before joining
    (MONTHLY, date(2025, 1, 15), date(2025, 1, 15), 3_000),  # the first month's is due at once
    (MONTHLY, date(2025, 1, 15), date(2025, 2, 14), 3_000),
    (MONTHLY, date(2025, 1, 15), date(2025, 2, 15), 6_000),
    (MONTHLY, date(2025, 1, 15), date(2025, 12, 31), 36_000),  # Jan 15 … Dec 15: 12 months
    (MONTHLY, date(2025, 1, 31), date(2025, 2, 28), 6_000),  # 31 Jan, then 28 Feb
    (MONTHLY, date(2025, 1, 31), date(2025, 3, 30), 6_000),  # 31 Mar not yet
    (DAILY, date(2025, 1, 15), date(2025, 12, 31), 36_000),  # 1 baht a day = 30 a month
    (YEARLY, date(2025, 1, 15), date(2025, 12, 31), 36_500),  # 365 a year
    (YEARLY, date(2025, 1, 15), date(2026, 1, 14), 36_500),
    (YEARLY, date(2025, 1, 15), date(2026, 1, 15), 73_000),
    (YEARLY, date(2024, 2, 29), date(2025, 2, 28), 73_000),  # a 29 Feb anniversary: 28 Feb
])
def test_contributions_due_per_day_month_and_year(scheme, joined, as_of, due):
    assert welfare.contributions_due(scheme, joined, as_of) == due


@pytest.mark.parametrize(("as_of", "paid", "missed", "lapsed"), [
    (date(2025, 4, 14), 0, 2, False),  # periods from Jan 15 and Feb 15 ended unpaid
    (date(2025, 4, 15), 0, 3, True),  # Mar 15's has ended too: three missed
    (date(2025, 4, 15), 3_000, 2, False),  # one paid: the oldest is settled
    (date(2025, 4, 15), 2_999, 3, True),  # a part payment settles no period
    (date(2025, 6, 20), 9_000, 2, False),  # 5 ended, 3 paid
    (date(2025, 6, 20), 15_000, 0, False),  # all ended paid; June 15's is due but not missed
])
def test_lapsing_after_three_missed_months(as_of, paid, missed, lapsed):
    joined = date(2025, 1, 15)
    assert welfare.missed_contributions(MONTHLY, joined, paid, as_of) == missed
    assert welfare.is_lapsed(MONTHLY, missed) is lapsed


def test_behind_and_a_scheme_that_never_lapses():
    assert welfare.behind(9_000, 3_000) == 6_000
    assert welfare.behind(9_000, 12_000) == 0
    assert not welfare.is_lapsed(MONTHLY | {"lapse_after_missed": 0}, 12)
    assert welfare.missed_contributions(MONTHLY | {"contribution_satang": 0}, JOINED, 0,
                                        TODAY) == 0


@pytest.mark.parametrize(("birth", "on", "group"), [
    (date(2008, 1, 1), date(2025, 12, 31), "children"),  # 17
    (date(2007, 12, 31), date(2025, 12, 31), "working_age"),  # 18 that day
    (date(1965, 12, 31), date(2025, 12, 31), "elderly"),  # 60 that day
    (date(1966, 1, 1), date(2025, 12, 31), "working_age"),  # 59 until tomorrow
    (None, date(2025, 12, 31), "unknown"),
])
def test_the_funders_age_groups(birth, on, group):
    assert welfare.age_group(birth, on) == group


@pytest.mark.parametrize(("year", "start", "bounds"), [
    (2026, 1, (date(2026, 1, 1), date(2026, 12, 31))),
    (2026, 10, (date(2025, 10, 1), date(2026, 9, 30))),
])
def test_report_years(year, start, bounds):
    assert welfare.year_bounds(year, start) == bounds
    assert welfare.year_of(bounds[0], start) == year == welfare.year_of(bounds[1], start)
