"""Rolling the staff home up by network and province, and the month-end figures of the charts.

The month-end figures of the last twelve months come from two aggregate queries: the journal
lines since the first month-end summed by day (savings) and by loan and day (loans), taken off
today's cached balances, latest first. PAR at a past month-end counts a loan late by its
principal only (the books keep interest paid per group, not per loan and date).
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from peewee import fn

from core import books, health
from core.store.models import Account, JournalLine, JournalTxn, Loan
from core.store.staff_home import GroupRow, cached_steps
from core.thaidate import add_months

# What a past month-end's PAR needs of each loan.
LOAN_FIELDS = (Loan.id, Loan.principal, Loan.months, Loan.method, Loan.monthly_rate_bp,
               Loan.rounding, Loan.disbursed_on, Loan.schedule_start, Loan.schedule_principal,
               Loan.schedule_months)

SUMMED = ("members", "savings", "shares", "loans_outstanding", "welfare_fund", "at_risk",
          "portfolio", "open_reviews")


@dataclass
class Rollup:
    """The sum of several groups' figures, and how many groups carry each mark."""

    key: str
    name: str
    groups: int = 0
    members: int = 0
    savings: int = 0
    shares: int = 0
    loans_outstanding: int = 0
    welfare_fund: int = 0
    at_risk: int = 0
    portfolio: int = 0
    open_reviews: int = 0
    marks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        (health.GREEN, health.AMBER, health.RED, health.UNKNOWN), 0))
    group_ids: list[str] = field(default_factory=list)

    @property
    def par30(self) -> Decimal | None:
        return health.rate_pct(self.at_risk, self.portfolio) if self.portfolio else None


def rollup(rows: list[GroupRow], by: str) -> list[Rollup]:
    """Groups summed by ``network`` or ``province``, in name order."""
    found: dict[str, Rollup] = {}
    for row in rows:
        if by == "network":
            key, name = row.network_id or "", row.network_name
        else:
            key, name = row.province, row.province
        total = found.setdefault(key, Rollup(key, name))
        total.groups += 1
        total.group_ids.append(row.group_id)
        for name_of in SUMMED:
            setattr(total, name_of, getattr(total, name_of) + getattr(row, name_of))
        total.marks[row.mark.colour] += 1
    return sorted(found.values(), key=lambda r: (r.name, r.key))


# ------------------------------------------------------------------------ month-end series


@dataclass(frozen=True)
class MonthEnd:
    day: date
    savings: int
    loans_outstanding: int
    par30: Decimal | None


def month_ends(as_of: date, months: int = 12) -> list[date]:
    """The last day of each of the ``months - 1`` months before ``as_of``'s, then ``as_of``."""
    first_of_month = as_of.replace(day=1)
    ends = [add_months(first_of_month, -back) - datetime.timedelta(days=1)
            for back in range(months - 2, -1, -1)]
    return [*ends, as_of]


def series(group_ids: list[str], as_of: date, months: int = 12) -> list[MonthEnd]:
    """Savings, loans outstanding and PAR30 of these groups together at each month-end."""
    ends = month_ends(as_of, months)
    if not group_ids:
        return [MonthEnd(day, 0, 0, None) for day in ends]
    first = ends[0]
    savings_now = -int(Account.select(fn.SUM(Account.balance)).where(
        Account.group.in_(group_ids) & (Account.code == books.SAVINGS)).scalar() or 0)
    savings_by_day = (JournalLine.select(JournalTxn.business_date, fn.SUM(JournalLine.amount))
                      .join(JournalTxn, on=(JournalLine.txn == JournalTxn.id))
                      .switch(JournalLine).join(Account, on=(JournalLine.account == Account.id))
                      .where(JournalTxn.group.in_(group_ids) & (JournalTxn.business_date > first)
                             & (Account.code == books.SAVINGS))
                      .group_by(JournalTxn.business_date).tuples())
    savings_after = _after_each(ends, ((day, -int(total)) for day, total in savings_by_day))
    loan_now = {key.split(":", 1)[1]: balance for key, balance in
                Account.select(Account.key, Account.balance)
                .where(Account.group.in_(group_ids) & (Account.code == books.LOANS)).tuples()
                if ":" in key}
    loan_by_day = (JournalLine.select(Account.key, JournalTxn.business_date,
                                      fn.SUM(JournalLine.amount))
                   .join(JournalTxn, on=(JournalLine.txn == JournalTxn.id))
                   .switch(JournalLine).join(Account, on=(JournalLine.account == Account.id))
                   .where(JournalTxn.group.in_(group_ids) & (JournalTxn.business_date > first)
                          & (Account.code == books.LOANS))
                   .group_by(Account.key, JournalTxn.business_date).tuples())
    moved: dict[str, list[tuple[date, int]]] = {}
    for key, day, total in loan_by_day:
        if ":" in key:
            moved.setdefault(key.split(":", 1)[1], []).append((_as_date(day), int(total)))
    loan_after = {loan_id: _after_each(ends, days) for loan_id, days in moved.items()}
    running = Loan.select(*LOAN_FIELDS).where(
        Loan.group.in_(group_ids) & Loan.disbursed_on.is_null(False)
        & ((Loan.closed_on.is_null()) | (Loan.closed_on > first))).namedtuples()
    owed_at = [0] * len(ends)
    risk_at = [0] * len(ends)
    for loan in running:
        after = loan_after.get(loan.id, [0] * len(ends))
        now = loan_now.get(loan.id, 0)
        for index, day in enumerate(ends):
            owed = now - after[index]
            if owed <= 0 or loan.disbursed_on > day:
                continue
            owed_at[index] += owed
            if _days_late(loan, owed, day) > 30:
                risk_at[index] += owed
    return [MonthEnd(day, savings_now - savings_after[index], owed_at[index],
                     health.rate_pct(risk_at[index], owed_at[index]) if owed_at[index] else None)
            for index, day in enumerate(ends)]


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _after_each(ends: list[date], movements) -> list[int]:
    """For each month-end, the sum of the movements dated after it."""
    # A movement on ``day`` counts for every month-end before that day: bucket it at the first
    # month-end on or after it, then sum the buckets from the right.
    buckets = [0] * (len(ends) + 1)
    for day, amount in movements:
        buckets[bisect_left(ends, _as_date(day))] += amount
    totals, running = [0] * len(ends), 0
    for index in range(len(ends) - 1, -1, -1):
        running += buckets[index + 1]
        totals[index] = running
    return totals


def _days_late(loan, owed: int, day: date) -> int:
    """Days past due on ``day`` with ``owed`` principal left, counting principal only: from
    the oldest instalment whose principal is not covered by what was repaid, if already due."""
    rescheduled = loan.schedule_start is not None and loan.schedule_start <= day
    start = loan.schedule_start if rescheduled else loan.disbursed_on
    principal = loan.schedule_principal if rescheduled else loan.principal
    months = loan.schedule_months if rescheduled else loan.months
    steps = cached_steps(principal, loan.monthly_rate_bp, months, loan.method, start,
                         loan.rounding)
    repaid = max(0, principal - owed)
    oldest = bisect_right(steps.principal, repaid)  # instalments whose principal is repaid
    if oldest >= len(steps.dates) or steps.dates[oldest] >= day:
        return 0
    return (day - steps.dates[oldest]).days
