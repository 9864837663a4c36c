"""Loan rules: repayment schedules, the effective rate, payments, arrears.

Plain Python over plain values. Amounts are ``int`` satang; a monthly rate is given in basis
points a month (100 bp = 1 % a month) as an ``int`` or a ``Decimal``; every sum is done with
``Fraction`` or ``Decimal`` and rounded half-up explicitly, never with floats.

Two interest methods (DESIGN.md, "Groups are configured"):

* ``flat`` (ดอกเบี้ยคงที่): interest every month = the original principal × the monthly rate;
* ``declining`` (ลดต้นลดดอก): equal instalments by the annuity formula, the interest of each month
  on the balance still owed.

The schedule starts one month after disbursement, one instalment a month. Whatever the method or
rounding, the principal of a schedule sums to the loan's principal exactly.

Eligibility of an application lives in core.loan_eligibility and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from core.loan_eligibility import LoanTerms, MemberStanding, check_application
from core.money import round_half_up
from core.thaidate import add_months

__all__ = [
    "BUCKETS", "LEGAL_CAP_PCT", "METHODS", "ROUNDINGS", "Allocation", "Due", "Instalment",
    "LoanTerms", "MemberStanding", "ageing_bucket", "allocate", "check_application",
    "due_as_of", "effective_annual_rate", "exceeds_legal_cap", "monthly_irr", "payoff_amount",
    "portfolio_at_risk", "schedule", "total_interest",
]

METHODS = ("flat", "declining")
ROUNDINGS = ("satang", "baht")
# Civil and Commercial Code s.654: a loan may not carry more than 15 % a year.
LEGAL_CAP_PCT = Decimal("15")
_BP = 10_000  # basis points in a whole


def _amount(value: object, name: str) -> int:
    # bool is an int, and a float amount is always a bug: refuse both.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int of satang, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def _rate(monthly_rate_bp: object) -> Fraction:
    """The monthly rate as an exact fraction: 150 bp -> 3/200."""
    if isinstance(monthly_rate_bp, bool) or not isinstance(monthly_rate_bp, int | Decimal):
        raise TypeError("monthly_rate_bp must be an int or a Decimal of basis points")
    rate = Fraction(monthly_rate_bp) / _BP
    if rate < 0:
        raise ValueError("monthly_rate_bp must not be negative")
    return rate


def _round(value: Fraction, rounding: str) -> int:
    """Half-up to the satang, or to a whole baht (a multiple of 100 satang)."""
    unit = 100 if rounding == "baht" else 1
    return round_half_up(value.numerator, value.denominator * unit) * unit


# ------------------------------------------------------------------------- schedules


@dataclass(frozen=True)
class Instalment:
    """One งวด of a schedule; ``total`` = ``principal`` + ``interest``."""

    number: int
    due_date: date
    principal: int
    interest: int
    total: int


def schedule(principal: int, monthly_rate_bp: int | Decimal, months: int, method: str,
             disbursed_on: date, rounding: str = "satang") -> list[Instalment]:
    """The repayment schedule of a loan disbursed on ``disbursed_on``.

    Instalment k falls due ``add_months(disbursed_on, k)``: one month after disbursement, then
    monthly, each counted from the disbursement date so a loan paid out on 31 January falls due
    on 28 February, 31 March, 30 April, ...

    ``flat``: interest each month = principal × rate, rounded half-up. The principal part is
    principal / months rounded half-up, and the last instalment takes the difference (1,000.00
    over 3 months: 333.33, 333.33, 333.34). When rounding up would leave the last instalment
    negative (a loan of a few satang or baht over many months) the parts are rounded down.

    ``declining``: the instalment is P·r / (1 − (1 + r)^−n) computed exactly (P / n at rate
    0) and rounded half-up; each month the interest is the balance still owed × r rounded
    half-up and the principal is the instalment less that interest, never below zero or above
    the balance; the last instalment pays the remaining balance, so its total may differ from
    the others by the accumulated rounding.

    ``rounding="baht"`` rounds the same figures to whole baht instead of to the satang.
    """
    _amount(principal, "principal")
    rate = _rate(monthly_rate_bp)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError("months must be a whole number of at least 1")
    if principal == 0:
        raise ValueError("principal must be above zero")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {ROUNDINGS}, got {rounding!r}")
    if method == "flat":
        parts = _flat(principal, rate, months, rounding)
    else:
        parts = _declining(principal, rate, months, rounding)
    return [Instalment(k, add_months(disbursed_on, k), p, i, p + i)
            for k, (p, i) in enumerate(parts, start=1)]


def _flat(principal: int, rate: Fraction, months: int, rounding: str) -> list[tuple[int, int]]:
    interest = _round(principal * rate, rounding)
    each = _round(Fraction(principal, months), rounding)
    if each * (months - 1) > principal:
        unit = 100 if rounding == "baht" else 1
        each = principal // months // unit * unit
    last = principal - each * (months - 1)
    return [(each, interest)] * (months - 1) + [(last, interest)]


def _declining(principal: int, rate: Fraction, months: int,
               rounding: str) -> list[tuple[int, int]]:
    if rate == 0:
        exact = Fraction(principal, months)
    else:
        growth = (1 + rate) ** months
        exact = principal * rate * growth / (growth - 1)  # = P·r / (1 − (1 + r)^−n)
    payment = _round(exact, rounding)
    parts, balance = [], principal
    for number in range(1, months + 1):
        interest = _round(balance * rate, rounding)
        paid = balance if number == months else max(0, min(payment - interest, balance))
        parts.append((paid, interest))
        balance -= paid
    return parts


def total_interest(instalments: Iterable[Instalment]) -> int:
    """All the interest a schedule charges, in satang."""
    return sum(i.interest for i in instalments)


# -------------------------------------------------------------------- effective rate


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def monthly_irr(principal: int, instalments: Sequence[Instalment],
                disbursed_on: date) -> Decimal:
    """The monthly internal rate of return of the loan, as a fraction (0.01 = 1 % a month).

    Cash flows: −principal at disbursement, each instalment's total in the month of its due
    date (counted in calendar months from ``disbursed_on``). Found by bisection in 50-digit
    Decimal arithmetic until the bracket is narrower than 1e-12, then rounded to 12 places.
    """
    _amount(principal, "principal")
    if principal == 0 or not instalments:
        raise ValueError("a loan needs a principal above zero and at least one instalment")
    flows = [(_months_between(disbursed_on, i.due_date), i.total) for i in instalments]
    with localcontext() as ctx:
        ctx.prec = 50

        def npv(r: Decimal) -> Decimal:
            return sum((Decimal(t) / (1 + r) ** k for k, t in flows), Decimal(-principal))

        if sum(t for _, t in flows) == principal:
            return Decimal(0)
        low, high = Decimal("-0.99"), Decimal(1)
        while npv(high) > 0:  # repayments far above the principal: widen the bracket
            low, high = high, high * 2
        tolerance = Decimal("1e-12")
        while high - low > tolerance:
            mid = (low + high) / 2
            if npv(mid) > 0:  # the NPV falls as the rate rises
                low = mid
            else:
                high = mid
        return ((low + high) / 2).quantize(Decimal("1e-12"), ROUND_HALF_UP)


def effective_annual_rate(principal: int, instalments: Sequence[Instalment],
                          disbursed_on: date) -> Decimal:
    """The annual percentage rate shown to the committee: the monthly IRR × 12, in per cent.

    A nominal rate (not compounded), as Thai lenders quote it, rounded half-up to 2 places:
    flat 1 % a month over 12 months gives Decimal("21.46"); declining 1 % a month gives 12.00.
    """
    irr = monthly_irr(principal, instalments, disbursed_on)
    return (irr * 1200).quantize(Decimal("0.01"), ROUND_HALF_UP)


def exceeds_legal_cap(apr_pct: Decimal | int) -> bool:
    """True when an annual rate in per cent is above the 15 % a year of CCC s.654: warn."""
    if isinstance(apr_pct, bool) or not isinstance(apr_pct, int | Decimal):
        raise TypeError("apr_pct must be a Decimal or an int of per cent a year")
    return Decimal(apr_pct) > LEGAL_CAP_PCT


# -------------------------------------------------------------------------- payments


@dataclass(frozen=True)
class Allocation:
    """How one payment is split; the four parts sum to the payment."""

    fines: int
    interest: int
    principal: int
    excess: int  # beyond all that is owed: held in suspense, the op flagged ``overpaid``


def allocate(payment: int, *, fines_due: int, interest_due: int,
             principal_outstanding: int) -> Allocation:
    """Split a payment: fines first, then interest due, then principal; the rest is excess.

    ``principal_outstanding`` is all the principal still owed (not only the part due), so a
    member may repay ahead of the schedule; only what is beyond it is excess.
    """
    left = _amount(payment, "payment")
    parts = []
    for owed, name in ((fines_due, "fines_due"), (interest_due, "interest_due"),
                       (principal_outstanding, "principal_outstanding")):
        part = min(left, _amount(owed, name))
        parts.append(part)
        left -= part
    return Allocation(parts[0], parts[1], parts[2], left)


@dataclass(frozen=True)
class Due:
    """What a loan asks for on a date (see due_as_of)."""

    principal_due: int
    interest_due: int
    next_due_date: date | None
    days_past_due: int

    @property
    def total(self) -> int:
        return self.principal_due + self.interest_due


def _covered(instalments: Sequence[Instalment], paid_principal: int,
             paid_interest: int) -> list[bool]:
    """Whether each instalment is fully paid, filling the oldest first.

    Principal paid and interest paid are counted separately: instalment k is paid when the
    principal paid covers the principal of instalments 1..k and the interest paid covers
    their interest.
    """
    covered, cum_principal, cum_interest = [], 0, 0
    for inst in instalments:
        cum_principal += inst.principal
        cum_interest += inst.interest
        covered.append(cum_principal <= paid_principal and cum_interest <= paid_interest)
    return covered


def due_as_of(instalments: Sequence[Instalment], paid_principal: int, paid_interest: int,
              as_of: date) -> Due:
    """What is due on ``as_of`` after the principal and interest paid so far.

    * ``principal_due`` / ``interest_due``: the totals of the instalments due on or before
      ``as_of`` less the totals paid (never below zero; paying ahead is not carried as credit
      against later interest here).
    * ``days_past_due``: days since the due date of the oldest instalment that is not fully
      paid and whose due date is before ``as_of`` (0 if none). Payments fill the oldest
      instalments first, principal and interest each against its own column (``_covered``).
    * ``next_due_date``: the due date of the first instalment after ``as_of`` that is not
      already paid; None when none is left.

    The schedule is not recomputed: interest is what the schedule says, whatever was paid early.
    """
    _amount(paid_principal, "paid_principal")
    _amount(paid_interest, "paid_interest")
    covered = _covered(instalments, paid_principal, paid_interest)
    due = [inst for inst in instalments if inst.due_date <= as_of]
    principal_due = max(0, sum(i.principal for i in due) - paid_principal)
    interest_due = max(0, sum(i.interest for i in due) - paid_interest)
    days = 0
    for inst, paid in zip(instalments, covered, strict=True):
        if not paid and inst.due_date < as_of:
            days = (as_of - inst.due_date).days
            break
    upcoming = (inst.due_date for inst, paid in zip(instalments, covered, strict=True)
                if not paid and inst.due_date > as_of)
    return Due(principal_due, interest_due, next(upcoming, None), days)


def payoff_amount(instalments: Sequence[Instalment], paid_principal: int, paid_interest: int,
                  as_of: date, waive_future_interest: bool, *, method: str) -> int:
    """What repays the loan in full on ``as_of`` (early repayment), fines not included.

    The principal still owed, plus the interest due to date not yet paid. A ``flat`` loan also
    charges the interest of the instalments not yet due unless the product waives it
    (``waive_future_interest``); a ``declining`` loan never does, because its interest is on a
    balance that no longer exists once repaid. No interest accrues by the day between due dates.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    _amount(paid_principal, "paid_principal")
    _amount(paid_interest, "paid_interest")
    principal_left = max(0, sum(i.principal for i in instalments) - paid_principal)
    if method == "flat" and not waive_future_interest:
        interest_owed = sum(i.interest for i in instalments)
    else:
        interest_owed = sum(i.interest for i in instalments if i.due_date <= as_of)
    return principal_left + max(0, interest_owed - paid_interest)


# --------------------------------------------------------------------------- arrears

BUCKETS = ("current", "1-30", "31-90", "90+")


def ageing_bucket(days_past_due: int) -> str:
    """0 -> "current", 1..30 -> "1-30", 31..90 -> "31-90", 91 and more -> "90+"."""
    if isinstance(days_past_due, bool) or not isinstance(days_past_due, int):
        raise TypeError("days_past_due must be an int")
    if days_past_due < 0:
        raise ValueError("days_past_due must not be negative")
    if days_past_due == 0:
        return "current"
    if days_past_due <= 30:
        return "1-30"
    return "31-90" if days_past_due <= 90 else "90+"


def portfolio_at_risk(loans: Iterable[tuple[int, int]], threshold_days: int) -> Decimal:
    """PAR: the share of the principal outstanding on loans more than ``threshold_days`` late.

    ``loans`` are (principal outstanding in satang, days past due). Returns per cent rounded
    half-up to 2 places; Decimal("0.00") for an empty portfolio or one with nothing owed.
    PAR30 is ``portfolio_at_risk(loans, 30)``, PAR90 ``portfolio_at_risk(loans, 90)``.
    """
    total = at_risk = 0
    for outstanding, days in loans:
        _amount(outstanding, "outstanding")
        total += outstanding
        if days > threshold_days:
            at_risk += outstanding
    if total == 0:
        return Decimal("0.00")
    with localcontext() as ctx:
        ctx.prec = 50
        share = Decimal(at_risk * 100) / Decimal(total)
        return share.quantize(Decimal("0.01"), ROUND_HALF_UP)

