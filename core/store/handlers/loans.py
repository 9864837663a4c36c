"""The loan's life as ops: apply, approve (never by whoever recorded the application),
disburse, repay (fines, then interest due, then principal; any excess held in suspense).

Money that moved in a way the rules did not expect (a disbursement before approval or twice)
is posted to suspense and flagged, so the cash box stays right while a person decides.
"""

from core import books, loans
from core.errors import OpRefused, Problem, forbidden, invalid
from core.loan_eligibility import check_application
from core.store import ledger
from core.store.handlers.common import find_member
from core.store.loans import outstanding, schedule_of, standings, terms_of
from core.store.models import Loan, LoanGuarantor, LoanProduct
from core.store.operations import Context


def _loan(ctx: Context) -> Loan:
    loan = Loan.get_or_none((Loan.id == ctx.payload["loan_id"]) & (Loan.group == ctx.group.id))
    if loan is None:
        raise OpRefused(invalid("ไม่พบเงินกู้นี้", "Unknown loan", "loan_id"))
    return loan


def loan_apply(ctx: Context) -> None:
    payload = ctx.payload
    if ctx.group.kind == "welfare":
        raise OpRefused(invalid("กองทุนสวัสดิการให้กู้ยืมไม่ได้", "A welfare fund never lends",
                                "product_id"))
    if Loan.get_or_none(Loan.id == payload["loan_id"]):
        raise OpRefused(invalid("มีเงินกู้รหัสนี้แล้ว", "A loan with this id exists", "loan_id"))
    product = LoanProduct.get_or_none((LoanProduct.id == payload["product_id"])
                                      & (LoanProduct.group == ctx.group.id)
                                      & (LoanProduct.active == True))  # noqa: E712
    if product is None:
        raise OpRefused(invalid("ไม่พบประเภทเงินกู้นี้", "Unknown loan product", "product_id"))
    member = find_member(ctx)
    guarantor_ids = payload.get("guarantor_ids") or []
    if not all(isinstance(g, str) for g in guarantor_ids):
        raise OpRefused(invalid("ผู้ค้ำประกันไม่ถูกต้อง", "Bad guarantor ids", "guarantor_ids"))
    known = standings([member.id, *guarantor_ids], ctx.posting_date)
    problems = check_application(borrower=known[member.id],
                                 principal_satang=payload["principal_satang"],
                                 months=payload["months"], terms=terms_of(product),
                                 guarantor_ids=guarantor_ids, members=known)
    if problems:
        raise OpRefused(_joined(problems))
    Loan.create(id=payload["loan_id"], group=ctx.group.id, member=member.id, product=product.id,
                principal=payload["principal_satang"], months=payload["months"],
                method=product.method, monthly_rate_bp=product.monthly_rate_bp,
                rounding=product.rounding, purpose=(payload.get("purpose") or "")[:500],
                applied_by=ctx.actor.user.id)
    for guarantor_id in dict.fromkeys(guarantor_ids):
        LoanGuarantor.create(group=ctx.group.id, loan=payload["loan_id"], member=guarantor_id)


def _joined(problems: list[Problem]) -> Problem:
    """Every reason at once, so the committee hears all of them, not only the first."""
    first = problems[0]
    return Problem(first.reason, " · ".join(p.message_th for p in problems),
                   " · ".join(p.message_en for p in problems), first.field)


def loan_approve(ctx: Context) -> None:
    loan = _loan(ctx)
    if loan.applied_by_id == ctx.actor.user.id:
        raise OpRefused(forbidden("ผู้บันทึกคำขอกู้อนุมัติคำขอของตนเองไม่ได้",
                                  "Whoever recorded an application may not approve it"))
    if loan.status != "applied":
        raise OpRefused(invalid("เงินกู้นี้อนุมัติแล้วหรือไม่ได้รออนุมัติ",
                                "This loan is not waiting for approval", "loan_id"))
    loan.status, loan.approved_by = "approved", ctx.actor.user.id
    loan.version += 1
    loan.save()


def loan_disburse(ctx: Context) -> None:
    loan = _loan(ctx)
    cash = ledger.balance_of(ctx.group.id, books.CASH)
    ctx.books_said = {"loan_status": loan.status, "cash_satang": cash}
    if cash < loan.principal:
        ctx.flag("overdrawn", "เงินสดในมือไม่พอจ่ายเงินกู้", "The cash box holds less than the loan")
    if loan.status != "approved":
        ctx.flag("loan_state", "จ่ายเงินกู้ที่ยังไม่อนุมัติหรือจ่ายไปแล้ว เงินพักไว้ในบัญชีรอตรวจสอบ",
                 "The loan is not approved or was paid out already; the cash is held in "
                 "suspense")
        ctx.post(books.transfer(books.SUSPENSE, books.CASH, loan.principal), member=loan.member_id,
                 receipt=True, memo=loan.id)
        return
    ctx.post(books.transfer(books.account_key(books.LOANS, loan.id), books.CASH, loan.principal),
             member=loan.member_id, memo=loan.id)
    loan.status, loan.disbursed_on = "disbursed", ctx.posting_date
    loan.version += 1
    loan.save()


def loan_repay(ctx: Context) -> None:
    loan = _loan(ctx)
    amount = ctx.payload["amount_satang"]
    if loan.status != "disbursed":
        ctx.flag("loan_state", "ชำระคืนเงินกู้ที่ไม่ได้ค้างอยู่ เงินพักไว้ในบัญชีรอตรวจสอบ",
                 "A repayment on a loan that is not running; held in suspense")
        ctx.post(books.transfer(books.CASH, books.SUSPENSE, amount), member=loan.member_id,
                 memo=loan.id)
        return
    fines_key = books.account_key(books.FINES_DUE, loan.member_id)
    fines_due = max(ledger.balance_of(ctx.group.id, fines_key), 0)
    principal_left = outstanding(loan)
    instalments = schedule_of(loan)
    due = loans.due_as_of(instalments, loan.paid_principal, loan.paid_interest, ctx.posting_date)
    interest_due = due.interest_due
    product = loan.product
    payoff = loans.payoff_amount(instalments, loan.paid_principal, loan.paid_interest,
                                 ctx.posting_date, product.waive_future_interest,
                                 method=loan.method)
    if amount >= fines_due + payoff:  # paying the loan off: the interest the product asks for
        interest_due = payoff - principal_left
    part = loans.allocate(amount, fines_due=fines_due, interest_due=interest_due,
                          principal_outstanding=principal_left)
    ctx.books_said = {"fines_due": fines_due, "interest_due": interest_due,
                      "principal_outstanding": principal_left}
    lines = [books.Line(books.CASH, amount)]
    for key, value in ((fines_key, part.fines), (books.INTEREST_INCOME, part.interest),
                       (books.account_key(books.LOANS, loan.id), part.principal),
                       (books.SUSPENSE, part.excess)):
        if value:
            lines.append(books.Line(key, -value))
    if part.excess:
        ctx.flag("overpaid", "ชำระเกินยอดที่ค้าง ส่วนเกินพักไว้ในบัญชีรอตรวจสอบ",
                 "Paid more than is owed; the excess is held in suspense")
    ctx.post(lines, member=loan.member_id, memo=loan.id)
    loan.paid_principal += part.principal
    loan.paid_interest += part.interest
    if part.principal == principal_left:
        loan.status, loan.closed_on = "closed", ctx.posting_date
    loan.version += 1
    loan.save()
