"""The reports tie to the books: figures worked by hand (see conftest.py)."""

from decimal import Decimal

import pytest

from core import books as chart
from core.store import reports, statements
from core.store.ledger import balance_of
from core.store.reports.period import MONTH, YEAR, Period

SEPTEMBER = Period(MONTH, 2026, 9)
OCTOBER = Period(MONTH, 2026, 10)


def test_income_statement_of_september(small_books):
    statement = reports.income_statement(small_books.world.group, SEPTEMBER)
    income = {line.code: line.amount for line in statement.income}
    expenses = {line.code: line.amount for line in statement.expenses}
    assert income == {chart.INTEREST_INCOME: 0, chart.FINE_INCOME: 2_000, chart.OTHER_INCOME: 0}
    assert expenses[chart.EXPENSES] == 15_000
    assert (statement.total_income, statement.total_expenses) == (2_000, 15_000)
    assert statement.net_profit == -13_000


def test_income_statement_of_october_has_the_interest_only(small_books):
    statement = reports.income_statement(small_books.world.group, OCTOBER)
    assert statement.total_income == 1_000 and statement.total_expenses == 0
    # welfare money passes through the fund, never the profit
    assert statement.net_profit == 1_000


def test_balance_sheet_at_the_end_of_september_balances(small_books):
    sheet = reports.balance_sheet(small_books.world.group, SEPTEMBER)
    assert sheet.amount(chart.CASH) == 140_000
    assert sheet.amount(chart.LOANS) == 160_000
    assert sheet.amount(chart.FINES_DUE) == 0
    assert sheet.total_assets == 300_000
    assert sheet.amount(chart.SAVINGS) == 300_000
    assert sheet.amount(chart.SHARES) == 10_000
    assert sheet.amount(chart.WELFARE_FUND) == 3_000
    assert sheet.profit == -13_000
    assert sheet.total_liabilities == 300_000
    assert sheet.total_equity == 0  # 100.00 + 30.00 - 130.00
    assert sheet.balanced


def test_balance_sheet_at_the_end_of_october(small_books):
    sheet = reports.balance_sheet(small_books.world.group, OCTOBER)
    assert sheet.amount(chart.CASH) == 174_333  # 1,400.00 + 343.33 + 1,000.00 - 1,000.00
    assert sheet.amount(chart.LOANS) == 126_667
    assert sheet.profit == -12_000
    assert sheet.total_assets == sheet.total_liabilities_and_equity == 301_000


@pytest.mark.parametrize("period", [SEPTEMBER, OCTOBER, Period(YEAR, 2026)])
def test_trial_balance_sums_to_zero_and_matches_the_books_page(small_books, period):
    group = small_books.world.group
    tb = reports.trial_balance(group, period)
    assert sum(row.balance for row in tb.rows) == 0
    assert tb.total_debit == tb.total_credit
    assert tb == statements.trial_balance(group.id, period.bounds()[1])


def test_trial_balance_of_september_by_hand(small_books):
    tb = reports.trial_balance(small_books.world.group, SEPTEMBER)
    rows = {row.code: row.balance for row in tb.rows if row.balance}
    assert rows == {chart.CASH: 140_000, chart.LOANS: 160_000, chart.EXPENSES: 15_000,
                    chart.SAVINGS: -300_000, chart.SHARES: -10_000,
                    chart.WELFARE_FUND: -3_000, chart.FINE_INCOME: -2_000}
    assert tb.total_debit == 315_000


def test_cash_book_of_september(small_books):
    book = reports.cash_book(small_books.world.group, SEPTEMBER)
    assert book.opening == 40_000
    assert (book.total_in, book.total_out) == (215_000, 115_000)
    assert book.closing == 140_000


def test_cash_book_of_this_year_ends_at_the_cash_accounts_balance(small_books):
    group = small_books.world.group
    book = reports.cash_book(group, Period(YEAR, 2026))
    assert book.opening == 0
    assert book.closing == balance_of(group.id, chart.CASH) == 174_333


def test_loan_45_days_late_is_in_the_31_to_60_bucket(small_books):
    portfolio = reports.portfolio(small_books.world.group, SEPTEMBER)
    late = {row.loan_id: (row.outstanding, row.days_late, row.bucket) for row in portfolio.rows}
    assert late == {small_books.loan_a: (60_000, 45, "31-60"),
                    small_books.loan_b: (100_000, 0, "current")}
    assert portfolio.bucket("31-60").outstanding == 60_000
    assert portfolio.outstanding == 160_000
    assert portfolio.at_risk == 60_000
    assert portfolio.par30 == Decimal("37.50")


def test_a_past_portfolio_is_taken_back_to_its_day(small_books):
    """On 31 Aug A's loan was 15 days late and B had not borrowed yet, whatever came later."""
    portfolio = reports.portfolio(small_books.world.group, Period(MONTH, 2026, 8))
    assert [(r.loan_id, r.days_late, r.bucket) for r in portfolio.rows] == [
        (small_books.loan_a, 15, "1-30")]
    assert portfolio.par30 == Decimal("0.00")


def test_member_register_at_the_end_of_september(small_books):
    register = reports.member_register(small_books.world.group, SEPTEMBER)
    rows = {row.member_id: row for row in register.rows}
    a, b = rows[small_books.a], rows[small_books.b]
    assert (a.savings, a.shares, a.loans, a.welfare) == (100_000, 10_000, 60_000, 3_000)
    assert (b.savings, b.shares, b.loans, b.welfare) == (200_000, 0, 100_000, 0)
    assert register.active == 2 and register.total("savings") == 300_000


def test_welfare_summary_of_october(small_books):
    summary = reports.welfare_summary(small_books.world.group, OCTOBER)
    birth = next(row for row in summary.rows if row.code == "birth")
    assert (birth.claims, birth.approved, birth.approved_satang) == (1, 1, 100_000)
    assert (birth.paid, birth.paid_satang) == (1, 100_000)
    assert (summary.opening, summary.contributions, summary.other_income,
            summary.closing) == (3_000, 0, 100_000, 3_000)


def test_ratios_of_september(small_books):
    ratios = reports.ratios(small_books.world.group, SEPTEMBER)
    # member funds: 1,000.00 at the start, 3,100.00 at the end
    assert (ratios.funds_opening, ratios.funds_closing) == (100_000, 310_000)
    # -130.00 / 2,050.00 x 12 = -76.10 % a year
    assert ratios.return_on_savings == Decimal("-76.10")
    assert ratios.loan_fund_utilisation == Decimal("51.61")  # 1,600 / 3,100
    assert ratios.drop_out_rate == Decimal("0.00")
    assert ratios.average_funds == 155_000
    assert ratios.attendance is None  # no meeting in September
    assert ratios.par30 == Decimal("37.50")


def test_an_empty_period_gives_an_empty_report(small_books):
    group = small_books.world.group
    before = Period(MONTH, 2025, 3)
    assert reports.income_statement(group, before).empty
    assert reports.balance_sheet(group, before).empty
    assert reports.portfolio(group, before).empty
    assert reports.cash_book(group, before).lines == ()
    assert reports.trial_balance(group, before).total_debit == 0
    assert reports.ratios(group, before).return_on_savings is None
