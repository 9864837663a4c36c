"""The financial statements of a period: trial balance and balance sheet at its end, income
statement and cash book over it. Each for many groups at once (a network), summed in SQL.

Income and expenses (4xxx, 5xxx) not yet closed to equity at year end show on the balance
sheet as the profit to date, so assets = liabilities + equity + profit exactly when the trial
balance sums to zero.
"""

from dataclasses import dataclass
from datetime import date

from core import books
from core.store import statements
from core.store.models import Group
from core.store.reports import sums
from core.store.reports.common import (
    StatementLine,
    bounds_of,
    by_bounds,
    lines_of,
    sum_lines,
)
from core.store.reports.period import Period

INCOME_CODES = tuple(e.code for e in books.CHART_TEMPLATE if e.kind == books.INCOME)
EXPENSE_CODES = tuple(e.code for e in books.CHART_TEMPLATE if e.kind == books.EXPENSE)


def _balances_at_ends(groups: list[Group], period: Period) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for (_first, last), ids in by_bounds(groups, period).items():
        found.update(sums.balances_as_of(ids, last))
    return found


# ---------------------------------------------------------------------------- trial balance


def trial_from(as_of: date, balances: dict[str, int]) -> statements.TrialBalance:
    rows = tuple(
        statements.TrialRow(e.code, e.name_th, e.name_en, e.kind, balances.get(e.code, 0),
                            max(balances.get(e.code, 0), 0), max(-balances.get(e.code, 0), 0))
        for e in books.CHART_TEMPLATE if e.code in balances)
    return statements.TrialBalance(as_of=as_of, rows=rows,
                                   total_debit=sum(r.debit for r in rows),
                                   total_credit=sum(r.credit for r in rows))


def trial_balances(groups: list[Group], period: Period) -> dict[str, statements.TrialBalance]:
    """Each group's trial balance at the end of the period (statements.TrialBalance)."""
    balances = _balances_at_ends(groups, period)
    return {g.id: trial_from(bounds_of(g, period)[1], balances.get(g.id, {})) for g in groups}


def sum_trial_balances(many: list[statements.TrialBalance], as_of: date | None
                       ) -> statements.TrialBalance:
    totals: dict[str, int] = {}
    for tb in many:
        for row in tb.rows:
            totals[row.code] = totals.get(row.code, 0) + row.balance
    return trial_from(as_of, totals)


# ------------------------------------------------------------------------- income statement


@dataclass(frozen=True)
class IncomeStatement:
    first: date
    last: date
    income: tuple[StatementLine, ...]
    expenses: tuple[StatementLine, ...]

    @property
    def total_income(self) -> int:
        return sum(line.amount for line in self.income)

    @property
    def total_expenses(self) -> int:
        return sum(line.amount for line in self.expenses)

    @property
    def net_profit(self) -> int:
        return self.total_income - self.total_expenses

    @property
    def empty(self) -> bool:
        return not any(line.amount for line in self.income + self.expenses)


def statement_from(first: date, last: date, moved: dict[str, int]) -> IncomeStatement:
    present = set(INCOME_CODES + EXPENSE_CODES)  # every line shows, zero or not
    return IncomeStatement(first, last, lines_of((books.INCOME,), moved, present),
                           lines_of((books.EXPENSE,), moved, present))


def income_statements(groups: list[Group], period: Period) -> dict[str, IncomeStatement]:
    """Income less expenses from the journal lines dated in the period."""
    found = {}
    for (first, last), ids in by_bounds(groups, period).items():
        moved = sums.movements(ids, first, last, INCOME_CODES + EXPENSE_CODES)
        for group_id in ids:
            found[group_id] = statement_from(first, last, moved.get(group_id, {}))
    return found


def sum_income_statements(many: list[IncomeStatement], first: date, last: date
                          ) -> IncomeStatement:
    return IncomeStatement(first, last, sum_lines([s.income for s in many]),
                           sum_lines([s.expenses for s in many]))


# ---------------------------------------------------------------------------- balance sheet


@dataclass(frozen=True)
class BalanceSheet:
    as_of: date | None
    assets: tuple[StatementLine, ...]
    liabilities: tuple[StatementLine, ...]
    equity: tuple[StatementLine, ...]
    profit: int  # income less expenses not yet closed to equity, to the day

    @property
    def total_assets(self) -> int:
        return sum(line.amount for line in self.assets)

    @property
    def total_liabilities(self) -> int:
        return sum(line.amount for line in self.liabilities)

    @property
    def total_equity(self) -> int:
        """Equity with the profit not yet closed to it."""
        return sum(line.amount for line in self.equity) + self.profit

    @property
    def total_liabilities_and_equity(self) -> int:
        return self.total_liabilities + self.total_equity

    @property
    def balanced(self) -> bool:
        return self.total_assets == self.total_liabilities_and_equity

    @property
    def empty(self) -> bool:
        return not (any(line.amount for line in self.assets + self.liabilities + self.equity)
                    or self.profit)

    def amount(self, code: str) -> int:
        for line in self.assets + self.liabilities + self.equity:
            if line.code == code:
                return line.amount
        return 0


def sheet_from(as_of: date | None, balances: dict[str, int]) -> BalanceSheet:
    present = set(balances)
    profit = -sum(balances.get(code, 0) for code in INCOME_CODES + EXPENSE_CODES)
    return BalanceSheet(as_of, lines_of((books.ASSET,), balances, present),
                        lines_of((books.LIABILITY,), balances, present),
                        lines_of((books.EQUITY,), balances, present), profit)


def balance_sheets(groups: list[Group], period: Period) -> dict[str, BalanceSheet]:
    """Each group's balance sheet at the end of the period."""
    balances = _balances_at_ends(groups, period)
    return {g.id: sheet_from(bounds_of(g, period)[1], balances.get(g.id, {})) for g in groups}


def sum_balance_sheets(many: list[BalanceSheet], as_of: date | None) -> BalanceSheet:
    return BalanceSheet(as_of, sum_lines([s.assets for s in many]),
                        sum_lines([s.liabilities for s in many]),
                        sum_lines([s.equity for s in many]), sum(s.profit for s in many))


# -------------------------------------------------------------------------------- cash book


def cash_book(group: Group, period: Period) -> statements.CashBook:
    """The group's cash book over the period, line by line (statements.cash_book)."""
    first, last = bounds_of(group, period)
    return statements.cash_book(group.id, first, last)


@dataclass(frozen=True)
class CashSummary:
    """The cash box over a period without its lines: for a network, one per group."""

    first: date
    last: date
    opening: int
    money_in: int
    money_out: int

    @property
    def closing(self) -> int:
        return self.opening + self.money_in - self.money_out
