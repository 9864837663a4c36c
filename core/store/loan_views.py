"""What a loan's page shows: its terms, the schedule with each instalment's state, what is due
and what pays it off today, its guarantors and its history. Queries only; nothing here writes."""

import json
import operator
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce

from peewee import JOIN

from core import books, loans
from core.loan_status import InstalmentState, instalment_states
from core.store.ledger import balance_of
from core.store.loans import (
    due_of,
    outstanding,
    paid_on_schedule,
    payoff_of,
    schedule_of,
    to_collect,
)
from core.store.models import Loan, LoanGuarantor, LoanProduct, Member, SyncOp, User
from core.store.operations import ACCEPTED, NEEDS_REVIEW


def loan_of(group_id: str, loan_id: str) -> Loan | None:
    return (Loan.select(Loan, Member, LoanProduct).join(Member).switch(Loan).join(LoanProduct)
            .where((Loan.id == loan_id) & (Loan.group == group_id)).first())


@dataclass(frozen=True)
class Event:
    """One op in a loan's history."""

    op_id: str
    type: str
    business_date: date | None
    received_at: datetime
    by: str
    status: str
    reason: str | None  # the review reason when flagged
    payload: dict
    voided: bool

    @property
    def amount(self) -> int | None:
        return self.payload.get("amount_satang") or self.payload.get("principal_satang")

    @property
    def note(self) -> str:
        if self.type == "fine.charge":  # the instalment is shown instead, in the reader's words
            return ""
        return self.payload.get("reason") or self.payload.get("purpose") or ""


def history(loan: Loan) -> list[Event]:
    """Every applied op that names the loan (and its late fines), in server order, with the
    voids of any of them."""
    applied = SyncOp.status.in_((ACCEPTED, NEEDS_REVIEW))
    rows = list(SyncOp.select(SyncOp, User).join(User, JOIN.LEFT_OUTER,
                                                 on=(SyncOp.user == User.id))
                .where((SyncOp.group == loan.group_id) & applied
                       & SyncOp.payload.contains(loan.id))
                .order_by(SyncOp.server_seq))
    voided: set[str] = set()
    if rows:
        targets = reduce(operator.or_, [SyncOp.payload.contains(r.op_id) for r in rows])
        for void in (SyncOp.select(SyncOp, User).join(User, JOIN.LEFT_OUTER,
                                                       on=(SyncOp.user == User.id))
                     .where((SyncOp.group == loan.group_id) & applied
                            & (SyncOp.type == "void") & targets)):
            voided.add(json.loads(void.payload).get("target_op_id"))
            rows.append(void)
    rows.sort(key=lambda r: r.server_seq)
    return [Event(r.op_id, r.type, r.business_date, r.received_at,
                  (r.user.display_name or r.user.username) if r.user_id else "", r.status,
                  r.reason, json.loads(r.payload), r.op_id in voided) for r in rows]


@dataclass(frozen=True)
class LoanDetail:
    loan: Loan
    guarantors: list[Member]
    outstanding: int
    instalments: list[InstalmentState]
    due: loans.Due | None
    to_collect: int
    payoff: int
    fines_due: int
    history: list[Event]
    applied_by: User | None
    approved_by: User | None

    @property
    def total_interest(self) -> int:
        return sum(state.instalment.interest for state in self.instalments)

    @property
    def settle(self) -> int:
        return self.payoff + self.fines_due if self.payoff else 0

    @property
    def rescheduled(self) -> bool:
        return self.loan.schedule_start is not None


def detail(loan: Loan, as_of: date) -> LoanDetail:
    guarantors = list(Member.select().join(LoanGuarantor, on=(LoanGuarantor.member == Member.id))
                      .where(LoanGuarantor.loan == loan.id).order_by(Member.member_no))
    running = loan.status == "disbursed"
    users = {u.id: u for u in User.select().where(
        User.id.in_([i for i in (loan.applied_by_id, loan.approved_by_id) if i]))}
    return LoanDetail(
        loan=loan, guarantors=guarantors, outstanding=outstanding(loan),
        instalments=instalment_states(schedule_of(loan), *paid_on_schedule(loan), as_of),
        due=due_of(loan, as_of) if running else None,
        to_collect=to_collect(loan, as_of), payoff=payoff_of(loan, as_of),
        fines_due=fines_due(loan), history=history(loan),
        applied_by=users.get(loan.applied_by_id), approved_by=users.get(loan.approved_by_id))


def fines_due(loan: Loan) -> int:
    return max(balance_of(loan.group_id, books.account_key(books.FINES_DUE, loan.member_id)), 0)


def settle_amount(loan: Loan, as_of: date) -> int:
    """What closes the loan on ``as_of``: the payoff, and the borrower's fines due first
    (a repayment pays fines before anything else). 0 when the loan is not running."""
    payoff = payoff_of(loan, as_of)
    return payoff + fines_due(loan) if payoff else 0
