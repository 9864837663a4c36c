"""The year-end close of a 5-member group through the one core operation (tests/yearend/
scenario.py tells its year), worked out by hand.

Income 2568: interest 900.00 (m2) + 250.00 (m3) + 40.00 (m4) = 1,190.00, fines 20.00;
expenses 150.00. Net profit 1,060.00 = 106,000 satang.
Pools (40/20/10/10/10/10): dividend 42,400; refund 21,200; reserve, welfare, committee and
public benefit 10,600 each (together exactly 106,000).

Share-months (each month's lowest balance, satang):
  m1 500.00 from 20 Jan: February-December, 11 × 50,000 = 550,000
  m2 1,000.00 from 20 Jan: 11 × 100,000 = 1,100,000
  m3 500.00 from 20 Jan, 1,000.00 from 5 Jul: Feb-Jul 6 × 50,000 + Aug-Dec 5 × 100,000 = 800,000
  m4 500.00 from 10 Oct: Nov-Dec 2 × 50,000 = 100,000;  m5 none.  Total 2,550,000.
Dividends, 42,400 × share-months / 2,550,000, rounded down:
  m1 466,400/51 = 9,145.10 -> 9,145;  m2 932,800/51 = 18,290.20 -> 18,290;
  m3 678,400/51 = 13,301.96 -> 13,301;  m4 84,800/51 = 1,662.75 -> 1,662.  Paid 42,398: 2 left.
Refunds: m3 paid May 19 days late, in default: excluded. Eligible interest m2 90,000 + m4 4,000:
  m2 21,200 × 45/47 = 20,297.87 -> 20,297;  m4 21,200 × 2/47 = 902.13 -> 902.  Paid 21,199: 1 left.
Reserve: 10,600 + 2 + 1 = 10,603.
"""

from datetime import date

import pytest

from core import books
from core.store import ledger, statements
from core.store import yearend as store
from core.store.models import FiscalPeriod, JournalLine, JournalTxn, Notice, ReviewItem, SyncOp
from tests.yearend.scenario import savings_year

YEAR = 2568
CLOSE_DAY = "2026-01-05"


@pytest.fixture
def year(world):
    return savings_year(world)


def close(world, by="committee", day=CLOSE_DAY, books_hash=None):
    books_hash = books_hash or store.figures(world.group, YEAR).books_hash
    return world.apply("year.close", {"year_be": YEAR, "books_hash": books_hash},
                       by=by, business_date=day)


def test_the_preview_is_the_hand_worked_allocation(world, year):
    fig = store.figures(world.group, YEAR)
    assert (fig.income, fig.expenses, fig.profit) == (121_000, 15_000, 106_000)
    assert fig.defaulted == {year["m3"]}
    parts = {name: next(p for p in fig.allocation.members if p.member_id == year[name])
             for name in year}
    assert {n: p.share_months for n, p in parts.items()} == {
        "m1": 550_000, "m2": 1_100_000, "m3": 800_000, "m4": 100_000, "m5": 0}
    assert {n: (p.dividend, p.interest_paid, p.refund) for n, p in parts.items()} == {
        "m1": (9_145, 0, 0), "m2": (18_290, 90_000, 20_297), "m3": (13_301, 25_000, 0),
        "m4": (1_662, 4_000, 902), "m5": (0, 0, 0)}
    assert parts["m3"].refund_excluded
    assert fig.allocation.credits() == {"dividend": 42_398, "refund": 21_199, "reserve": 10_603,
                                        "welfare": 10_600, "committee": 10_600,
                                        "public_benefit": 10_600}


def _year_sum(world, codes):
    return int(JournalLine.select(JournalLine.amount).join(JournalTxn).switch(JournalLine)
               .join(ledger.Account).where(
                   (JournalLine.group == world.group.id) & ledger.Account.code.in_(codes)
                   & (JournalTxn.business_date >= date(2025, 1, 1))
                   & (JournalTxn.business_date <= date(2025, 12, 31)))
               .select(ledger.fn.SUM(JournalLine.amount)).scalar() or 0)


def test_closing_posts_the_entries_locks_the_year_and_tells_the_member(world, year):
    result = close(world)
    assert result.status == "accepted", result
    income_and_expenses = [e.code for e in books.CHART_TEMPLATE
                           if e.kind in (books.INCOME, books.EXPENSE)]
    assert _year_sum(world, income_and_expenses) == 0
    balance = lambda key: ledger.balance_of(world.group.id, key)  # noqa: E731
    assert balance(books.PROFIT_TO_ALLOCATE) == 0
    assert balance(books.RESERVE) == -10_603
    assert balance(books.WELFARE_FUND) == -10_600
    assert balance(books.COMMITTEE_PAYABLE) == -10_600
    assert balance(books.PUBLIC_BENEFIT_FUND) == -10_600
    # m2's savings: 3,000.00 + dividend 182.90 + refund 202.97
    assert balance(books.account_key(books.SAVINGS, year["m2"])) == -(300_000 + 18_290 + 20_297)

    rows = statements.passbook(year["m2"]).section(books.SAVINGS).rows
    assert [(r.kind, r.business_date, r.amount_in) for r in rows[-2:]] == [
        ("year.dividend", date(2025, 12, 31), 18_290),
        ("year.refund", date(2025, 12, 31), 20_297)]

    period = FiscalPeriod.get(FiscalPeriod.group == world.group.id)
    assert (period.starts_on, period.ends_on) == (date(2025, 1, 1), date(2025, 12, 31))
    assert period.closed_at is not None and period.closed_by_id == world.users["committee"].id

    notice = Notice.get((Notice.user == world.users["member"].id) & (Notice.kind == "year_end"))
    assert notice.payload["body"]["th"] == "ปันผล ฿91.45 · เฉลี่ยคืน ฿0.00 เข้าบัญชีเงินออมแล้ว"
    assert notice.payload["url"] == "/me"

    late = world.apply("savings.deposit", {"member_id": year["m5"], "amount_satang": 10_000},
                       business_date="2025-12-20")
    assert (late.status, late.reason) == ("needs_review", "closed_period")
    txn = JournalTxn.select().join(SyncOp).where(SyncOp.op_id == late.op_id).get()
    assert txn.business_date == date(2026, 1, 1)


def test_closing_twice_is_refused(world, year):
    assert close(world).status == "accepted"
    again = close(world, books_hash="0" * 24)
    assert again.status == "rejected"
    assert "already closed" in again.message_en and "ปิดไปแล้ว" in again.message_th


def test_open_review_items_must_be_resolved_first(world, year):
    overdrawn = world.apply("savings.withdraw", {"member_id": year["m5"],
                                                 "amount_satang": 100}, business_date=CLOSE_DAY)
    assert overdrawn.status == "needs_review"
    refused = close(world)
    assert refused.status == "rejected" and "waiting for review" in refused.message_en
    assert not FiscalPeriod.select().exists()
    ReviewItem.update(state="confirmed").execute()
    assert close(world).status == "accepted"


def test_a_year_that_is_not_buddhist_era_is_refused_with_the_field(world):
    for year_be in (1, 2025, 9999):
        refused = world.apply("year.close", {"year_be": year_be, "books_hash": "0" * 24},
                              by="committee", business_date="2026-01-05")
        assert (refused.status, refused.reason) == ("rejected", "invalid")
        assert "พุทธศักราช" in refused.message_th


def test_a_close_dated_inside_the_year_is_refused(world, year):
    refused = close(world, day="2025-12-31")
    assert refused.status == "rejected" and "has not ended" in refused.message_en


def test_a_close_on_books_changed_since_the_preview_is_refused(world, year):
    seen = store.figures(world.group, YEAR).books_hash
    world.apply("group.expense", {"amount_satang": 500, "category": "other"},
                business_date="2025-12-30")
    refused = close(world, books_hash=seen)
    assert refused.status == "rejected" and "changed after the preview" in refused.message_en
    assert ledger.balance_of(world.group.id, books.RESERVE) == 0


def test_only_the_committee_closes_and_a_close_cannot_be_voided(world, year):
    assert close(world, by="staff").reason == "forbidden"
    assert close(world, by="treasurer").reason == "forbidden"
    closed = close(world)
    void = world.apply("void", {"target_op_id": closed.op_id, "reason": "ลองยกเลิก"},
                       by="committee")
    assert void.status == "rejected" and "cannot be voided" in void.message_en


def test_a_loss_year_is_charged_to_the_reserve(world):
    """Only an expense of 300.00: the loss goes to the reserve, nobody gets anything."""
    member = world.member_id
    world.apply("shares.buy", {"member_id": member, "shares": 2}, business_date="2025-02-01")
    world.apply("group.expense", {"amount_satang": 30_000, "category": "other"},
                business_date="2025-03-01")
    assert close(world).status == "accepted"
    assert ledger.balance_of(world.group.id, books.RESERVE) == 30_000
    assert ledger.balance_of(world.group.id, books.EXPENSES) == 0
    assert ledger.balance_of(world.group.id, books.PROFIT_TO_ALLOCATE) == 0
    assert not Notice.select().where(Notice.kind == "year_end").exists()


def test_a_locked_month_is_not_a_closed_year(world, year):
    FiscalPeriod.create(group=world.group.id, starts_on=date(2025, 6, 1),
                        ends_on=date(2025, 6, 30), closed_at=date(2025, 7, 2))
    assert not store.figures(world.group, YEAR).closed
    assert close(world).status == "accepted"
    assert store.figures(world.group, YEAR).closed
    assert FiscalPeriod.select().where(FiscalPeriod.closed_at.is_null(False)).count() == 2
