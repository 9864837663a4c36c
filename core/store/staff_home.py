"""The staff home: every figure of every group a person looks after, in a few aggregate queries.

One query per kind of figure for all the groups at once (never one per group): balances by
code from the cached balances, savings three months ago from the monthly totals since then, the
running loans with their schedules worked out in memory, the latest op received, the open
reviews, the meeting dates. The health mark comes from core.health's table.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate

from peewee import JOIN, Value, fn

from core import books, health, loans
from core.store.db import database
from core.store.ledger import month_key
from core.store.models import (
    Account,
    Group,
    JournalLine,
    JournalTxn,
    Loan,
    Meeting,
    Member,
    MonthTotal,
    Network,
    ReviewItem,
    SyncOp,
    utcnow,
)
from core.thaidate import add_months


@dataclass
class GroupRow:
    """One group's line on the staff home (money in satang)."""

    group_id: str
    name: str
    network_id: str | None
    network_name: str
    province: str
    members: int = 0
    savings: int = 0
    shares: int = 0
    loans_outstanding: int = 0
    welfare_fund: int = 0
    at_risk: int = 0  # principal outstanding on loans more than 30 days late
    portfolio: int = 0  # principal outstanding on running loans (PAR's denominator)
    savings_before: int = 0  # three months ago
    repayment_due: int = 0
    repayment_paid: int = 0
    balanced: bool = True
    last_sync: datetime.datetime | None = None
    open_reviews: int = 0
    oldest_review_days: int | None = None
    meeting_months: int = 0  # of the last three full months, how many had a meeting
    mark: health.Mark | None = field(default=None, repr=False)

    @property
    def par30(self) -> Decimal | None:
        return health.rate_pct(self.at_risk, self.portfolio) if self.portfolio else None

    @property
    def savings_growth(self) -> Decimal | None:
        return health.growth_pct(self.savings, self.savings_before)

    @property
    def repayment(self) -> Decimal | None:
        return health.rate_pct(self.repayment_paid, self.repayment_due)

    def indicators(self) -> dict[str, object]:
        return {health.MEETINGS: self.meeting_months,
                health.SAVINGS_GROWTH: self.savings_growth,
                health.REPAYMENT: self.repayment, health.PAR30: self.par30,
                health.BOOKS: self.balanced,
                health.REVIEWS: self.oldest_review_days or 0,
                health.COMMITTEE: None}


def staff_home(group_ids: list[str], as_of: date,
               now: datetime.datetime | None = None) -> list[GroupRow]:
    """Every group's figures and mark on ``as_of``, in name order."""
    if not group_ids:
        return []
    now = now or utcnow()
    rows = _rows(group_ids)
    _member_counts(rows)
    _balances(rows)
    _savings_before(rows, add_months(as_of, -health.GROWTH_MONTHS))
    _loans(rows, as_of)
    _last_sync(rows)
    _reviews(rows, now)
    _meetings(rows, as_of)
    for row in rows.values():
        row.mark = health.mark(row.indicators())
    return sorted(rows.values(), key=lambda r: (r.name, r.group_id))


def _rows(group_ids) -> dict[str, GroupRow]:
    query = (Group.select(Group.id, Group.name, Group.province, Group.network,
                          Network.name, Network.province)
             .join(Network, JOIN.LEFT_OUTER).where(Group.id.in_(group_ids)).tuples())
    return {gid: GroupRow(gid, name, network_id, network_name or "",
                          province or network_province or "")
            for gid, name, province, network_id, network_name, network_province in query}


def _member_counts(rows):
    counts = (Member.select(Member.group, fn.COUNT(Member.id))
              .where(Member.group.in_(list(rows)) & (Member.status == "active"))
              .group_by(Member.group).tuples())
    for gid, count in counts:
        rows[gid].members = count


FIGURE_CODES = {books.SAVINGS: "savings", books.SHARES: "shares",
                books.LOANS: "loans_outstanding", books.WELFARE_FUND: "welfare_fund"}


def _balances(rows):
    """Figures from the cached balances, in one pass over the groups' accounts; the books
    balance when every account sums to zero."""
    totals = {gid: 0 for gid in rows}
    by_code = (Account.select(Account.group, Account.code, Account.kind, fn.SUM(Account.balance))
               .where(Account.group.in_(list(rows)))
               .group_by(Account.group, Account.code, Account.kind).tuples())
    for gid, code, kind, total in by_code:
        totals[gid] += int(total or 0)
        if code in FIGURE_CODES:
            setattr(rows[gid], FIGURE_CODES[code], books.natural_balance(kind, int(total or 0)))
    for gid, total in totals.items():
        rows[gid].balanced = total == 0


def _savings_before(rows, cutoff: date):
    """Savings at the end of ``cutoff``: today's balance less what was posted after it. The
    whole months after it come from the monthly totals; only the rest of its own month is read
    from the journal."""
    after = {gid: 0 for gid in rows}
    months = (MonthTotal.select(MonthTotal.group, fn.SUM(MonthTotal.debit - MonthTotal.credit))
              .where(MonthTotal.group.in_(list(rows)) & (MonthTotal.month > month_key(cutoff))
                     & (MonthTotal.code == books.SAVINGS))
              .group_by(MonthTotal.group).tuples())
    rest_of_month = (JournalLine.select(JournalLine.group, fn.SUM(JournalLine.amount))
                     .join(JournalTxn, on=(JournalLine.txn == JournalTxn.id))
                     .switch(JournalLine).join(Account, on=(JournalLine.account == Account.id))
                     .where(JournalTxn.group.in_(list(rows))
                            & (JournalTxn.business_date > cutoff)
                            & (JournalTxn.business_date < add_months(cutoff.replace(day=1), 1))
                            & (Account.code == books.SAVINGS))
                     .group_by(JournalLine.group).tuples())
    for gid, total in (*months, *rest_of_month):
        after[gid] += int(total or 0)
    for gid, row in rows.items():
        # Savings are a liability: a deposit is a credit (negative), so undoing it adds back.
        row.savings_before = row.savings + after[gid]


@dataclass(frozen=True)
class Steps:
    """A schedule as running sums: each instalment's due date, and the principal, interest and
    total due up to and including it."""

    dates: tuple[date, ...]
    principal: tuple[int, ...]
    interest: tuple[int, ...]
    total: tuple[int, ...]

    def due_by(self, day: date) -> int:
        """Everything due on or before ``day``."""
        count = bisect_right(self.dates, day)
        return self.total[count - 1] if count else 0

    def late_over(self, days: int, as_of: date, paid_principal: int,
                  paid_interest: int) -> bool:
        """Whether the loan is more than ``days`` past due on ``as_of``: the same answer as
        core.loans.due_as_of(...).days_past_due > days. Payments fill the oldest instalments
        first, each column on its own, so the loan is that late exactly when the last
        instalment due before ``as_of - days`` is not covered in both columns."""
        count = bisect_left(self.dates, as_of - datetime.timedelta(days=days))
        if not count:
            return False
        return (self.principal[count - 1] > paid_principal
                or self.interest[count - 1] > paid_interest)


@lru_cache(maxsize=50_000)
def cached_steps(principal, monthly_rate_bp, months, method, start, rounding) -> Steps:
    """A loan's schedule as running sums. A schedule is a pure function of the loan's terms:
    worked out once per process, not on every page (thousands of loans on one staff home).
    ``start`` may be a date or its ISO text, as SQLite hands it back."""
    if isinstance(start, str):
        start = date.fromisoformat(start)
    instalments = loans.schedule(principal, monthly_rate_bp, months, method, start, rounding)
    return Steps(tuple(i.due_date for i in instalments),
                 tuple(accumulate(i.principal for i in instalments)),
                 tuple(accumulate(i.interest for i in instalments)),
                 tuple(accumulate(i.total for i in instalments)))


def _loans(rows, as_of: date):
    """PAR30 and the repayment rate of the last 90 days, from the loans' own schedules.

    The schedule is chosen as core.store.loans.schedule_of chooses it: from the reschedule
    when there is one, and what was paid before it does not count against it."""
    window_start = as_of - datetime.timedelta(days=health.REPAYMENT_DAYS)
    # Each loan with its own account's balance (key "1100:<loan id>"), in the one query.
    account = ((Account.group == Loan.group)
               & (Account.key == Value(books.LOANS + ":").concat(Loan.id)))
    query = (Loan.select(Loan.group, Loan.status, Loan.principal, Loan.monthly_rate_bp,
                         Loan.months, Loan.method, Loan.rounding, Loan.disbursed_on,
                         Loan.schedule_start, Loan.schedule_principal, Loan.schedule_months,
                         Loan.paid_principal - Loan.schedule_paid_principal,
                         Loan.paid_interest - Loan.schedule_paid_interest, Account.balance)
             .join(Account, JOIN.LEFT_OUTER, on=account)
             .where(Loan.group.in_(list(rows)) & Loan.disbursed_on.is_null(False)
                    & ((Loan.status == "disbursed") | (Loan.closed_on >= window_start))))
    # Raw rows rather than model rows: thousands of loans, and nothing needs converting.
    for (gid, status, principal, rate, months, method, rounding, disbursed_on, new_start,
         new_principal, new_months, paid_principal, paid_interest, owed) in database.execute(query):
        row = rows[gid]
        steps = cached_steps(principal if new_principal is None else new_principal, rate,
                             new_months or months, method, new_start or disbursed_on, rounding)
        if status == "disbursed":
            owed = owed or 0
            row.portfolio += owed
            if owed and steps.late_over(30, as_of, paid_principal, paid_interest):
                row.at_risk += owed
        due_before = steps.due_by(window_start)
        due_in = steps.due_by(as_of) - due_before
        if not due_in:
            continue
        if status == "closed":
            covered = due_in  # repaid in full
        else:
            covered = min(due_in, max(0, paid_principal + paid_interest - due_before))
        row.repayment_due += due_in
        row.repayment_paid += covered


def _last_sync(rows):
    """The latest op received for each group: one correlated lookup per group on the
    (group, server_seq) index, in one statement."""
    latest = (SyncOp.select(SyncOp.received_at).where(SyncOp.group == Group.id)
              .order_by(SyncOp.server_seq.desc()).limit(1))
    query = Group.select(Group.id, latest.alias("latest")).where(Group.id.in_(list(rows)))
    for gid, received in query.tuples():
        if isinstance(received, str):  # SQLite hands a subquery's datetime back as text
            received = datetime.datetime.fromisoformat(received)
        rows[gid].last_sync = received


def _reviews(rows, now: datetime.datetime):
    query = (ReviewItem.select(ReviewItem.group, fn.COUNT(ReviewItem.id),
                               fn.MIN(ReviewItem.created_at))
             .where(ReviewItem.group.in_(list(rows)) & (ReviewItem.state == "open"))
             .group_by(ReviewItem.group).tuples())
    for gid, count, oldest in query:
        if isinstance(oldest, str):
            oldest = datetime.datetime.fromisoformat(oldest)
        rows[gid].open_reviews = count
        rows[gid].oldest_review_days = max(0, (now - oldest).days) if oldest else None


def _meetings(rows, as_of: date):
    """How many of the last three full calendar months had a meeting."""
    this_month = as_of.replace(day=1)
    start = add_months(this_month, -health.MEETING_MONTHS)
    held: dict[str, set] = {}
    query = (Meeting.select(Meeting.group, Meeting.date)
             .where(Meeting.group.in_(list(rows)) & (Meeting.date >= start)
                    & (Meeting.date < this_month)).tuples())
    for gid, day in query:
        held.setdefault(gid, set()).add((day.year, day.month))
    for gid, months in held.items():
        rows[gid].meeting_months = len(months)


# ------------------------------------------------------------------------------- sorting

SORTS = {
    "name": lambda r: (r.name,),
    "mark": lambda r: (-health.SEVERITY.get(r.mark.colour, -1), r.name),
    "members": lambda r: (-r.members, r.name),
    "savings": lambda r: (-r.savings, r.name),
    "loans": lambda r: (-r.loans_outstanding, r.name),
    "par30": lambda r: (-(r.par30 or 0), r.name),
    "sync": lambda r: (r.last_sync or datetime.datetime.min, r.name),
    "reviews": lambda r: (-r.open_reviews, r.name),
}


def sort_rows(rows: list[GroupRow], key: str) -> list[GroupRow]:
    """Worst first for marks and risks, largest first for money, oldest sync first."""
    return sorted(rows, key=SORTS.get(key, SORTS["name"]))
