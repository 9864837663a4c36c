"""The loan's life as ops: apply, approve (never by whoever recorded the application),
disburse, repay (fines, then interest due, then principal; any excess held in suspense),
reschedule and write off (the committee's, with a reason); and what voiding one of them undoes.

Money that moved in a way the rules did not expect (a disbursement before approval or twice)
is posted to suspense and flagged, so the cash box stays right while a person decides.
"""

import json

from core import books, loans
from core.errors import OpRefused, Problem, forbidden, invalid
from core.money import format_baht
from core.store import ledger
from core.store.handlers.common import find_member
from core.store.loans import application_problems, outstanding, paid_on_schedule, schedule_of
from core.store.models import JournalTxn, Loan, LoanGuarantor, LoanProduct, SyncOp
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
    problems = application_problems(member.id, product, payload["principal_satang"],
                                    payload["months"], guarantor_ids, ctx.posting_date)
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
    if ctx.interactive and loan.status != "approved":  # a person at a form: say why, write nothing
        raise OpRefused(invalid("เงินกู้นี้ยังไม่ได้รับอนุมัติหรือจ่ายไปแล้ว จ่ายเงินกู้ไม่ได้",
                                "This loan is not approved, or was paid out already; it "
                                "cannot be paid out", "loan_id"))
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
    if ctx.interactive and loan.status != "disbursed":
        raise OpRefused(invalid("เงินกู้นี้ไม่ได้อยู่ระหว่างชำระคืน (ปิดแล้ว ตัดเป็นหนี้สูญ หรือยังไม่ได้จ่าย)",
                                "This loan is not being repaid (it is closed, written off or "
                                "not paid out yet)", "loan_id"))
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
    paid = paid_on_schedule(loan)
    due = loans.due_as_of(instalments, *paid, ctx.posting_date)
    interest_due = due.interest_due
    product = loan.product
    payoff = loans.payoff_amount(instalments, *paid, ctx.posting_date,
                                 product.waive_future_interest, method=loan.method)
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
    if part.excess and ctx.interactive:
        most = format_baht(fines_due + payoff)
        raise OpRefused(invalid(f"ชำระเกินยอดที่ค้าง ยอดปิดบัญชีวันนี้คือ {most}",
                                f"More than is owed; paying off in full today is {most}",
                                "amount_satang"))
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


def _reason(ctx: Context) -> str:
    reason = " ".join(ctx.payload["reason"].split())
    if not reason:
        raise OpRefused(invalid("กรุณาระบุเหตุผล", "Say why", "reason"))
    return reason


def _running(ctx: Context, th: str, en: str) -> Loan:
    loan = _loan(ctx)
    if loan.status != "disbursed":
        raise OpRefused(invalid(th, en, "loan_id"))
    return loan


def loan_reschedule(ctx: Context) -> None:
    """A new schedule for the principal still owed, from the reschedule date over ``months``.

    Interest due and unpaid by then is not carried over: the new schedule charges its own
    interest on the principal still owed. What was paid before stays paid, and no longer
    counts against the new schedule.
    """
    loan = _running(ctx, "ปรับโครงสร้างหนี้ได้เฉพาะเงินกู้ที่กำลังชำระคืน",
                    "Only a loan being repaid can be rescheduled")
    _reason(ctx)
    months, product = ctx.payload["months"], loan.product
    if months > product.max_months:
        raise OpRefused(invalid(f"ระยะเวลากู้ได้ไม่เกิน {product.max_months} เดือน",
                                f"The loan may run for at most {product.max_months} months",
                                "months"))
    if ctx.posting_date < (loan.schedule_start or loan.disbursed_on):
        raise OpRefused(invalid("วันที่ปรับโครงสร้างหนี้ต้องไม่ก่อนวันเริ่มตารางชำระเดิม",
                                "The reschedule cannot be dated before the schedule began",
                                "business_date"))
    left = outstanding(loan)
    ctx.books_said = {"principal_outstanding": left}
    loan.schedule_start, loan.schedule_principal = ctx.posting_date, left
    loan.schedule_months = months
    loan.schedule_paid_principal, loan.schedule_paid_interest = (loan.paid_principal,
                                                                 loan.paid_interest)
    loan.version += 1
    loan.save()


def loan_write_off(ctx: Context) -> None:
    """The principal still owed moves to the write-off expense (หนี้สูญ); the loan ends."""
    loan = _running(ctx, "ตัดหนี้สูญได้เฉพาะเงินกู้ที่กำลังชำระคืน",
                    "Only a loan being repaid can be written off")
    _reason(ctx)
    left = outstanding(loan)
    ctx.books_said = {"principal_outstanding": left}
    if left > 0:
        ctx.post(books.transfer(books.WRITE_OFFS, books.account_key(books.LOANS, loan.id), left),
                 member=loan.member_id, memo=loan.id, receipt=False)
    loan.status, loan.closed_on = "written_off", ctx.posting_date
    loan.version += 1
    loan.save()


def undo_on_void(target: SyncOp, txns: list[JournalTxn]) -> None:
    """Keep the loan's row true to the books when one of its entries is voided.

    A voided repayment is no longer paid (a loan it closed runs again); a voided write-off
    runs again; a voided disbursement goes back to approved, unless repayments were made on
    it, which must be voided first. Called before the reversals are posted.
    """
    if target.type not in ("loan.repay", "loan.disburse", "loan.write_off"):
        return
    loan_id = json.loads(target.payload).get("loan_id")
    loan = Loan.get_or_none((Loan.id == loan_id) & (Loan.group == target.group_id))
    if loan is None:
        return
    key = books.account_key(books.LOANS, loan.id)
    lines = [line for txn in txns for line in ledger.lines_of(txn)]
    on_loan = sum(line.amount for line in lines if line.account == key)
    if not on_loan:  # held in suspense: the loan itself never moved
        return
    if target.type == "loan.repay":
        interest = -sum(line.amount for line in lines if line.account == books.INTEREST_INCOME)
        loan.paid_principal -= -on_loan
        loan.paid_interest -= interest
        loan.schedule_paid_principal = min(loan.schedule_paid_principal, loan.paid_principal)
        loan.schedule_paid_interest = min(loan.schedule_paid_interest, loan.paid_interest)
        if loan.status == "closed":
            loan.status, loan.closed_on = "disbursed", None
    elif target.type == "loan.write_off":
        loan.status, loan.closed_on = "disbursed", None
    else:
        if loan.paid_principal or loan.paid_interest or loan.status != "disbursed":
            raise OpRefused(invalid("เงินกู้นี้มีการชำระคืนแล้ว ต้องยกเลิกรายการชำระคืนก่อน",
                                    "Repayments were made on this loan; void them first",
                                    "target_op_id"))
        loan.status, loan.disbursed_on = "approved", None
    loan.version += 1
    loan.save()
