"""Where a loan stands against its schedule, instalment by instalment, and what to ask for.

Plain Python over plain values (core.loans' Instalments, satang paid). Payments fill the oldest
instalments first, principal and interest each against its own column, the same way
core.loans.due_as_of counts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.loans import (
    Instalment,
    due_as_of,
    effective_annual_rate,
    exceeds_legal_cap,
    schedule,
    total_interest,
)

PAID, PART_PAID, OVERDUE, DUE, UPCOMING = "paid", "part_paid", "overdue", "due", "upcoming"


@dataclass(frozen=True)
class InstalmentState:
    """One instalment with what is still owed on it, and its state on a day.

    ``state``: ``paid``; ``overdue`` (its due date has passed and something is still owed);
    ``due`` (falls due that very day); ``part_paid`` (not yet due, partly paid ahead);
    ``upcoming``.
    """

    instalment: Instalment
    principal_left: int
    interest_left: int
    state: str

    @property
    def left(self) -> int:
        return self.principal_left + self.interest_left


def instalment_states(instalments: Sequence[Instalment], paid_principal: int,
                      paid_interest: int, as_of: date) -> list[InstalmentState]:
    """Each instalment's state on ``as_of`` after the principal and interest paid so far."""
    states, before_p, before_i = [], 0, 0
    for inst in instalments:
        principal_left = min(inst.principal, max(0, before_p + inst.principal - paid_principal))
        interest_left = min(inst.interest, max(0, before_i + inst.interest - paid_interest))
        before_p += inst.principal
        before_i += inst.interest
        left = principal_left + interest_left
        if left == 0:
            state = PAID
        elif inst.due_date < as_of:
            state = OVERDUE
        elif inst.due_date == as_of:
            state = DUE
        else:
            state = PART_PAID if left < inst.total else UPCOMING
        states.append(InstalmentState(inst, principal_left, interest_left, state))
    return states


def amount_to_collect(instalments: Sequence[Instalment], paid_principal: int,
                      paid_interest: int, as_of: date) -> int:
    """What to ask a borrower for on ``as_of``: everything due by then and not yet paid; when
    nothing is due, what is left of the next instalment; 0 when the schedule is paid."""
    due = due_as_of(instalments, paid_principal, paid_interest, as_of)
    if due.total:
        return due.total
    for state in instalment_states(instalments, paid_principal, paid_interest, as_of):
        if state.left:
            return state.left
    return 0


@dataclass(frozen=True)
class Quote:
    """A loan worked out before anyone applies: the calculator's answer."""

    instalments: tuple[Instalment, ...]
    total_interest: int
    annual_rate_pct: Decimal
    above_legal_cap: bool

    @property
    def total_repaid(self) -> int:
        return sum(i.total for i in self.instalments)


def quote(principal: int, monthly_rate_bp: int, months: int, method: str, start: date,
          rounding: str = "satang") -> Quote:
    """The schedule of a loan paid out on ``start``, its total interest and effective rate."""
    instalments = schedule(principal, monthly_rate_bp, months, method, start, rounding)
    rate = effective_annual_rate(principal, instalments, start)
    return Quote(tuple(instalments), total_interest(instalments), rate, exceeds_legal_cap(rate))
