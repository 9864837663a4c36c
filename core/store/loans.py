"""Loans as the books see them: schedules, what is due, each member's standing, arrears, and
the late-fine job.

A loan's schedule is worked out from its own row (never stored): from the disbursement date for
the principal over the months applied for, or, once the committee has rescheduled it, from the
reschedule date for the principal then still owed over the new months. What was paid before a
reschedule (``schedule_paid_*``) does not count against the new schedule.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from peewee import fn

from core import books, loans
from core.errors import Problem
from core.loan_eligibility import LoanTerms, MemberStanding, check_application
from core.loan_status import amount_to_collect
from core.store.ledger import balance_of
from core.store.models import Account, Group, Loan, LoanGuarantor, LoanProduct, Member
from core.store.summaries import member_figures

LIVE = ("applied", "approved", "disbursed")
ENDED = ("closed", "written_off")
STATUSES = LIVE + ENDED


def terms_of(product: LoanProduct) -> LoanTerms:
    return LoanTerms(max_months=product.max_months,
                     max_savings_multiple_pct=product.max_savings_multiple_pct,
                     guarantors_needed=product.guarantors_needed,
                     count_shares=product.count_shares,
                     one_loan_at_a_time=product.one_loan_at_a_time,
                     guarantor_limit_satang=product.guarantor_limit_satang,
                     guarantor_limit_multiple_pct=product.guarantor_limit_multiple_pct)


def schedule_of(loan: Loan) -> list[loans.Instalment]:
    start = loan.schedule_start or loan.disbursed_on
    if start is None:
        return []
    principal = loan.principal if loan.schedule_principal is None else loan.schedule_principal
    return list(_schedule(principal, loan.monthly_rate_bp, loan.schedule_months or loan.months,
                          loan.method, start, loan.rounding))


@lru_cache(maxsize=20_000)
def _schedule(principal, monthly_rate_bp, months, method, start, rounding) -> tuple:
    """A schedule is a pure function of the loan's terms (its instalments are frozen): worked
    out once per process, not for every borrower on every meeting screen."""
    if isinstance(start, str):  # SQLite may hand a date back as its ISO text
        start = date.fromisoformat(start)
    return tuple(loans.schedule(principal, monthly_rate_bp, months, method, start, rounding))


def paid_on_schedule(loan: Loan) -> tuple[int, int]:
    """Principal and interest paid against the loan's current schedule."""
    return (loan.paid_principal - loan.schedule_paid_principal,
            loan.paid_interest - loan.schedule_paid_interest)


def outstanding(loan: Loan) -> int:
    """Principal still owed, from the loan's own account in the books."""
    if loan.disbursed_on is None:
        return 0
    return balance_of(loan.group_id, books.account_key(books.LOANS, loan.id))


def due_of(loan: Loan, as_of: date) -> loans.Due:
    return loans.due_as_of(schedule_of(loan), *paid_on_schedule(loan), as_of)


def to_collect(loan: Loan, as_of: date) -> int:
    """What to ask for on ``as_of``: what is due, else what is left of the next instalment."""
    if loan.status != "disbursed":
        return 0
    return amount_to_collect(schedule_of(loan), *paid_on_schedule(loan), as_of)


def payoff_of(loan: Loan, as_of: date, product: LoanProduct | None = None) -> int:
    """What repays the loan in full on ``as_of`` (fines not included)."""
    if loan.status != "disbursed":
        return 0
    product = product or loan.product
    return loans.payoff_amount(schedule_of(loan), *paid_on_schedule(loan), as_of,
                               product.waive_future_interest, method=loan.method)


# ------------------------------------------------------------------------- eligibility


def standings(member_ids: list[str], as_of: date,
              group_id: str | None = None) -> dict[str, MemberStanding]:
    """What eligibility needs to know of each member (of the group, when given): savings,
    loans, guarantees."""
    query = Member.select().where(Member.id.in_(member_ids))
    if group_id is not None:
        query = query.where(Member.group == group_id)
    members = {m.id: m for m in query}
    figures = member_figures(list(members))
    own: dict[str, list[tuple[int, int]]] = {mid: [] for mid in members}
    for loan in Loan.select().where(Loan.member.in_(list(members)) & Loan.status.in_(LIVE)):
        if loan.status == "disbursed":
            own[loan.member_id].append((outstanding(loan), due_of(loan, as_of).days_past_due))
        else:
            own[loan.member_id].append((loan.principal, 0))
    guaranteed = dict(
        LoanGuarantor.select(LoanGuarantor.member, fn.SUM(Loan.principal - Loan.paid_principal))
        .join(Loan).where(LoanGuarantor.member.in_(list(members)) & Loan.status.in_(LIVE))
        .group_by(LoanGuarantor.member).tuples())
    return {
        mid: MemberStanding(member_id=mid, name=m.name,
                            savings_satang=figures[mid]["savings"],
                            shares_satang=figures[mid]["shares"], exited=m.status != "active",
                            guaranteed_satang=int(guaranteed.get(mid) or 0),
                            loans=tuple(own[mid]))
        for mid, m in members.items()
    }


def application_problems(member_id: str, product: LoanProduct, principal: int, months: int,
                         guarantor_ids: list[str], as_of: date) -> list[Problem]:
    """Every reason an application cannot go to the committee (empty: it may)."""
    known = standings([member_id, *guarantor_ids], as_of, product.group_id)
    if member_id not in known:
        return []
    return check_application(borrower=known[member_id], principal_satang=principal,
                             months=months, terms=terms_of(product),
                             guarantor_ids=guarantor_ids, members=known)


def borrowing_limit(member_id: str, product: LoanProduct) -> int:
    """The most the member may borrow on this product, from their savings (and shares)."""
    figures = member_figures([member_id])[member_id]
    base = figures["savings"] + (figures["shares"] if product.count_shares else 0)
    return max(base, 0) * product.max_savings_multiple_pct // 100


# ---------------------------------------------------------------------------- portfolio


@dataclass(frozen=True)
class PortfolioLine:
    loan: Loan
    outstanding: int
    days_past_due: int
    bucket: str


def _balances(group_id: str) -> dict[str, int]:
    """Every loan account's balance in the group, by loan id: one query."""
    rows = Account.select(Account.key, Account.balance).where(
        (Account.group == group_id) & (Account.code == books.LOANS)).tuples()
    return {key.split(":", 1)[1]: balance for key, balance in rows if ":" in key}


def portfolio(group_id: str, as_of: date, statuses=("disbursed",)) -> list[PortfolioLine]:
    """The group's loans with what is owed and how late, the borrowers joined in."""
    balances = _balances(group_id)
    rows = (Loan.select(Loan, Member, LoanProduct).join(Member).switch(Loan).join(LoanProduct)
            .where((Loan.group == group_id) & Loan.status.in_(list(statuses)))
            .order_by(Member.member_no, Loan.created_at))
    lines = []
    for loan in rows:
        days = due_of(loan, as_of).days_past_due if loan.status == "disbursed" else 0
        lines.append(PortfolioLine(loan, balances.get(loan.id, 0), days,
                                   loans.ageing_bucket(days)))
    return lines


def par(lines: list[PortfolioLine], threshold_days: int) -> Decimal:
    return loans.portfolio_at_risk([(line.outstanding, line.days_past_due) for line in lines
                                    if line.loan.status == "disbursed"], threshold_days)


def ageing(lines: list[PortfolioLine]) -> dict[str, tuple[int, int]]:
    """(number of loans, principal outstanding) in each ageing bucket."""
    buckets = {bucket: (0, 0) for bucket in loans.BUCKETS}
    for line in lines:
        if line.loan.status == "disbursed":
            count, owed = buckets[line.bucket]
            buckets[line.bucket] = (count + 1, owed + line.outstanding)
    return buckets


@dataclass(frozen=True)
class Collectable:
    loan_id: str
    amount: int


def collectable_by_member(group_id: str, as_of: date) -> dict[str, list[Collectable]]:
    """For the meeting screen: each borrower's running loans with what to ask for today.

    One query for the whole group; the schedules are worked out in memory."""
    fields = (Loan.id, Loan.member, Loan.principal, Loan.months, Loan.method,
              Loan.monthly_rate_bp, Loan.rounding, Loan.status, Loan.disbursed_on,
              Loan.schedule_start, Loan.schedule_principal, Loan.schedule_months,
              Loan.paid_principal, Loan.paid_interest, Loan.schedule_paid_principal,
              Loan.schedule_paid_interest)
    found: dict[str, list[Collectable]] = {}
    for loan in (Loan.select(*fields).where((Loan.group == group_id)
                                             & (Loan.status == "disbursed"))
                 .order_by(Loan.disbursed_on, Loan.id)):
        amount = to_collect(loan, as_of)
        if amount:
            found.setdefault(loan.member_id, []).append(Collectable(loan.id, amount))
    return found


def loans_of_member(member_id: str) -> list[Loan]:
    return list(Loan.select(Loan, LoanProduct).join(LoanProduct)
                .where(Loan.member == member_id).order_by(Loan.created_at.desc()))


# ---------------------------------------------------------------------- late-fine job


def late_fine_op_id(group_id: str, loan: Loan, number: int) -> str:
    """The same missed instalment always makes the same op: a second run charges nothing."""
    key = f"late-loan-fine|{loan.id}|{number}"
    if loan.schedule_start is not None:  # a rescheduled loan numbers its instalments afresh
        key = f"late-loan-fine|{loan.id}|{loan.schedule_start.isoformat()}|{number}"
    return str(uuid.uuid5(uuid.UUID(group_id), key))


def charge_late_fines(actor, group: Group, as_of: date) -> int:
    """Charge each running loan's product fine once for every instalment still unpaid more
    than the product's grace days after it fell due. Returns how many fines were charged.

    The fine is dated the first day the instalment counts as late (due date + grace days +
    1), and its op_id is made from the group, the loan and the instalment, so running the job
    again, the same day or later, charges nothing twice.
    """
    from core.loan_status import OVERDUE, instalment_states
    from core.store.operations import apply_operation

    charged = 0
    rows = (Loan.select(Loan, LoanProduct).join(LoanProduct)
            .where((Loan.group == group.id) & (Loan.status == "disbursed")
                   & (LoanProduct.late_fine_satang > 0)).order_by(Loan.disbursed_on, Loan.id))
    for loan in rows:
        product = loan.product
        states = instalment_states(schedule_of(loan), *paid_on_schedule(loan), as_of)
        for state in states:
            late_from = state.instalment.due_date + timedelta(days=product.grace_days + 1)
            if state.state != OVERDUE or late_from > as_of:
                continue
            number = state.instalment.number
            result = apply_operation(actor, {
                "op_id": late_fine_op_id(group.id, loan, number), "group_id": group.id,
                "type": "fine.charge", "business_date": late_from.isoformat(),
                "payload": {"member_id": loan.member_id, "amount_satang":
                            product.late_fine_satang, "loan_id": loan.id,
                            "instalment": number,
                            "reason": f"ค่าปรับชำระล่าช้า งวดที่ {number}"}})
            charged += result.status in ("accepted", "needs_review")
    return charged
