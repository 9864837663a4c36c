"""The year-end rules with figures worked out by hand (DOMAIN.md section 2: reserve at least
10 %, dividend by months held, refund by interest paid, defaulters excluded; section 4: rounding
remainders to the reserve). Amounts are satang.

Default split: dividend 40, refund 20, reserve 10, welfare 10, committee 10, public benefit 10.
"""

import ast
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import yearend
from core.policy import DEFAULTS, check_policy, with_defaults
from core.yearend import MemberYear, allocate, share_out

pytestmark = pytest.mark.rules

SPLIT = DEFAULTS["year_end"]


def test_the_rule_module_imports_no_storage():
    source = Path(yearend.__file__).read_text(encoding="utf-8")
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module)
    assert modules <= {"__future__", "collections.abc", "dataclasses", "datetime",
                       "core.errors", "core.thaidate"}, modules


def _parts(allocation):
    return {m.member_id: (m.dividend, m.refund) for m in allocation.members}


def test_an_even_year():
    """Profit 10,000.00 baht: pools 4,000 / 2,000 / 1,000 / 1,000 / 1,000 / 1,000.
    Share-months 600,000 : 300,000 : 300,000 -> dividends 2,000 / 1,000 / 1,000.
    Interest paid 300 : 100 : 0 -> refunds 1,500 / 500 / 0. Nothing left over."""
    result = allocate(1_000_000, SPLIT, [MemberYear("a", 600_000, 30_000),
                                         MemberYear("b", 300_000, 10_000),
                                         MemberYear("c", 300_000, 0)])
    assert result.pools == {"dividend": 400_000, "refund": 200_000, "reserve": 100_000,
                            "welfare": 100_000, "committee": 100_000, "public_benefit": 100_000}
    assert _parts(result) == {"a": (200_000, 150_000), "b": (100_000, 50_000), "c": (100_000, 0)}
    assert result.to_reserve == 0 and result.reserve == 100_000


def test_every_rounding_remainder_goes_to_the_reserve():
    """Profit 1,000.01 baht = 100,001 satang. Pools round down: 40,000 / 20,000 / 10,000 and
    10,000 × 3 = 100,000, leaving 1. Three equal members: dividend 40,000 / 3 = 13,333 each
    (1 left), refund 20,000 / 3 = 6,666 each (2 left). Reserve 10,000 + 1 + 1 + 2 = 10,004."""
    members = [MemberYear(m, 5_000, 700) for m in "abc"]
    result = allocate(100_001, SPLIT, members)
    assert _parts(result) == dict.fromkeys("abc", (13_333, 6_666))
    assert result.to_reserve == 4 and result.reserve == 10_004
    assert sum(result.credits().values()) == 100_001


@pytest.mark.parametrize(("exclude", "expected"), [
    (True, {"a": (200_000, 0), "b": (200_000, 200_000)}),
    (False, {"a": (200_000, 150_000), "b": (200_000, 50_000)}),
])
def test_a_member_in_default_gets_no_refund_when_the_policy_says_so(exclude, expected):
    """Interest 300 (a, defaulted) and 100 (b). Excluded: b takes the whole 2,000 refund.
    Not excluded: 1,500 / 500. The dividend is not touched (equal share-months: 2,000 each)."""
    split = {**SPLIT, "exclude_defaulters": exclude}
    result = allocate(1_000_000, split, [MemberYear("a", 1, 30_000, defaulted=True),
                                         MemberYear("b", 1, 10_000)])
    assert _parts(result) == expected
    assert result.members[0].refund_excluded is exclude


def test_a_pool_nobody_can_share_goes_to_the_reserve():
    """No interest paid by anyone and no shares held: the 4,000 dividend and 2,000 refund
    pools go to the reserve with its own 1,000: 7,000."""
    result = allocate(1_000_000, SPLIT, [MemberYear("a", 0, 0)])
    assert _parts(result) == {"a": (0, 0)}
    assert result.reserve == 700_000


def test_the_dividend_cap_sends_the_excess_to_the_reserve():
    """1,000 baht of shares held all year = 1,200,000 satang-months; a 10 % cap allows
    1,200,000 × 10 / 1,200 = 10,000 satang (100 baht). The 4,000 baht pool is cut to 100 baht;
    3,900 baht go to the reserve, which ends at 1,000 + 3,900 = 4,900 baht."""
    result = allocate(1_000_000, {**SPLIT, "dividend_cap_pct": 10},
                      [MemberYear("a", 1_200_000, 0), MemberYear("b", 0, 10_000)])
    assert result.dividend_cap == 10_000
    assert _parts(result) == {"a": (10_000, 0), "b": (0, 200_000)}
    assert result.reserve == 490_000


@pytest.mark.parametrize("profit", [0, -50_000])
def test_a_year_without_profit_distributes_nothing(profit):
    """A loss of 500 baht is charged to the reserve; no member gets anything."""
    result = allocate(profit, SPLIT, [MemberYear("a", 600_000, 30_000)])
    assert _parts(result) == {"a": (0, 0)}
    assert result.reserve == profit
    assert result.credits() == {"dividend": 0, "refund": 0, "reserve": profit, "welfare": 0,
                                "committee": 0, "public_benefit": 0}


# ------------------------------------------------------------------------ share-months

JAN_1 = date(2025, 1, 1)


@pytest.mark.parametrize(("opening", "moves", "expected"), [
    # 100 baht bought on 15 March counts April to December: 9 × 10,000.
    (0, [(date(2025, 3, 15), 10_000)], 90_000),
    # Bought on the 1st still counts from the next month (the month's lowest balance is 0).
    (0, [(date(2025, 1, 1), 10_000)], 110_000),
    # 500 baht held from last year, paid out on 10 June: January to May, 5 × 50,000.
    (50_000, [(date(2025, 6, 10), -50_000)], 250_000),
    # Held all year and more bought in December: 12 × 20,000; December's purchase not yet.
    (20_000, [(date(2025, 12, 20), 5_000)], 240_000),
])
def test_share_months_count_each_months_lowest_balance(opening, moves, expected):
    assert yearend.share_months(opening, moves, JAN_1) == expected


@pytest.mark.parametrize(("year_be", "start_month", "expected"), [
    (2568, 1, (date(2025, 1, 1), date(2025, 12, 31))),
    (2569, 10, (date(2025, 10, 1), date(2026, 9, 30))),
    (2569, 4, (date(2025, 4, 1), date(2026, 3, 31))),
])
def test_fiscal_year_bounds(year_be, start_month, expected):
    assert yearend.fiscal_year_bounds(year_be, start_month) == expected


INSTALMENTS = [(date(2025, 2, 1), 1_000), (date(2025, 3, 1), 1_000)]


@pytest.mark.parametrize(("payments", "grace", "expected"), [
    ([(date(2025, 2, 1), 1_000), (date(2025, 3, 1), 1_000)], 0, False),
    ([(date(2025, 2, 1), 1_000), (date(2025, 3, 5), 1_000)], 0, True),  # four days late
    ([(date(2025, 2, 1), 1_000), (date(2025, 3, 5), 1_000)], 7, False),  # within grace
    ([(date(2025, 1, 20), 2_000)], 0, False),  # paid ahead
    ([(date(2025, 2, 1), 500), (date(2025, 3, 1), 1_500)], 0, True),  # February short
])
def test_default_means_an_instalment_of_the_year_not_paid_in_time(payments, grace, expected):
    assert yearend.defaulted(INSTALMENTS, payments, JAN_1, date(2025, 12, 31), grace) is expected


def test_instalments_of_other_years_do_not_count_on_their_own():
    """A December 2024 instalment paid late is last year's default, not this year's."""
    assert not yearend.defaulted([(date(2024, 12, 1), 1_000)], [(date(2025, 1, 10), 1_000)],
                                 JAN_1, date(2025, 12, 31))


# ------------------------------------------------------------------------------ policy


@pytest.mark.parametrize(("change", "field"), [
    ({"dividend_pct": 41}, "year_end"),  # adds up to 101
    ({"dividend_pct": 45, "reserve_pct": 5}, "reserve_pct"),  # 100, but the reserve under 10
    ({"dividend_pct": "40"}, "year_end"),
    ({"dividend_cap_pct": 0}, "dividend_cap_pct"),
    ({"exclude_defaulters": "yes"}, "exclude_defaulters"),
])
def test_a_split_that_does_not_hold_is_refused(change, field):
    assert check_policy(with_defaults({"year_end": change})).field == field


def test_the_refusal_says_what_the_split_adds_up_to():
    problem = check_policy(with_defaults({"year_end": {"dividend_pct": 30}}))
    assert "90" in problem.message_en and "90" in problem.message_th


# -------------------------------------------------------------------------- VSLA share-out


def test_a_vsla_share_out():
    """Shares 300 / 200 / 100 baht (60,000 satang), profit 100.01 baht: fund 70,001.
    a: 70,001 × 3/6 = 35,000.5 -> 35,000; b: 70,001 × 2/6 = 23,333.67 -> 23,333;
    c: 70,001 / 6 = 11,666.83 -> 11,666. Paid 69,999; 2 satang to the reserve."""
    result = share_out(10_001, {"a": 30_000, "b": 20_000, "c": 10_000})
    assert [(m.member_id, m.payout, m.gain) for m in result.members] == [
        ("a", 35_000, 5_000), ("b", 23_333, 3_333), ("c", 11_666, 1_666)]
    assert result.fund == 70_001 and result.to_reserve == 2


def test_a_vsla_loss_is_borne_in_proportion():
    """Shares 300 / 100 baht, a loss of 40 baht: fund 360 baht, paid 270 / 90."""
    result = share_out(-4_000, {"a": 30_000, "b": 10_000})
    assert [m.payout for m in result.members] == [27_000, 9_000]
    assert result.to_reserve == 0


# -------------------------------------------------------------------------- properties

percent_splits = st.lists(st.integers(0, 90), min_size=5, max_size=5).filter(
    lambda xs: sum(xs) <= 90).map(lambda xs: dict(zip(
        ("dividend_pct", "refund_pct", "welfare_pct", "committee_pct", "public_benefit_pct"),
        xs, strict=True)) | {"reserve_pct": 100 - sum(xs)})
members = st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 10**8), st.booleans()),
                   max_size=30)


@given(st.integers(-10**10, 10**11), percent_splits, members, st.none() | st.integers(1, 100),
       st.booleans())
def test_allocations_add_up_exactly_to_the_profit(profit, split, rows, cap, exclude):
    split = {**split, "dividend_cap_pct": cap, "exclude_defaulters": exclude}
    assert yearend.check_split(split) is None
    result = allocate(profit, split, [MemberYear(str(i), sm, paid, bad)
                                      for i, (sm, paid, bad) in enumerate(rows)])
    assert sum(result.credits().values()) == profit
    assert all(m.dividend >= 0 and m.refund >= 0 for m in result.members)
    if profit > 0:
        assert result.reserve >= profit * split["reserve_pct"] // 100
        if cap is None and any(sm for sm, _, _ in rows):
            # Each member's part is rounded down: less than a satang lost per member.
            assert 0 <= result.pools["dividend"] - result.dividends < len(rows)


@given(st.integers(-10**8, 10**10), st.lists(st.integers(1, 10**8), min_size=1, max_size=40))
def test_a_share_out_pays_the_whole_fund_but_for_a_few_satang(profit, shares):
    result = share_out(profit, {str(i): value for i, value in enumerate(shares)})
    assert result.paid_out + result.to_reserve == result.fund
    if result.fund >= 0:
        assert 0 <= result.to_reserve < len(shares)
