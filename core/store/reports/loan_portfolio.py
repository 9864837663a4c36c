"""The loan portfolio at the end of a period: each running loan's principal still owed and how
late it was that day, in ageing buckets, and the portfolio at risk.

Days late are those of the oldest instalment not fully paid (core.loans.due_as_of). PAR30 is
the principal still owed on loans more than 30 days late over all principal still owed
(core.loans.portfolio_at_risk, the same figure as the loans page), so the loans it counts are
exactly those of the buckets from 31 days on. For a past period the loan's payments are taken
back to that day from the journal: principal from its own account, interest from the interest
lines of its repayments (and of their voids) dated later.
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate

from peewee import JOIN, Case, Value, fn

from core import books, loans
from core.store.ledger import month_key
from core.store.models import (
    Account,
    Group,
    JournalLine,
    JournalTxn,
    Loan,
    Member,
    MonthTotal,
)
from core.store.reports.common import by_bounds
from core.store.reports.period import Period
from core.thaidate import add_months

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
PAR_DAYS = 30
Original = JournalTxn.alias("original")


def bucket_of(days_late: int) -> str:
    if days_late <= 0:
        return "current"
    if days_late <= 30:
        return "1-30"
    if days_late <= 60:
        return "31-60"
    return "61-90" if days_late <= 90 else "90+"


@dataclass(frozen=True)
class PortfolioRow:
    loan_id: str
    member_id: str
    member_no: int | None
    member_name: str
    disbursed_on: date
    principal: int
    outstanding: int
    days_late: int

    @property
    def bucket(self) -> str:
        return bucket_of(self.days_late)


@dataclass(frozen=True)
class Bucket:
    code: str
    loans: int
    outstanding: int


@dataclass(frozen=True)
class Portfolio:
    as_of: date | None
    buckets: tuple[Bucket, ...]  # in BUCKETS order
    rows: tuple[PortfolioRow, ...] = ()  # empty for a network's sum

    @property
    def loans(self) -> int:
        return sum(b.loans for b in self.buckets)

    @property
    def outstanding(self) -> int:
        return sum(b.outstanding for b in self.buckets)

    @property
    def at_risk(self) -> int:
        """Principal owed on loans more than 30 days late."""
        return sum(b.outstanding for b in self.buckets if b.code in BUCKETS[2:])

    @property
    def par30(self) -> Decimal:
        """Per cent, two places, half up; 0.00 when nothing is owed."""
        return loans.portfolio_at_risk([(self.at_risk, PAR_DAYS + 1),
                                        (self.outstanding - self.at_risk, 0)], PAR_DAYS)

    def bucket(self, code: str) -> Bucket:
        return next(b for b in self.buckets if b.code == code)

    @property
    def empty(self) -> bool:
        return not self.loans


def _buckets(rows) -> tuple[Bucket, ...]:
    counts: dict[str, list[int]] = {code: [0, 0] for code in BUCKETS}
    for row in rows:
        counts[row.bucket][0] += 1
        counts[row.bucket][1] += row.outstanding
    return tuple(Bucket(code, *counts[code]) for code in BUCKETS)


def _moved_after(ids: list[str], last: date, code: str) -> list[str]:
    """The groups with lines on this chart code dated after ``last`` (a month end), from the
    monthly totals: a report on the current month reads no journal line at all."""
    return [group_id for (group_id,) in MonthTotal.select(MonthTotal.group).distinct().where(
        MonthTotal.group.in_(ids) & (MonthTotal.code == code)
        & (MonthTotal.month > month_key(last))).tuples()]


def _running(ids: list[str], last: date):
    """Loans running on the day: paid out by then, and not closed (or written off) by then."""
    return (Loan.group.in_(ids) & (Loan.disbursed_on <= last)
            & (Loan.closed_on.is_null() | (Loan.closed_on > last))
            & Loan.status.in_(("disbursed", "closed", "written_off")))


def _owed_at(ids: list[str], last: date) -> dict[str, int]:
    """Each loan's principal still owed at the end of ``last``, by loan id: the cached
    balance less the lines after that day, read through the accounts of the loans running
    then (the lines' account index) rather than through every later transaction."""
    loan_account = ((Account.group == Loan.group)
                    & (Account.key == Value(books.LOANS + ":").concat(Loan.id)))
    owed = {loan_id: int(balance) for loan_id, balance in Loan.select(Loan.id, Account.balance)
            .join(Account, on=loan_account).where(_running(ids, last)).tuples()}
    later_ids = _moved_after(ids, last, books.LOANS)
    if not later_ids:
        return owed
    accounts = (Account.select(Account.id).join(Loan, on=loan_account)
                .where(_running(later_ids, last)))
    later = (JournalLine.select(Account.key, fn.SUM(JournalLine.amount))
             .join(JournalTxn).switch(JournalLine).join(Account)
             .where(JournalLine.account.in_(accounts) & (JournalTxn.business_date > last))
             .group_by(Account.key).tuples())
    for key, total in later:
        loan_id = key.split(":", 1)[1]
        owed[loan_id] = owed.get(loan_id, 0) - int(total or 0)
    return owed


def _interest_after(ids: list[str], last: date) -> dict[str, int]:
    """Interest paid on each loan after ``last`` (a repayment's memo is its loan's id; a
    void's is its reason, so its original's memo names the loan), read through the interest
    accounts' lines."""
    later_ids = _moved_after(ids, last, books.INTEREST_INCOME)
    if not later_ids:
        return {}
    # a group-level code: its account's key is the code (found by the (group, key) index)
    accounts = Account.select(Account.id).where(Account.group.in_(later_ids)
                                                & (Account.key == books.INTEREST_INCOME))
    loan_of = Case(None, [(JournalTxn.reverses.is_null(False), Original.memo)], JournalTxn.memo)
    rows = (JournalLine.select(loan_of, fn.SUM(JournalLine.amount))
            .join(JournalTxn).join(Original, on=(JournalTxn.reverses == Original.id),
                                   join_type=JOIN.LEFT_OUTER)
            .where(JournalLine.account.in_(accounts) & (JournalTxn.business_date > last))
            .group_by(loan_of).tuples())
    return {loan_id: -int(total or 0) for loan_id, total in rows}


@lru_cache(maxsize=4096)
def _running_totals(principal: int, rate_bp: int, months: int, method: str, rounding: str
                    ) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """A schedule's instalment numbers and its principal and interest added up instalment by
    instalment. They do not depend on the day it starts, so many loans of the same terms
    share one schedule worked out once."""
    instalments = loans.schedule(principal, rate_bp, months, method, _ANY_START, rounding)
    return (tuple(inst.number for inst in instalments),
            tuple(accumulate(inst.principal for inst in instalments)),
            tuple(accumulate(inst.interest for inst in instalments)))


_ANY_START = date(2000, 1, 1)

_FIELDS = (Loan.id, Loan.group, Loan.member, Loan.principal, Loan.months, Loan.method,
           Loan.monthly_rate_bp, Loan.rounding, Loan.disbursed_on, Loan.schedule_start,
           Loan.schedule_principal, Loan.schedule_months, Loan.schedule_paid_principal,
           Loan.schedule_paid_interest, Loan.paid_interest)


def _days_late(loan, owed: int, interest_after: int, last: date) -> int:
    """core.loans.due_as_of(...).days_past_due without building the schedule: payments fill
    the oldest instalments first, so the first one not fully paid is the first whose running
    principal or interest exceeds what was paid (a binary search in the running totals)."""
    paid_principal = loan.principal - owed
    paid_interest = max(loan.paid_interest - interest_after, 0)
    if loan.schedule_start is not None and last >= loan.schedule_start:
        terms = (loan.schedule_principal, loan.monthly_rate_bp, loan.schedule_months)
        start = loan.schedule_start
        paid_principal = max(paid_principal - loan.schedule_paid_principal, 0)
        paid_interest = max(paid_interest - loan.schedule_paid_interest, 0)
    else:
        terms = (loan.principal, loan.monthly_rate_bp, loan.months)
        start = loan.disbursed_on
    numbers, principal, interest = _running_totals(*terms, loan.method, loan.rounding)
    unpaid = min(bisect_right(principal, max(paid_principal, 0)),
                 bisect_right(interest, paid_interest))
    if unpaid == len(numbers):
        return 0
    due = add_months(start, numbers[unpaid])
    return (last - due).days if due < last else 0


def portfolios(groups: list[Group], period: Period, detail: bool = False
               ) -> dict[str, Portfolio]:
    """Each group's running loans at the end of the period; with ``detail``, loan by loan."""
    found = {}
    for (_first, last), ids in by_bounds(groups, period).items():
        owed = _owed_at(ids, last)
        interest_after = _interest_after(ids, last)
        if detail:
            query = (Loan.select(*_FIELDS, Member.member_no, Member.name).join(Member)
                     .where(_running(ids, last))
                     .order_by(Member.member_no, Loan.disbursed_on, Loan.id))
        else:  # a network's sums: no names, in no order
            query = Loan.select(*_FIELDS, Value(None).alias("member_no"),
                                Value("").alias("name")).where(_running(ids, last))
        rows: dict[str, list[PortfolioRow]] = defaultdict(list)
        for loan in query.namedtuples():
            left = owed.get(loan.id, 0)
            if left <= 0:
                continue
            rows[loan.group].append(PortfolioRow(
                loan.id, loan.member, loan.member_no, loan.name, loan.disbursed_on,
                loan.principal, left, _days_late(loan, left, interest_after.get(loan.id, 0),
                                                 last)))
        for group_id in ids:
            own = rows.get(group_id, [])
            found[group_id] = Portfolio(last, _buckets(own), tuple(own) if detail else ())
    return found


def portfolio(group: Group, period: Period) -> Portfolio:
    return portfolios([group], period, detail=True)[group.id]


def sum_portfolios(many: list[Portfolio], as_of: date | None) -> Portfolio:
    return Portfolio(as_of, tuple(
        Bucket(code, sum(p.bucket(code).loans for p in many),
               sum(p.bucket(code).outstanding for p in many)) for code in BUCKETS))

