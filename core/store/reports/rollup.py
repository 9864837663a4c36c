"""Every report's figures for many groups at once, from one set of grouped queries: what the
ratios and the network report are made of. A network's figures are its groups' added up,
and its ratios are worked out over those sums (not averaged over groups)."""

from dataclasses import dataclass
from datetime import date

from core import books
from core.store import statements
from core.store.models import Group
from core.store.reports import sums
from core.store.reports.common import by_bounds
from core.store.reports.financial import (
    BalanceSheet,
    CashSummary,
    IncomeStatement,
    sheet_from,
    statement_from,
    sum_balance_sheets,
    sum_income_statements,
    sum_trial_balances,
    trial_from,
)
from core.store.reports.loan_portfolio import Portfolio, portfolios, sum_portfolios
from core.store.reports.period import Period
from core.store.reports.register import MemberCounts, member_counts
from core.store.reports.savings_ratios import Ratios, attendance
from core.store.reports.welfare import WelfareSummary, sum_welfare, welfare_summaries

FUND_CODES = (books.SAVINGS, books.SHARES)


@dataclass(frozen=True)
class Figures:
    first: date
    last: date
    trial: statements.TrialBalance
    income: IncomeStatement
    sheet: BalanceSheet
    cash: CashSummary
    counts: MemberCounts
    portfolio: Portfolio
    welfare: WelfareSummary
    ratios: Ratios

    @property
    def empty(self) -> bool:
        return (self.income.empty and self.sheet.empty and not self.cash.money_in
                and not self.cash.money_out and not self.counts.at_end)


def _funds(balances: dict[str, int]) -> int:
    """Members' savings and shares, natural sign (credits show positive)."""
    return -sum(balances.get(code, 0) for code in FUND_CODES)


def figures(groups: list[Group], period: Period, detail: bool = False) -> dict[str, Figures]:
    """Each group's figures for the period; ``detail``: the portfolio loan by loan."""
    found = {}
    counts = member_counts(groups, period)
    books_of = portfolios(groups, period, detail=detail)
    meetings = attendance(groups, period)
    for (first, last), ids in by_bounds(groups, period).items():
        known = sums.period_sums(ids, first, last)
        closing, moved, flows = known.end, known.moved, known.cash
        span = [g for g in groups if g.id in set(ids)]
        welfare = welfare_summaries(span, period, known)
        for group_id in ids:
            ends, moves = closing.get(group_id, {}), moved.get(group_id, {})
            money_in, money_out = flows.get(group_id, (0, 0))
            cash_end = ends.get(books.CASH, 0)
            income = statement_from(first, last, moves)
            held, came, expected = meetings[group_id]
            count, loans = counts[group_id], books_of[group_id]
            ratios = Ratios(
                months=period.months, net_profit=income.net_profit,
                funds_opening=_funds(ends) + sum(moves.get(code, 0) for code in FUND_CODES),
                funds_closing=_funds(ends), loans_outstanding=loans.outstanding,
                members_at_start=count.at_start, members_exited=count.exited,
                members_at_end=count.at_end, meetings=held, present=came, expected=expected,
                par30=loans.par30)
            found[group_id] = Figures(
                first, last, trial_from(last, ends), income, sheet_from(last, ends),
                CashSummary(first, last, cash_end - money_in + money_out, money_in, money_out),
                count, loans, welfare[group_id], ratios)
    return found


def sum_figures(many: list[Figures], period: Period) -> Figures:
    """The figures added up (a network's); its ratios over the sums."""
    first = min((f.first for f in many), default=None) or period.bounds()[0]
    last = max((f.last for f in many), default=None) or period.bounds()[1]
    loans = sum_portfolios([f.portfolio for f in many], last)

    def total(get) -> int:
        return sum(get(f) for f in many)

    income = sum_income_statements([f.income for f in many], first, last)
    ratios = Ratios(
        months=period.months, net_profit=income.net_profit,
        funds_opening=total(lambda f: f.ratios.funds_opening),
        funds_closing=total(lambda f: f.ratios.funds_closing),
        loans_outstanding=loans.outstanding,
        members_at_start=total(lambda f: f.counts.at_start),
        members_exited=total(lambda f: f.counts.exited),
        members_at_end=total(lambda f: f.counts.at_end),
        meetings=total(lambda f: f.ratios.meetings), present=total(lambda f: f.ratios.present),
        expected=total(lambda f: f.ratios.expected), par30=loans.par30)
    return Figures(
        first, last, sum_trial_balances([f.trial for f in many], last), income,
        sum_balance_sheets([f.sheet for f in many], last),
        CashSummary(first, last, total(lambda f: f.cash.opening),
                    total(lambda f: f.cash.money_in), total(lambda f: f.cash.money_out)),
        MemberCounts(total(lambda f: f.counts.at_start), total(lambda f: f.counts.joined),
                     total(lambda f: f.counts.exited), total(lambda f: f.counts.at_end)),
        loans, sum_welfare([f.welfare for f in many], first, last), ratios)
