"""A welfare claim's life as ops: claim (recorded with what the rules say), approve or refuse
(the committee, never whoever recorded the claim), pay (cash out of the box, with a receipt).

Online, a claim the rules refuse is refused with every reason. Offline it was already made
at the village hall, so it is recorded and flagged `welfare_rule` for the committee. Money
that left the box in a way the rules did not expect (a claim paid twice, or before it was
approved) is posted to suspense and flagged, like a loan disbursed twice.
"""

import json

from core import books
from core.errors import OpRefused, forbidden, invalid
from core.ops import parse_iso_date
from core.store import ledger
from core.store import welfare as store
from core.store.handlers.common import find_member
from core.store.models import JournalTxn, SyncOp, WelfareClaim
from core.store.operations import Context


def _claim(ctx: Context) -> WelfareClaim:
    claim = store.claim_of(ctx.group.id, ctx.payload["claim_id"])
    if claim is None:
        raise OpRefused(invalid("ไม่พบคำขอรับสวัสดิการนี้", "Unknown welfare claim", "claim_id"))
    return claim


def _text(ctx: Context, name: str) -> str:
    return " ".join((ctx.payload.get(name) or "").split())[:500]


def welfare_claim(ctx: Context) -> None:
    payload = ctx.payload
    if WelfareClaim.get_or_none(WelfareClaim.id == payload["claim_id"]):
        raise OpRefused(invalid("มีคำขอรับสวัสดิการรหัสนี้แล้ว", "A claim with this id exists",
                                "claim_id"))
    member = find_member(ctx, active=False)  # a member who has left: the rules say why not
    event_date = parse_iso_date(payload["event_date"])
    assessment = store.assess(ctx.group, member, payload["benefit_type"], event_date,
                              payload.get("nights"), ctx.today)
    if assessment is None:
        raise OpRefused(invalid("กองทุนนี้ไม่มีสวัสดิการประเภทนี้",
                                "This fund has no such benefit", "benefit_type"))
    ctx.books_said = {"assessment": assessment.as_data()}
    problem = assessment.problem()
    if problem:
        ctx.flag(problem.reason, problem.message_th, problem.message_en)
    WelfareClaim.create(id=payload["claim_id"], group=ctx.group.id, member=member.id,
                        benefit_type=payload["benefit_type"], event_date=event_date,
                        nights=payload.get("nights"), note=_text(ctx, "note"),
                        allowed=assessment.allowed, assessment=assessment.as_data(),
                        suggested_satang=assessment.suggested_satang,
                        claimed_on=ctx.op.business_date, claimed_by=ctx.actor.user.id)


def _decide(ctx: Context, claim: WelfareClaim, verb_th: str, verb_en: str) -> None:
    if claim.claimed_by_id == ctx.actor.user.id:
        raise OpRefused(forbidden(f"ผู้บันทึกคำขอรับสวัสดิการ{verb_th}คำขอของตนเองไม่ได้",
                                  f"Whoever recorded a claim may not {verb_en} it"))
    if claim.status != "claimed":
        raise OpRefused(invalid("คำขอนี้ได้รับการพิจารณาแล้ว",
                                "This claim has already been decided", "claim_id"))


def welfare_approve(ctx: Context) -> None:
    """The committee approves an amount: up to the rule's suggestion as it stands now freely,
    above it only with a reason (which a claim the rules refused always needs)."""
    claim = _claim(ctx)
    _decide(ctx, claim, "อนุมัติ", "approve")
    assessment = store.assess(ctx.group, claim.member, claim.benefit_type, claim.event_date,
                              claim.nights, ctx.today, exclude=claim.id)
    suggested = assessment.suggested_satang if assessment else 0
    amount, reason = ctx.payload["amount_satang"], _text(ctx, "reason")
    ctx.books_said = {"suggested_satang": suggested}
    if amount > suggested and not reason:
        raise OpRefused(invalid("อนุมัติเกินจำนวนตามระเบียบได้เมื่อระบุเหตุผลเท่านั้น",
                                "Approving more than the rules suggest needs a reason",
                                "reason"))
    claim.status, claim.approved_satang = "approved", amount
    claim.suggested_satang = suggested
    claim.decision_reason = reason or None
    claim.decided_by, claim.decided_on = ctx.actor.user.id, ctx.op.business_date
    claim.version += 1
    claim.save()


def welfare_refuse(ctx: Context) -> None:
    claim = _claim(ctx)
    _decide(ctx, claim, "ปฏิเสธ", "refuse")
    reason = _text(ctx, "reason")
    if not reason:
        raise OpRefused(invalid("กรุณาระบุเหตุผลที่ไม่อนุมัติ", "Please give the reason",
                                "reason"))
    claim.status, claim.decision_reason = "refused", reason
    claim.decided_by, claim.decided_on = ctx.actor.user.id, ctx.op.business_date
    claim.version += 1
    claim.save()


def welfare_pay(ctx: Context) -> None:
    """Cash out of the box: Dr welfare fund 3300 / Cr cash 1010, with a receipt."""
    claim = _claim(ctx)
    paid_before = store.payment_of(claim) is not None
    amount = claim.approved_satang if claim.status in ("approved", "paid") else None
    cash = ledger.balance_of(ctx.group.id, books.CASH)
    fund = store.fund_balance(ctx.group.id)
    ctx.books_said = {"claim_status": claim.status, "cash_satang": cash, "fund_satang": fund}
    if paid_before or amount is None:
        amount = amount or claim.suggested_satang
        if not amount:
            raise OpRefused(invalid("คำขอนี้ยังไม่ได้อนุมัติ จึงยังไม่มีจำนวนเงินที่จะจ่าย",
                                    "This claim is not approved, so there is no amount to pay",
                                    "claim_id"))
        ctx.flag("welfare_rule",
                 "จ่ายสวัสดิการที่จ่ายไปแล้วหรือยังไม่ได้อนุมัติ เงินพักไว้ในบัญชีรอตรวจสอบ",
                 "The claim was paid already or is not approved; the cash is held in suspense")
        ctx.post(books.transfer(books.SUSPENSE, books.CASH, amount), member=claim.member_id,
                 memo=claim.id)
        return
    if not claim.decision_reason:
        assessment = store.assess(ctx.group, claim.member, claim.benefit_type,
                                  claim.event_date, claim.nights, ctx.today, exclude=claim.id)
        if assessment is None or amount > assessment.suggested_satang:
            ctx.flag("welfare_rule", "จำนวนเงินเกินที่ระเบียบให้จ่ายได้ในตอนนี้",
                     "The amount is more than the rules allow now")
    if fund < amount:
        ctx.flag("overdrawn", "เงินกองทุนสวัสดิการไม่พอจ่าย",
                 "The welfare fund holds less than this benefit")
    if cash < amount:
        ctx.flag("overdrawn", "เงินสดในมือไม่พอจ่ายสวัสดิการ",
                 "The cash box holds less than this benefit")
    ctx.post(books.transfer(books.WELFARE_FUND, books.CASH, amount), member=claim.member_id,
             memo=claim.id)
    claim.status, claim.paid_on, claim.paid_by = "paid", ctx.posting_date, ctx.actor.user.id
    claim.version += 1
    claim.save()


def undo_welfare_payment(target: SyncOp, txns: list[JournalTxn]) -> None:
    """A voided payment leaves the claim approved again, so it can be paid once more (a void
    of money held in suspense changes nothing of the claim). Called before the reversal."""
    if target.type != "welfare.pay":
        return
    lines = [line for txn in txns for line in ledger.lines_of(txn)]
    if not any(line.account == books.WELFARE_FUND for line in lines):
        return
    claim = store.claim_of(target.group_id, json.loads(target.payload).get("claim_id"))
    if claim is None or claim.status != "paid":
        return
    claim.status, claim.paid_on, claim.paid_by = "approved", None, None
    claim.version += 1
    claim.save()
