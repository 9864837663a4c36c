"""Tests for core.loans and core.loan_eligibility.

Every expected schedule was worked out by hand: the arithmetic is written next to it. Amounts
are satang (100 satang = 1 baht); rates basis points a month (100 bp = 1 % a month).
"""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.loans import (
    METHODS,
    ROUNDINGS,
    Allocation,
    Due,
    Instalment,
    LoanTerms,
    MemberStanding,
    ageing_bucket,
    allocate,
    check_application,
    due_as_of,
    effective_annual_rate,
    exceeds_legal_cap,
    monthly_irr,
    payoff_amount,
    portfolio_at_risk,
    schedule,
    total_interest,
)

pytestmark = pytest.mark.rules
REPRODUCIBLE = settings(derandomize=True, max_examples=200, deadline=None)
JAN_15 = date(2026, 1, 15)
JAN_31 = date(2026, 1, 31)

# ------------------------------------------------------------------------- schedules

# Each case: (principal, bp a month, months, method, rounding, [(principal, interest), ...]).
SCHEDULES = {
    # Flat 10,000.00 baht at 1 %/month for 12 months.
    #   interest = 1,000,000 × 0.01 = 10,000 satang (100.00 baht) every month
    #   principal = 1,000,000 / 12 = 83,333.33 -> 83,333; last = 1,000,000 − 11 × 83,333 = 83,337
    "flat 10,000 1% 12": (1_000_000, 100, 12, "flat", "satang",
                          [(83_333, 10_000)] * 11 + [(83_337, 10_000)]),
    # Flat 3,000.00 at 1.5 %/month for 3 months: 300,000 / 3 = 100,000;
    # interest 300,000 × 0.015 = 4,500 (45.00 baht) each month.
    "flat 3,000 1.5% 3": (300_000, 150, 3, "flat", "satang", [(100_000, 4_500)] * 3),
    # Flat 1,000.00 at 1 % over 3 months: 100,000 / 3 = 33,333.33 -> 33,333, 33,333 and the
    # last takes the difference 100,000 − 66,666 = 33,334; interest 1,000 each month.
    "flat 1,000 3 uneven": (100_000, 100, 3, "flat", "satang",
                            [(33_333, 1_000), (33_333, 1_000), (33_334, 1_000)]),
    # Flat 10,000.00 at 1 % over 24 months: 1,000,000 / 24 = 41,666.67 -> 41,667 (half-up);
    # 23 × 41,667 = 958,341, so the last is 1,000,000 − 958,341 = 41,659.
    "flat 10,000 1% 24": (1_000_000, 100, 24, "flat", "satang",
                          [(41_667, 10_000)] * 23 + [(41_659, 10_000)]),
    # Whole baht: 1,000 baht at 1.25 %/month over 24 months.
    #   interest = 100,000 × 0.0125 = 1,250 satang = 12.50 baht -> 13 baht = 1,300
    #   principal = 1,000 / 24 = 41.67 baht -> 42 baht = 4,200; last = 100,000 − 23 × 4,200 = 3,400
    "flat 1,000 1.25% 24 baht": (100_000, 125, 24, "flat", "baht",
                                 [(4_200, 1_300)] * 23 + [(3_400, 1_300)]),
    # A principal too small to round up: 5 satang over 10 months. 5 / 10 = 0.5 -> 1 would make
    # the last instalment 5 − 9 = −4, so the parts are rounded down: nine 0s and a last 5.
    "flat 5 satang 10": (5, 100, 10, "flat", "satang", [(0, 0)] * 9 + [(5, 0)]),
    # Declining 3,000.00 at 1.5 % over 3 months.
    #   1.015³ = 1.045678375; instalment = 300,000 × 0.015 × 1.045678375 / 0.045678375
    #          = 4,500 × 22.892151... = 103,014.68 -> 103,015
    #   1: interest 300,000 × 0.015 = 4,500; principal 103,015 − 4,500 = 98,515; left 201,485
    #   2: interest 201,485 × 0.015 = 3,022.275 -> 3,022; principal 99,993; left 101,492
    #   3: interest 101,492 × 0.015 = 1,522.38 -> 1,522; principal = the rest 101,492
    #      (total 103,014, one satang under the others)
    "declining 3,000 1.5% 3": (300_000, 150, 3, "declining", "satang",
                               [(98_515, 4_500), (99_993, 3_022), (101_492, 1_522)]),
    # Declining 10,000.00 at 1 % over 12 months.
    #   1.01¹² = 1.12682503; instalment = 10,000 × 1.12682503 / 0.12682503 = 88,848.79 -> 88,849
    #   balance before   interest (1 %, half-up)   principal = 88,849 − interest
    #   1,000,000        10,000                    78,849
    #     921,151         9,211.51 -> 9,212        79,637
    #     841,514         8,415.14 -> 8,415        80,434
    #     761,080         7,610.80 -> 7,611        81,238
    #     679,842         6,798.42 -> 6,798        82,051
    #     597,791         5,977.91 -> 5,978        82,871
    #     514,920         5,149.20 -> 5,149        83,700
    #     431,220         4,312.20 -> 4,312        84,537
    #     346,683         3,466.83 -> 3,467        85,382
    #     261,301         2,613.01 -> 2,613        86,236
    #     175,065         1,750.65 -> 1,751        87,098
    #      87,967           879.67 ->   880        the rest: 87,967 (total 88,847)
    "declining 10,000 1% 12": (1_000_000, 100, 12, "declining", "satang", [
        (78_849, 10_000), (79_637, 9_212), (80_434, 8_415), (81_238, 7_611),
        (82_051, 6_798), (82_871, 5_978), (83_700, 5_149), (84_537, 4_312),
        (85_382, 3_467), (86_236, 2_613), (87_098, 1_751), (87_967, 880)]),
    # The same loan rounded to whole baht: instalment 888.49 -> 888 baht.
    #   balance 10,000 -> 100 baht interest, 788 principal; 9,212 -> 92.12 -> 92, 796;
    #   8,416 -> 84, 804; 7,612 -> 76, 812; 6,800 -> 68, 820; 5,980 -> 59.80 -> 60, 828;
    #   5,152 -> 52, 836; 4,316 -> 43, 845; 3,471 -> 35, 853; 2,618 -> 26, 862;
    #   1,756 -> 17.56 -> 18, 870; 886 -> 8.86 -> 9, and the rest 886 (total 895 baht).
    "declining 10,000 1% 12 baht": (1_000_000, 100, 12, "declining", "baht", [
        (78_800, 10_000), (79_600, 9_200), (80_400, 8_400), (81_200, 7_600),
        (82_000, 6_800), (82_800, 6_000), (83_600, 5_200), (84_500, 4_300),
        (85_300, 3_500), (86_200, 2_600), (87_000, 1_800), (88_600, 900)]),
    # At rate 0 both methods split the principal: 100,000 / 3 = 33,333.33 -> 33,333 ×2, 33,334.
    "declining at 0 %": (100_000, 0, 3, "declining", "satang",
                         [(33_333, 0), (33_333, 0), (33_334, 0)]),
    "flat at 0 %": (100_000, 0, 3, "flat", "satang", [(33_333, 0), (33_333, 0), (33_334, 0)]),
}


@pytest.mark.parametrize("case", SCHEDULES.values(), ids=SCHEDULES.keys())
def test_schedule_worked_by_hand(case):
    principal, bp, months, method, rounding, expected = case
    rows = schedule(principal, bp, months, method, JAN_31, rounding)
    assert [(i.principal, i.interest) for i in rows] == expected
    assert [i.number for i in rows] == list(range(1, months + 1))
    assert all(i.total == i.principal + i.interest for i in rows)
    assert sum(i.principal for i in rows) == principal


def test_declining_24_months():
    """10,000.00 at 1 % over 24 months, declining.

    1.01²⁴ = 1.26973465; instalment = 10,000 × 1.26973465 / 0.26973465 = 47,073.47 -> 47,073.
    1: interest 10,000, principal 37,073, left 962,927.
    2: interest 9,629.27 -> 9,629, principal 37,444.
    24 (from the running balance): 46,620 left, interest 466.20 -> 466, total 47,086: the 23
    instalments rounded down by 0.47 satang each are made up at the end.
    Interest in all = 23 × 47,073 + 47,086 − 1,000,000 = 129,765.
    """
    rows = schedule(1_000_000, 100, 24, "declining", JAN_31)
    assert len(rows) == 24
    assert (rows[0].principal, rows[0].interest, rows[0].total) == (37_073, 10_000, 47_073)
    assert (rows[1].principal, rows[1].interest) == (37_444, 9_629)
    assert all(i.total == 47_073 for i in rows[:23])
    assert (rows[23].principal, rows[23].interest, rows[23].total) == (46_620, 466, 47_086)
    assert total_interest(rows) == 129_765
    assert sum(i.principal for i in rows) == 1_000_000


def test_total_interest():
    # flat: 12 × 10,000 = 120,000 (1,200 baht); declining 1.5 % 3 months: 4,500 + 3,022 + 1,522
    assert total_interest(schedule(1_000_000, 100, 12, "flat", JAN_31)) == 120_000
    assert total_interest(schedule(300_000, 150, 3, "declining", JAN_31)) == 9_044
    assert total_interest([]) == 0


def test_due_dates_start_a_month_after_disbursement_and_clamp_the_day():
    rows = schedule(1_000_000, 100, 12, "flat", JAN_31)
    assert [i.due_date for i in rows] == [
        date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31),
        date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30),
        date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 31)]
    leap = schedule(100_000, 100, 2, "declining", date(2024, 1, 31))
    assert [i.due_date for i in leap] == [date(2024, 2, 29), date(2024, 3, 31)]


def test_a_decimal_rate_is_exact():
    # 1.5 % a month as Decimal("150") basis points is the same as the int 150.
    assert (schedule(300_000, Decimal("150"), 3, "flat", JAN_31)
            == schedule(300_000, 150, 3, "flat", JAN_31))


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((0, 100, 12, "flat"), ValueError),
        ((-100, 100, 12, "flat"), ValueError),
        ((100.0, 100, 12, "flat"), TypeError),
        ((True, 100, 12, "flat"), TypeError),
        ((100_000, 1.5, 12, "flat"), TypeError),
        ((100_000, -1, 12, "flat"), ValueError),
        ((100_000, 100, 0, "flat"), ValueError),
        ((100_000, 100, 12, "balloon"), ValueError),
    ],
)
def test_schedule_refuses_bad_input(args, error):
    with pytest.raises(error):
        schedule(*args, JAN_31)


def test_schedule_refuses_an_unknown_rounding():
    with pytest.raises(ValueError):
        schedule(100_000, 100, 12, "flat", JAN_31, rounding="ten")


# -------------------------------------------------------------------- effective rate


def _npv(principal: int, totals: list[int], r: Fraction) -> Fraction:
    """Exact net present value at monthly rate r, for the independent checks below."""
    return -principal + sum(Fraction(t) / (1 + r) ** k for k, t in enumerate(totals, start=1))


def test_apr_of_flat_one_percent_a_month():
    """Flat 1 %/month, 12 months, 10,000 baht: 1,200 baht interest, about 21.46 % a year.

    The member pays 933.33 baht eleven times and 933.37 once. By hand: at r = 1.788 % a month
    the annuity factor (1 − 1.01788⁻¹²) / 0.01788 = (1 − 0.80843) / 0.01788 = 10.714, and
    10.714 × 933.33 = 10,000: the monthly rate is about 1.788 %, × 12 = 21.46 % (often quoted
    as "about 21.45 %"). Independently of the bisection in core.loans, the exact NPV is still
    positive at 1.7880 % and already negative at 1.7882 % a month, so the APR lies between
    21.456 % and 21.4584 %, which rounds to 21.46. Above 15 %: the app warns.
    """
    rows = schedule(1_000_000, 100, 12, "flat", JAN_31)
    assert total_interest(rows) == 120_000
    totals = [i.total for i in rows]
    assert _npv(1_000_000, totals, Fraction(17_880, 1_000_000)) > 0
    assert _npv(1_000_000, totals, Fraction(17_882, 1_000_000)) < 0
    irr = monthly_irr(1_000_000, rows, JAN_31)
    assert Decimal("0.017880") < irr < Decimal("0.017882")
    apr = effective_annual_rate(1_000_000, rows, JAN_31)
    assert apr == Decimal("21.46")
    assert exceeds_legal_cap(apr)


def test_apr_of_declining_balance_is_the_nominal_rate():
    # Interest on the balance still owed at 1 % a month is exactly 12 % a year (nominal); the
    # satang rounding moves the monthly IRR by about 1e-7, far below the 2 decimals shown.
    rows = schedule(1_000_000, 100, 12, "declining", JAN_31)
    apr = effective_annual_rate(1_000_000, rows, JAN_31)
    assert apr == Decimal("12.00")
    assert not exceeds_legal_cap(apr)
    # 1.5 % a month declining is 18 % a year: above the ceiling as well.
    rows = schedule(300_000, 150, 3, "declining", JAN_31)
    assert effective_annual_rate(300_000, rows, JAN_31) == Decimal("18.00")


def test_apr_without_interest_is_zero():
    rows = schedule(100_000, 0, 3, "flat", JAN_31)
    assert effective_annual_rate(100_000, rows, JAN_31) == 0


def test_apr_of_a_usurious_loan_widens_the_search():
    # 120 % in one month: pay 2.2 × the principal after a month, so the IRR is exactly 1.2.
    rows = schedule(100_000, 12_000, 1, "flat", JAN_31)
    assert rows[0].total == 220_000
    assert monthly_irr(100_000, rows, JAN_31) == Decimal("1.2")
    assert effective_annual_rate(100_000, rows, JAN_31) == Decimal("1440.00")


def test_apr_needs_a_loan():
    with pytest.raises(ValueError):
        monthly_irr(0, schedule(100_000, 100, 3, "flat", JAN_31), JAN_31)
    with pytest.raises(ValueError):
        monthly_irr(100_000, [], JAN_31)


@pytest.mark.parametrize(
    ("apr", "over"),
    [(Decimal("12.00"), False), (Decimal("15.00"), False), (15, False),
     (Decimal("15.01"), True), (Decimal("21.46"), True)],
)
def test_legal_cap(apr, over):
    assert exceeds_legal_cap(apr) is over


def test_legal_cap_refuses_a_float():
    with pytest.raises(TypeError):
        exceeds_legal_cap(15.5)


# ------------------------------------------------------------------------ allocation


@pytest.mark.parametrize(
    ("payment", "expected"),
    [
        # 150.00 against fines 20.00, interest 100.00, principal 1,000.00: 20 / 100 / 30.
        (15_000, Allocation(2_000, 10_000, 3_000, 0)),
        # 15.00 does not even cover the fines.
        (1_500, Allocation(1_500, 0, 0, 0)),
        # 50.00: fines 20.00, then 30.00 of the interest.
        (5_000, Allocation(2_000, 3_000, 0, 0)),
        # Exactly everything: 20 + 100 + 1,000 = 1,120.00.
        (112_000, Allocation(2_000, 10_000, 100_000, 0)),
        # 1,200.00 is 80.00 more than all that is owed: excess, held in suspense.
        (120_000, Allocation(2_000, 10_000, 100_000, 8_000)),
        (0, Allocation(0, 0, 0, 0)),
    ],
)
def test_allocate(payment, expected):
    assert allocate(payment, fines_due=2_000, interest_due=10_000,
                    principal_outstanding=100_000) == expected


def test_allocate_refuses_bad_amounts():
    with pytest.raises(ValueError):
        allocate(-1, fines_due=0, interest_due=0, principal_outstanding=0)
    with pytest.raises(TypeError):
        allocate(100.0, fines_due=0, interest_due=0, principal_outstanding=0)
    with pytest.raises(ValueError):
        allocate(100, fines_due=0, interest_due=-5, principal_outstanding=0)


# ------------------------------------------------------------------- what is due


# Flat 3,000.00 at 1.5 % over 3 months, paid out 15 Jan 2026: 100,000 + 4,500 on 15 Feb,
# 15 Mar and 15 Apr.
FLAT_3 = schedule(300_000, 150, 3, "flat", JAN_15)
FEB_15, MAR_15, APR_15 = date(2026, 2, 15), date(2026, 3, 15), date(2026, 4, 15)


@pytest.mark.parametrize(
    ("paid_principal", "paid_interest", "as_of", "expected"),
    [
        # Nothing due yet.
        (0, 0, date(2026, 2, 14), Due(0, 0, FEB_15, 0)),
        # Due today, unpaid: owed, but not past due; the next date is the one after today.
        (0, 0, FEB_15, Due(100_000, 4_500, MAR_15, 0)),
        # The first instalment paid, the second missed: on 1 April it is 17 days late
        # (15 → 31 March is 16 days, plus 1 April).
        (100_000, 4_500, date(2026, 4, 1), Due(100_000, 4_500, APR_15, 17)),
        # Principal of two instalments paid but only one month's interest: the second
        # instalment is still not fully paid, so it is late all the same.
        (200_000, 4_500, date(2026, 4, 1), Due(0, 4_500, APR_15, 17)),
        # Nothing ever paid, 20 May: all due; late since 15 Feb = 13 + 31 + 30 + 20 = 94 days.
        (0, 0, date(2026, 5, 20), Due(300_000, 13_500, None, 94)),
        # Paid two instalments ahead on 20 Feb: nothing due, next is 15 April.
        (200_000, 9_000, date(2026, 2, 20), Due(0, 0, APR_15, 0)),
        # Fully repaid.
        (300_000, 13_500, date(2026, 5, 20), Due(0, 0, None, 0)),
    ],
)
def test_due_as_of(paid_principal, paid_interest, as_of, expected):
    due = due_as_of(FLAT_3, paid_principal, paid_interest, as_of)
    assert due == expected
    assert due.total == expected.principal_due + expected.interest_due


def test_missed_instalment_ages_into_buckets():
    # Paid nothing: 10 Mar is 23 days after 15 Feb; 20 Apr is 64 days; 20 May is 94 days.
    days = [due_as_of(FLAT_3, 0, 0, d).days_past_due
            for d in (date(2026, 3, 10), date(2026, 4, 20), date(2026, 5, 20))]
    assert days == [23, 64, 94]
    assert [ageing_bucket(d) for d in days] == ["1-30", "31-90", "90+"]


@pytest.mark.parametrize(
    ("as_of", "waive", "expected"),
    [
        # 1 March, first instalment paid (100,000 + 4,500). Principal left 200,000.
        # Without waiver: + the interest not yet paid, 13,500 − 4,500 = 9,000 -> 209,000.
        (date(2026, 3, 1), False, 209_000),
        # With waiver: only interest due to date (4,500, already paid) -> 200,000.
        (date(2026, 3, 1), True, 200_000),
        # 20 March: the second instalment's interest is now due: 200,000 + 4,500.
        (date(2026, 3, 20), True, 204_500),
        (date(2026, 3, 20), False, 209_000),
    ],
)
def test_payoff_of_a_flat_loan(as_of, waive, expected):
    assert payoff_amount(FLAT_3, 100_000, 4_500, as_of, waive, method="flat") == expected


def test_payoff_of_a_declining_loan_never_charges_future_interest():
    # Declining 3,000.00 at 1.5 %: first instalment 98,515 + 4,500 paid; on 1 March the
    # balance 201,485 repays it, whatever the waiver says.
    rows = schedule(300_000, 150, 3, "declining", JAN_15)
    for waive in (False, True):
        assert payoff_amount(rows, 98_515, 4_500, date(2026, 3, 1), waive,
                             method="declining") == 201_485
    with pytest.raises(ValueError):
        payoff_amount(rows, 0, 0, date(2026, 3, 1), False, method="balloon")


# --------------------------------------------------------------------------- arrears


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-90"), (90, "31-90"),
     (91, "90+"), (400, "90+")],
)
def test_ageing_bucket(days, bucket):
    assert ageing_bucket(days) == bucket


def test_ageing_bucket_refuses_negative_days():
    with pytest.raises(ValueError):
        ageing_bucket(-1)


# Five loans, (principal outstanding, days past due), 4,000.00 baht in all:
#   A 1,500.00 current   B 500.00 10 days   C 1,000.00 31 days   D 600.00 95 days
#   E 400.00 30 days (exactly 30: not more than 30, so not in PAR30)
PORTFOLIO = [(150_000, 0), (50_000, 10), (100_000, 31), (60_000, 95), (40_000, 30)]


def test_portfolio_at_risk():
    # PAR30 = (C 1,000 + D 600) / 4,000 = 40 %; PAR90 = D 600 / 4,000 = 15 %.
    assert portfolio_at_risk(PORTFOLIO, 30) == Decimal("40.00")
    assert portfolio_at_risk(PORTFOLIO, 90) == Decimal("15.00")
    # PAR0 (any day late) = (500 + 1,000 + 600 + 400) / 4,000 = 62.5 %.
    assert portfolio_at_risk(PORTFOLIO, 0) == Decimal("62.50")
    assert [ageing_bucket(d) for _, d in PORTFOLIO] == [
        "current", "1-30", "31-90", "90+", "1-30"]


def test_portfolio_at_risk_edges():
    assert portfolio_at_risk([], 30) == 0
    assert portfolio_at_risk([(0, 100)], 30) == 0
    # 1 of 3 equal loans: 33.333... -> 33.33; 2 of 3 -> 66.67 (half-up).
    assert portfolio_at_risk([(100, 40), (100, 0), (100, 0)], 30) == Decimal("33.33")
    assert portfolio_at_risk([(100, 40), (100, 40), (100, 0)], 30) == Decimal("66.67")


# ----------------------------------------------------------------------- eligibility

TERMS = LoanTerms(max_months=12, max_savings_multiple_pct=300, guarantors_needed=2,
                  count_shares=False, guarantor_limit_satang=5_000_000)
# Savings 10,000.00 baht: at most 3 × 10,000 = 30,000.00 baht may be borrowed.
SOMCHAI = MemberStanding("m1", "สมชาย", savings_satang=1_000_000, shares_satang=500_000)
MALI = MemberStanding("m2", "มาลี", savings_satang=800_000)
DAENG = MemberStanding("m3", "แดง", savings_satang=800_000)
GONE = MemberStanding("m4", "ทองดี", savings_satang=800_000, exited=True)
BUSY = MemberStanding("m5", "บุญมี", savings_satang=800_000, guaranteed_satang=4_000_000)
MEMBERS = {m.member_id: m for m in (SOMCHAI, MALI, DAENG, GONE, BUSY)}


def _check(borrower=SOMCHAI, principal=2_000_000, months=12, guarantors=("m2", "m3"),
           terms=TERMS):
    return check_application(borrower=borrower, principal_satang=principal, months=months,
                             guarantor_ids=list(guarantors), terms=terms, members=MEMBERS)


def test_an_acceptable_application_has_no_problems():
    assert _check() == []
    assert _check(principal=3_000_000) == []  # exactly 3 × the savings


def test_principal_above_the_savings_multiple():
    [problem] = _check(principal=3_000_001)
    assert (problem.reason, problem.field) == ("invalid", "principal_satang")
    assert problem.message_th == "เงินกู้เกิน 3 เท่าของเงินออม (สูงสุด ฿30,000.00)"
    assert problem.message_en == "The loan is more than 3 times the savings (at most ฿30,000.00)"


def test_shares_count_with_the_savings_when_the_policy_says_so():
    # (10,000 + 5,000) × 2.5 = 37,500.00 baht
    terms = LoanTerms(max_months=12, max_savings_multiple_pct=250, count_shares=True)
    assert _check(principal=3_750_000, guarantors=(), terms=terms) == []
    [problem] = _check(principal=3_750_001, guarantors=(), terms=terms)
    assert problem.message_th == "เงินกู้เกิน 2.5 เท่าของเงินออมและหุ้น (สูงสุด ฿37,500.00)"


@pytest.mark.parametrize(
    ("kwargs", "fields", "message_th"),
    [
        ({"principal": 0}, ["principal_satang"], "จำนวนเงินกู้ต้องมากกว่าศูนย์"),
        ({"principal": -500}, ["principal_satang"], "จำนวนเงินกู้ต้องมากกว่าศูนย์"),
        ({"months": 0}, ["months"], "ระยะเวลากู้ต้องไม่น้อยกว่า 1 เดือน"),
        ({"months": 13}, ["months"], "ระยะเวลากู้ได้ไม่เกิน 12 เดือน"),
        ({"guarantors": ("m2", "m1")}, ["guarantor_ids", "guarantor_ids"],
         "ผู้กู้ค้ำประกันเงินกู้ของตนเองไม่ได้"),
        ({"guarantors": ("m2", "m2")}, ["guarantor_ids", "guarantor_ids"],
         "ระบุผู้ค้ำประกัน มาลี ซ้ำ"),
        ({"guarantors": ("m2", "m4")}, ["guarantor_ids", "guarantor_ids"],
         "ผู้ค้ำประกัน ทองดี ออกจากกลุ่มแล้ว"),
        ({"guarantors": ("m2", "m9")}, ["guarantor_ids", "guarantor_ids"],
         "ไม่พบผู้ค้ำประกัน m9 ในสมาชิกของกลุ่ม"),
        # บุญมี already guarantees 40,000.00; with 20,000.00 more it is 60,000.00 > 50,000.00.
        ({"guarantors": ("m2", "m5")}, ["guarantor_ids", "guarantor_ids"],
         "ผู้ค้ำประกัน บุญมี จะค้ำประกันรวม ฿60,000.00 เกินวงเงินค้ำประกัน ฿50,000.00"),
        ({"guarantors": ("m2",)}, ["guarantor_ids"],
         "ต้องมีผู้ค้ำประกันอย่างน้อย 2 คน (ที่ใช้ได้มี 1 คน)"),
    ],
)
def test_application_problems(kwargs, fields, message_th):
    problems = _check(**kwargs)
    assert [p.field for p in problems] == fields
    assert all(p.reason == "invalid" for p in problems)
    assert problems[0].message_th == message_th
    assert all(p.message_en for p in problems)
    if len(fields) == 2:  # a refused guarantor also leaves the loan one short
        assert problems[1].message_th == "ต้องมีผู้ค้ำประกันอย่างน้อย 2 คน (ที่ใช้ได้มี 1 คน)"


def test_guarantor_limit_as_a_multiple_of_their_savings():
    # Limit 200 % of savings: มาลี 8,000 × 2 = 16,000.00 < the 20,000.00 loan; แดง the same.
    terms = LoanTerms(max_months=12, guarantors_needed=2, guarantor_limit_multiple_pct=200)
    problems = _check(terms=terms)
    assert [p.field for p in problems] == ["guarantor_ids"] * 3
    assert problems[0].message_en == ("Guarantor มาลี would guarantee ฿20,000.00 in all, "
                                      "more than their limit of ฿16,000.00")
    assert _check(principal=1_600_000, terms=terms) == []
    # Both limits set: the smaller one applies (fixed 10,000.00 < 16,000.00).
    both = LoanTerms(max_months=12, guarantor_limit_multiple_pct=200,
                     guarantor_limit_satang=1_000_000)
    assert len(_check(principal=1_600_000, terms=both)) == 2


def test_borrower_in_arrears_or_with_an_open_loan():
    late = MemberStanding("m1", "สมชาย", savings_satang=1_000_000, loans=((250_000, 45),))
    problems = _check(borrower=late)
    assert [p.field for p in problems] == ["member_id", "member_id"]
    assert problems[0].message_th == (
        "ผู้กู้มีเงินกู้ค้างชำระ 45 วัน ต้องชำระให้เป็นปัจจุบันก่อนกู้ใหม่")
    assert problems[1].message_en == ("The borrower still owes ฿2,500.00 on a loan; this "
                                      "product allows one loan at a time")
    # An open loan that is up to date is fine when the product allows more than one.
    current = MemberStanding("m1", savings_satang=1_000_000, loans=((250_000, 0),))
    many = LoanTerms(max_months=12, one_loan_at_a_time=False)
    assert _check(borrower=current, guarantors=(), terms=many) == []
    assert len(_check(borrower=late, guarantors=(), terms=many)) == 1
    gone = MemberStanding("m1", savings_satang=1_000_000, exited=True)
    assert [p.message_en for p in _check(borrower=gone)] == ["The borrower has left the group"]


# ------------------------------------------------------------------------ properties

LOANS = {
    "principal": st.integers(min_value=1, max_value=10_000_000_00),
    "bp": st.integers(min_value=0, max_value=500),
    "months": st.integers(min_value=1, max_value=120),
    "method": st.sampled_from(METHODS),
    "rounding": st.sampled_from(ROUNDINGS),
}


@REPRODUCIBLE
@given(**LOANS)
def test_schedule_properties(principal, bp, months, method, rounding):
    rows = schedule(principal, bp, months, method, JAN_31, rounding)
    assert len(rows) == months
    assert sum(i.principal for i in rows) == principal
    assert all(i.principal >= 0 and i.interest >= 0 for i in rows)
    assert all(i.total == i.principal + i.interest for i in rows)
    assert all(type(i.principal) is int and type(i.interest) is int for i in rows)
    assert all(a.due_date < b.due_date for a, b in zip(rows, rows[1:], strict=False))
    if method == "declining":
        interest = [i.interest for i in rows]
        assert all(a >= b for a, b in zip(interest, interest[1:], strict=False))


@settings(derandomize=True, max_examples=40, deadline=None)
@given(principal=st.integers(min_value=100_000, max_value=10_000_000_00),
       bp=st.integers(min_value=1, max_value=300), months=st.integers(min_value=1, max_value=36))
def test_declining_apr_is_twelve_times_the_monthly_rate(principal, bp, months):
    # Only the interest rounding (half a satang a month at most) moves the IRR off the rate:
    # by less than 1 / principal a month, 0.012 % a year here, plus the 2-decimal rounding.
    rows = schedule(principal, bp, months, "declining", JAN_31)
    apr = effective_annual_rate(principal, rows, JAN_31)
    assert abs(apr - Decimal(bp * 12) / 100) <= Decimal("0.02")


@REPRODUCIBLE
@given(payment=st.integers(0, 10**10), fines=st.integers(0, 10**9),
       interest=st.integers(0, 10**9), principal=st.integers(0, 10**10))
def test_allocation_parts_sum_to_the_payment(payment, fines, interest, principal):
    parts = allocate(payment, fines_due=fines, interest_due=interest,
                     principal_outstanding=principal)
    assert parts.fines + parts.interest + parts.principal + parts.excess == payment
    assert 0 <= parts.fines <= fines
    assert 0 <= parts.interest <= interest
    assert 0 <= parts.principal <= principal
    assert parts.excess >= 0
    if parts.interest:
        assert parts.fines == fines
    if parts.principal:
        assert parts.interest == interest
    if parts.excess:
        assert parts.principal == principal


def test_instalment_is_a_frozen_value():
    inst = Instalment(1, JAN_31, 100, 1, 101)
    with pytest.raises(AttributeError):
        inst.total = 0  # type: ignore[misc]
