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
