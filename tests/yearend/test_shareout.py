"""A VSLA's share-out at the end of cycle 2568 (tests/yearend/scenario.py), worked out by hand.

Income: interest 20.00 + fine 81.01 = 101.01; expenses 1.00; profit 100.01 = 10,001 satang.
Shares: a 300.00, b 200.00, c 100.00 (60,000). Fund 60,000 + 10,001 = 70,001.
  a 70,001 × 3/6 = 35,000.5 -> 35,000 (gain 50.00)
  b 70,001 × 2/6 = 23,333.67 -> 23,333 (gain 33.33)
  c 70,001 × 1/6 = 11,666.83 -> 11,666 (gain 16.66)
Paid 69,999; the 2 satang left go to the reserve.
"""

from core import books
from core.store import ledger, statements
from core.store import yearend as store
from core.store.models import FiscalPeriod
from tests.yearend.scenario import vsla_cycle

YEAR = 2568


def _close(world, group):
    books_hash = store.figures(group, YEAR).books_hash
    return world.apply("year.close", {"year_be": YEAR, "books_hash": books_hash}, by="vsla",
                       group=group, business_date="2026-01-10")


def test_the_share_out_pays_shares_and_profit_in_proportion(world):
    group, ids = vsla_cycle(world)
    fig = store.figures(group, YEAR)
    assert fig.vsla and fig.profit == 10_001
    assert [(p.member_id, p.shares, p.payout) for p in fig.shareout.members] == [
        (ids["a"], 30_000, 35_000), (ids["b"], 20_000, 23_333), (ids["c"], 10_000, 11_666)]
    assert fig.shareout.to_reserve == 2

    assert _close(world, group).status == "accepted"
    balance = lambda key: ledger.balance_of(group.id, key)  # noqa: E731
    for name, payout in (("a", 35_000), ("b", 23_333), ("c", 11_666)):
        assert balance(books.account_key(books.SHARES, ids[name])) == 0
        assert balance(books.account_key(books.SAVINGS, ids[name])) == -payout
    assert balance(books.RESERVE) == -2
    assert balance(books.PROFIT_TO_ALLOCATE) == 0
    assert balance(books.INTEREST_INCOME) == balance(books.FINE_INCOME) == 0
    rows = statements.passbook(ids["b"]).section(books.SAVINGS).rows
    assert [(r.kind, r.amount_in) for r in rows] == [("year.shareout", 23_333)]
    assert FiscalPeriod.get(FiscalPeriod.group == group.id).closed_at is not None


def test_no_share_out_while_a_loan_is_outstanding(world):
    group, _ = vsla_cycle(world, repay=False)
    refused = _close(world, group)
    assert refused.status == "rejected" and "still outstanding" in refused.message_en
    assert ledger.balance_of(group.id, books.PROFIT_TO_ALLOCATE) == 0
