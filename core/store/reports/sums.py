"""Sums over the books of many groups at once, in SQL: the base of every report.

The reports' periods are whole months, so they read the monthly totals that ledger.post keeps
per group and chart code (MonthTotal, proven by the audit): a balance at a month end is the
cached balance less the totals of the months after, and a period's movements are the totals
of its months — a few rows per group and month, whatever the journal's size. A member's
balance on a day (the register, one group) is read from the journal. Amounts are satang,
debit positive; nothing here loops over the journal in Python.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from peewee import fn

from core import books
from core.store.ledger import month_key
from core.store.models import Account, JournalLine, JournalTxn, MonthTotal

ByGroup = dict[str, dict[str, int]]  # group id -> chart code (or member id) -> satang


def _nested(rows: Iterable[tuple[str, str, int]], sign: int = 1) -> ByGroup:
    found: ByGroup = defaultdict(lambda: defaultdict(int))
    for group_id, key, total in rows:
        found[group_id][key] += sign * int(total or 0)
    return found


def _whole_months(first: date | None, last: date) -> None:
    if (first is not None and first.day != 1) or (last + timedelta(days=1)).day != 1:
        raise ValueError(f"reports sum whole months, not {first}..{last}")


_NET = MonthTotal.debit - MonthTotal.credit


def balances_as_of(group_ids: list[str], end: date) -> ByGroup:
    """Each group's balance by chart code at the end of ``end``, the last day of a month
    (every code the group has an account for, zero ones too): the cached balances less the
    monthly totals of the months after."""
    _whole_months(None, end)
    cached = (Account.select(Account.group, Account.code, fn.SUM(Account.balance))
              .where(Account.group.in_(group_ids)).group_by(Account.group, Account.code).tuples())
    found = _nested(cached)
    later = (MonthTotal.select(MonthTotal.group, MonthTotal.code, fn.SUM(_NET))
             .where(MonthTotal.group.in_(group_ids) & (MonthTotal.month > month_key(end)))
             .group_by(MonthTotal.group, MonthTotal.code).tuples())
    for group_id, code, total in later:
        found[group_id][code] -= int(total or 0)
    return found


def member_balances_as_of(group_id: str, end: date) -> dict[str, dict[str, int]]:
    """Each member's balance by chart code at the end of ``end`` (loans by borrower)."""
    cached = (Account.select(Account.member, Account.code, fn.SUM(Account.balance))
              .where((Account.group == group_id) & Account.member.is_null(False))
              .group_by(Account.member, Account.code).tuples())
    found = _nested(cached)
    later = (JournalLine.select(Account.member, Account.code, fn.SUM(JournalLine.amount))
             .join(JournalTxn).switch(JournalLine).join(Account)
             .where((JournalTxn.group == group_id) & (JournalTxn.business_date > end)
                    & Account.member.is_null(False))
             .group_by(Account.member, Account.code).tuples())
    for member_id, code, total in later:
        found[member_id][code] -= int(total or 0)
    return found


def movements(group_ids: list[str], first: date, last: date, codes: Iterable[str]) -> ByGroup:
    """What moved on these chart codes in the whole months from ``first`` to ``last``,
    leaving out the year-end closing entry: it empties income and expenses into equity on
    the year's last day, and a year's income statement shows what the year earned."""
    _whole_months(first, last)
    rows = (MonthTotal.select(MonthTotal.group, MonthTotal.code,
                              fn.SUM(_NET - MonthTotal.closing))
            .where(MonthTotal.group.in_(group_ids) & MonthTotal.code.in_(list(codes))
                   & MonthTotal.month.between(month_key(first), month_key(last)))
            .group_by(MonthTotal.group, MonthTotal.code).tuples())
    return _nested(rows)


@dataclass
class PeriodSums:
    """What the monthly totals give each group for a period."""

    end: ByGroup  # balances at the end of the period, by code
    moved: ByGroup  # movements in the period by code, the closing entry left out
    members_moved: ByGroup  # of those, on members' own sub-accounts
    cash: dict[str, tuple[int, int]]  # money (in, out) of the cash box in the period


def period_sums(group_ids: list[str], first: date, last: date) -> PeriodSums:
    """Balances at ``last``, movements from ``first`` to ``last`` and the cash box's flows
    for many groups, over whole months: the cached balances and one grouped pass over the
    monthly totals from ``first`` on (a few rows per group and month, whatever the journal's
    size). The closing entry never touches the cash box, so its debits and credits are the
    money in and out."""
    _whole_months(first, last)
    end = balances_as_of(group_ids, last)
    rows = (MonthTotal.select(MonthTotal.group, MonthTotal.code, fn.SUM(MonthTotal.debit),
                              fn.SUM(MonthTotal.credit), fn.SUM(MonthTotal.closing),
                              fn.SUM(MonthTotal.members))
            .where(MonthTotal.group.in_(group_ids)
                   & MonthTotal.month.between(month_key(first), month_key(last)))
            .group_by(MonthTotal.group, MonthTotal.code).tuples())
    moved: ByGroup = defaultdict(lambda: defaultdict(int))
    members_moved: ByGroup = defaultdict(lambda: defaultdict(int))
    cash: dict[str, tuple[int, int]] = {}
    for group_id, code, debits, credits, closing, members in rows:
        debits, credits = int(debits or 0), int(credits or 0)
        moved[group_id][code] += debits - credits - int(closing or 0)
        if members:
            members_moved[group_id][code] += int(members)
        if code == books.CASH:
            cash[group_id] = (debits, credits)
    return PeriodSums(end, moved, members_moved, cash)
