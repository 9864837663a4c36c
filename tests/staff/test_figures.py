"""The staff home's figures for two groups built through world.apply, checked by hand."""

from decimal import Decimal

from core import health
from core.store.staff_home import sort_rows, staff_home
from tests.staff.helpers import build_two_groups


def test_two_groups_figures_by_hand(world):
    built = build_two_groups(world)
    rows = {r.name: r for r in staff_home([world.group.id, world.other.id], built.today)}
    a, b = rows["กลุ่มบ้านหนึ่ง"], rows["กลุ่มบ้านสอง"]

    assert a.members == 3  # the world's member, ก and ข
    assert (a.savings, a.savings_before, a.savings_growth) == (100_000, 80_000, Decimal("25.0"))
    assert (a.shares, a.welfare_fund) == (10_000, 3_000)
    assert (a.loans_outstanding, a.portfolio, a.at_risk) == (90_000, 90_000, 60_000)
    assert a.par30 == Decimal("66.7")
    assert a.balanced and a.open_reviews == 0 and a.meeting_months == 3
    # ก's instalments due in the last 90 days: 206.00 at T-35, and 206.00 a month later when
    # that is today or before; nothing paid.
    assert a.repayment_due in (20_600, 41_200) and a.repayment_paid == 0
    assert a.repayment == Decimal("0.0")
    assert a.mark.colour == health.RED
    assert a.mark.reading(health.PAR30).colour == health.RED
    assert a.mark.reading(health.MEETINGS).colour == health.GREEN
    assert a.mark.reading(health.SAVINGS_GROWTH).colour == health.GREEN

    assert b.members == 1 and b.savings == 29_000 and b.loans_outstanding == 0
    assert b.par30 is None and b.repayment is None  # no loans: not counted
    assert b.open_reviews == 1 and b.last_sync == built.synced_b
    assert b.meeting_months == 0 and b.mark.colour == health.RED  # no meetings at all
    assert b.mark.reading(health.PAR30).colour == health.UNKNOWN
    assert a.last_sync > b.last_sync


def test_sorting_puts_the_worst_first(world):
    built = build_two_groups(world)
    rows = staff_home([world.group.id, world.other.id], built.today)
    assert [r.name for r in sort_rows(rows, "savings")] == ["กลุ่มบ้านหนึ่ง", "กลุ่มบ้านสอง"]
    assert [r.name for r in sort_rows(rows, "reviews")] == ["กลุ่มบ้านสอง", "กลุ่มบ้านหนึ่ง"]
    assert [r.name for r in sort_rows(rows, "sync")] == ["กลุ่มบ้านสอง", "กลุ่มบ้านหนึ่ง"]
    assert [r.name for r in sort_rows(rows, "par30")] == ["กลุ่มบ้านหนึ่ง", "กลุ่มบ้านสอง"]
    # an unknown key sorts by name (code point order: ส before ห)
    assert [r.name for r in sort_rows(rows, "unknown")] == ["กลุ่มบ้านสอง", "กลุ่มบ้านหนึ่ง"]


def test_no_groups_no_queries(db):
    assert staff_home([], None) == []


def test_savings_three_months_back_count_to_the_end_of_that_day(world):
    """On 26 Nov 2026 the growth compares with the savings at the end of 26 Aug 2026. Deposits
    of 10.00 on 26 Aug, 20.00 on 27 Aug (the rest of that month, read from the journal), 40.00
    on 30 Sep and 80.00 on 20 Nov (whole months, from the monthly totals): 150.00 now, 10.00
    then, growth (150 - 10) / 10 = 1,400 %."""
    from datetime import date

    for day, amount in (("2026-08-26", 1000), ("2026-08-27", 2000), ("2026-09-30", 4000),
                        ("2026-11-20", 8000)):
        assert world.apply("savings.deposit", {"member_id": world.member_id,
                                               "amount_satang": amount},
                           business_date=day).status == "accepted"
    [row] = staff_home([world.group.id], date(2026, 11, 26))
    assert (row.savings, row.savings_before, row.savings_growth) == (
        15_000, 1_000, Decimal("1400.0"))
