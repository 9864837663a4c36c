"""Loans as the books see them: schedules, what is due, each member's standing, arrears."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from peewee import fn

from core import books, loans
from core.loan_eligibility import LoanTerms, MemberStanding
from core.store.ledger import balance_of
from core.store.models import Loan, LoanGuarantor, LoanProduct, Member
from core.store.summaries import member_figures

LIVE = ("applied", "approved", "disbursed")


def terms_of(product: LoanProduct) -> LoanTerms:
    return LoanTerms(max_months=product.max_months,
                     max_savings_multiple_pct=product.max_savings_multiple_pct,
                     guarantors_needed=product.guarantors_needed,
                     count_shares=product.count_shares,
                     one_loan_at_a_time=product.one_loan_at_a_time,
                     guarantor_limit_multiple_pct=product.guarantor_limit_multiple_pct)


def schedule_of(loan: Loan) -> list[loans.Instalment]:
    if loan.disbursed_on is None:
        return []
    return loans.schedule(loan.principal, loan.monthly_rate_bp, loan.months, loan.method,
                          loan.disbursed_on, loan.rounding)


def outstanding(loan: Loan) -> int:
    """Principal still owed, from the loan's own account in the books."""
    if loan.disbursed_on is None:
        return 0
    return balance_of(loan.group_id, books.account_key(books.LOANS, loan.id))


def due_of(loan: Loan, as_of: date) -> loans.Due:
    return loans.due_as_of(schedule_of(loan), loan.paid_principal, loan.paid_interest, as_of)


def standings(member_ids: list[str], as_of: date) -> dict[str, MemberStanding]:
    """What eligibility needs to know of each member: savings, loans, guarantees."""
    members = {m.id: m for m in Member.select().where(Member.id.in_(member_ids))}
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


@dataclass(frozen=True)
class PortfolioLine:
    loan: Loan
    outstanding: int
    days_past_due: int
    bucket: str


def portfolio(group_id: str, as_of: date) -> list[PortfolioLine]:
    lines = []
    for loan in Loan.select().where((Loan.group == group_id) & (Loan.status == "disbursed")):
        days = due_of(loan, as_of).days_past_due
        lines.append(PortfolioLine(loan, outstanding(loan), days, loans.ageing_bucket(days)))
    return lines


def par(lines: list[PortfolioLine], threshold_days: int) -> Decimal:
    return loans.portfolio_at_risk([(line.outstanding, line.days_past_due) for line in lines],
                                   threshold_days)
