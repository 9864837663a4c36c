"""Reports of a group or a network for a month or a fiscal year: trial balance, income
statement, balance sheet, cash book, member register, loan portfolio with ageing and PAR,
welfare summary per benefit type, and the savings-group ratios. Plain data in satang; the
web layer turns them into pages, CSV and XLSX.

Queries only; nothing here writes. Every figure is read from the books by business date: the
monthly totals per chart code that the ledger keeps with each posting (and the audit proves),
the cached balances, and the journal's lines where a report needs them one by one (the cash
book, a member's or a loan's figures on a past day), so a report ties to the books.
"""

from core.store import statements
from core.store.models import Group
from core.store.reports.financial import (
    BalanceSheet,
    IncomeStatement,
    balance_sheets,
    cash_book,
    income_statements,
    trial_balances,
)
from core.store.reports.loan_portfolio import Portfolio, portfolio
from core.store.reports.network import NetworkReport, network_report
from core.store.reports.period import Period, PeriodError, parse_period
from core.store.reports.register import MemberRegister, member_register
from core.store.reports.rollup import Figures, figures
from core.store.reports.savings_ratios import Ratios
from core.store.reports.welfare import WelfareSummary, welfare_summaries

__all__ = [
    "BalanceSheet", "Figures", "IncomeStatement", "MemberRegister", "NetworkReport", "Period",
    "PeriodError", "Portfolio", "Ratios", "WelfareSummary", "balance_sheet", "cash_book",
    "figures", "income_statement", "member_register", "network_report", "parse_period",
    "portfolio", "ratios", "trial_balance", "welfare_summary",
]


def trial_balance(group: Group, period: Period) -> statements.TrialBalance:
    return trial_balances([group], period)[group.id]


def income_statement(group: Group, period: Period) -> IncomeStatement:
    return income_statements([group], period)[group.id]


def balance_sheet(group: Group, period: Period) -> BalanceSheet:
    return balance_sheets([group], period)[group.id]


def welfare_summary(group: Group, period: Period) -> WelfareSummary:
    return welfare_summaries([group], period)[group.id]


def ratios(group: Group, period: Period) -> Ratios:
    return figures([group], period)[group.id].ratios
