"""Which applied operations tell someone, and what: called inside the op's transaction.

A member hears of every entry of theirs (a receipt with the new balance, read from the cached
balance the posting just moved), of their loan's approval and of their welfare claim's steps;
the group's committee and field staff hear of every entry flagged for review.

This runs for every op of a sync push, so it stays cheap: op types that tell nobody cost
nothing, and the others cost one query that finds the member's sign-ins together with the
figure the notice needs (none found: nothing more is done), then one insert per person.
"""

import base64
import hashlib

from core import books
from core.money import format_baht
from core.policy import share_price, with_defaults
from core.store.db import run_sql
from core.store.models import JournalTxn, Loan, User, UserGroup, WelfareClaim
from core.store.notices import queue
from core.thaidate import add_months, format_date
from core.welfare import benefit_of

MEMBER_PAGE = "/me"  # the member's own passbook
REVIEWERS = ("committee", "staff")

# What a member's entry is called, for a voided entry's notice.
ENTRY_NAMES = {
    "savings.deposit": ("ฝากเงินออม", "savings deposit"),
    "savings.withdraw": ("ถอนเงินออม", "savings withdrawal"),
    "shares.buy": ("ซื้อหุ้น", "share purchase"),
    "fine.charge": ("ค่าปรับ", "fine"),
    "fine.pay": ("ชำระค่าปรับ", "fine payment"),
    "welfare.contribute": ("เงินสมทบสวัสดิการ", "welfare contribution"),
    "loan.disburse": ("จ่ายเงินกู้", "loan payout"),
    "loan.repay": ("ชำระเงินกู้", "loan repayment"),
    "loan.write_off": ("ตัดหนี้สูญ", "loan write-off"),
    "welfare.pay": ("จ่ายสวัสดิการ", "welfare payment"),
}


def topic_for(prefix: str, item_id: str) -> str:
    """A push topic for one item: a newer notice with it replaces the older on the phone.
    Web Push allows 32 characters of the base64url alphabet, so the id is hashed to 22."""
    digest = hashlib.sha256(item_id.encode()).digest()[:16]
    return f"{prefix}-{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"


def on_applied(ctx) -> None:
    """Queue the notices an applied op causes (a receipt to the member, review items to the
    committee and field staff...). Runs in the op's transaction, after its handler."""
    writer = _WRITERS.get(ctx.op.type)
    if writer is not None:
        writer(ctx)
    if ctx.sync_op.status == "needs_review":
        _review(ctx)


def _tell(user_ids, kind: str, title: tuple[str, str], body: tuple[str, str], *,
          group_id: str, url: str = MEMBER_PAGE, topic: str | None = None) -> None:
    for user_id in user_ids:
        queue(user_id, kind, title=title, body=body, url=url, group_id=group_id, topic=topic)


# ------------------------------------------------------------------------- receipts


def _holders(group_id: str, key: str) -> tuple[list[int], int]:
    """The active sign-ins of the member who owns the account, and its balance as a person
    reads it, in one query."""
    # Plain SQL: this runs for every money op of a 500-op push, where building the query
    # with Peewee each time cost more than the rest of the receipt.
    rows = run_sql('SELECT u."id", a."balance", a."kind" FROM "account" a JOIN "user" u '
                   'ON u."member_id" = a."member_id" WHERE a."group_id" = ? AND a."key" = ? '
                   'AND u."active" = ?', (group_id, key, True)).fetchall()
    if not rows:
        return [], 0
    return [row[0] for row in rows], books.natural_balance(rows[0][2], rows[0][1])


def _receipt(code: str, title: tuple[str, str], th: str, en: str, *, amount=None):
    """A receipt for money on one of the member's own accounts; `th`/`en` are formatted with
    the amount and the account's new balance."""
    def write(ctx) -> None:
        member_id = ctx.payload["member_id"]
        users, balance = _holders(ctx.group.id, books.account_key(code, member_id))
        if not users:
            return
        paid = amount(ctx) if amount else ctx.payload["amount_satang"]
        figures = {"amount": format_baht(paid), "balance": format_baht(balance),
                   "shares": ctx.payload.get("shares")}
        _tell(users, "receipt", title, (th.format(**figures), en.format(**figures)),
              group_id=ctx.group.id)
    return write


def _share_amount(ctx) -> int:
    return ctx.payload["shares"] * share_price(with_defaults(ctx.group.policy))


def _flagged(ctx, reason: str) -> bool:
    return any(flag.reason == reason for flag in ctx.flags)


def _loan_repaid(ctx) -> None:
    if _flagged(ctx, "loan_state"):  # held in suspense: the loan itself did not move
        return
    loan_id = ctx.payload["loan_id"]
    users, left = _holders(ctx.group.id, books.account_key(books.LOANS, loan_id))
    if not users:
        return
    amount = format_baht(ctx.payload["amount_satang"])
    if left <= 0:
        body = (f"รับชำระเงินกู้ {amount} แล้ว ปิดบัญชีเงินกู้เรียบร้อย",
                f"Loan repayment of {amount} received. The loan is paid off")
    else:
        body = (f"รับชำระเงินกู้ {amount} แล้ว เงินต้นคงเหลือ {format_baht(left)}",
                f"Loan repayment of {amount} received. Principal still owed "
                f"{format_baht(left)}")
    _tell(users, "receipt", ("รับชำระเงินกู้แล้ว", "Loan repayment received"), body,
          group_id=ctx.group.id, topic=topic_for("loan", loan_id))


def _loan_paid_out(ctx) -> None:
    if _flagged(ctx, "loan_state"):
        return
    loan_id = ctx.payload["loan_id"]
    users, principal = _holders(ctx.group.id, books.account_key(books.LOANS, loan_id))
    if not users:
        return
    first_due = add_months(ctx.posting_date, 1)
    amount = format_baht(principal)
    _tell(users, "receipt", ("รับเงินกู้แล้ว", "Loan paid out"),
          (f"จ่ายเงินกู้ {amount} แล้ว ชำระคืนงวดแรกวันที่ {format_date(first_due, 'th')}",
           f"Your loan of {amount} was paid out. The first instalment is due on "
           f"{format_date(first_due, 'en')}"),
          group_id=ctx.group.id, topic=topic_for("loan", loan_id))


def _loan_approved(ctx) -> None:
    loan_id = ctx.payload["loan_id"]
    rows = list(User.select(User.id, Loan.principal)
                .join(Loan, on=(Loan.member == User.member))
                .where((Loan.id == loan_id) & (User.active == True))  # noqa: E712
                .tuples())
    if not rows:
        return
    amount = format_baht(rows[0][1])
    _tell([row[0] for row in rows], "loan", ("อนุมัติเงินกู้แล้ว", "Loan approved"),
          (f"คณะกรรมการอนุมัติเงินกู้ {amount} แล้ว รอรับเงินจากเหรัญญิก",
           f"The committee approved your loan of {amount}; the treasurer will pay it out"),
          group_id=ctx.group.id, topic=topic_for("loan", loan_id))


# --------------------------------------------------------------------------- welfare


def _claim_writer(step: str):
    def write(ctx) -> None:
        if step == "paid" and ctx.books_said.get("claim_status") != "approved":
            return  # paid twice or before approval: held in suspense, the committee looks
        claim_id = ctx.payload["claim_id"]
        rows = list(User.select(User.id, WelfareClaim.benefit_type,
                                WelfareClaim.approved_satang, WelfareClaim.decision_reason)
                    .join(WelfareClaim, on=(WelfareClaim.member == User.member))
                    .where((WelfareClaim.id == claim_id)
                           & (User.active == True))  # noqa: E712
                    .tuples())
        if not rows:
            return
        _user, code, approved, reason = rows[0]
        benefit = benefit_of(with_defaults(ctx.group.policy)["welfare"], code) or {}
        name = (benefit.get("name_th") or code, benefit.get("name_en") or code)
        title, body = _claim_texts(step, name, format_baht(approved or 0), reason or "")
        _tell([row[0] for row in rows], "welfare", title, body, group_id=ctx.group.id,
              topic=topic_for("claim", claim_id))
    return write


def _claim_texts(step: str, name: tuple[str, str], amount: str, reason: str):
    th, en = name
    if step == "received":
        return (("รับคำขอสวัสดิการแล้ว", "Welfare claim received"),
                (f"รับคำขอรับสวัสดิการ{th}แล้ว รอคณะกรรมการพิจารณา",
                 f"Your claim for the {en} benefit was received; it waits for the committee"))
    if step == "approved":
        return (("อนุมัติสวัสดิการแล้ว", "Welfare claim approved"),
                (f"คณะกรรมการอนุมัติสวัสดิการ{th} {amount} แล้ว รอรับเงินจากเหรัญญิก",
                 f"The committee approved {amount} for your {en} claim; the treasurer will "
                 f"pay it"))
    if step == "refused":
        return (("ไม่อนุมัติสวัสดิการ", "Welfare claim refused"),
                (f"คำขอรับสวัสดิการ{th}ไม่ได้รับอนุมัติ เหตุผล: {reason}",
                 f"Your claim for the {en} benefit was refused. Reason: {reason}"))
    return (("จ่ายสวัสดิการแล้ว", "Welfare benefit paid"),
            (f"จ่ายสวัสดิการ{th} {amount} แล้ว", f"The {en} benefit of {amount} was paid"))


# ----------------------------------------------------------------------------- voids


def _voided(ctx) -> None:
    """The member whose entry was voided hears which one and why (one query)."""
    original = JournalTxn.alias()
    rows = list(JournalTxn.select(User.id, original.kind)
                .join(original, on=(JournalTxn.reverses == original.id))
                .join(User, on=(User.member == JournalTxn.member))
                .where((JournalTxn.op == ctx.sync_op.id)
                       & (User.active == True))  # noqa: E712
                .tuples())
    if not rows:
        return
    reason = " ".join(ctx.payload["reason"].split())
    th, en = ENTRY_NAMES.get(rows[0][1], ("รายการ", "entry"))
    users = list(dict.fromkeys(row[0] for row in rows))
    _tell(users, "void", ("ยกเลิกรายการ", "Entry voided"),
          (f"รายการ{th}ถูกยกเลิก เหตุผล: {reason}", f"Your {en} was voided. Reason: {reason}"),
          group_id=ctx.group.id)


# ---------------------------------------------------------------------------- reviews


def _reviewers(ctx) -> list[int]:
    """The group's committee and field staff. Kept on the group object, which a sync push
    shares between all its ops, so a push of many flagged entries asks once."""
    cached = getattr(ctx.group, "_notice_reviewers", None)
    if cached is None:
        cached = [user_id for (user_id,) in
                  User.select(User.id).join(UserGroup)
                  .where((UserGroup.group == ctx.group.id) & User.role.in_(REVIEWERS)
                         & (User.active == True))  # noqa: E712
                  .tuples()]
        ctx.group._notice_reviewers = cached
    return cached


def _review(ctx) -> None:
    """One notice per reviewer for a request: a push of 300 entries flagged at once tells
    each of them once (with the first reason); the review queue lists every item."""
    if getattr(ctx.group, "_notice_review_told", False):
        return
    users = [u for u in _reviewers(ctx) if u != ctx.actor.user.id]  # who recorded it knows
    if not users:
        return
    ctx.group._notice_review_told = True
    th, en = ctx.sync_op.message_th or "", ctx.sync_op.message_en or ""
    _tell(users, "review", (f"รายการรอตรวจสอบ · {ctx.group.name}",
                            f"Needs review · {ctx.group.name}"),
          (th, en), group_id=ctx.group.id, url=f"/groups/{ctx.group.id}/reviews",
          topic=topic_for("review", ctx.group.id))


_WRITERS = {
    "savings.deposit": _receipt(
        books.SAVINGS, ("รับเงินออมแล้ว", "Savings received"),
        "รับเงินออม {amount} แล้ว ยอดออมทรัพย์ {balance}",
        "Savings deposit of {amount} received. Savings balance {balance}"),
    "savings.withdraw": _receipt(
        books.SAVINGS, ("ถอนเงินออมแล้ว", "Savings withdrawn"),
        "ถอนเงินออม {amount} แล้ว ยอดออมทรัพย์คงเหลือ {balance}",
        "{amount} withdrawn from savings. Savings balance {balance}"),
    "shares.buy": _receipt(
        books.SHARES, ("ซื้อหุ้นแล้ว", "Shares bought"),
        "ซื้อหุ้น {shares} หุ้น เป็นเงิน {amount} แล้ว ทุนเรือนหุ้นรวม {balance}",
        "{shares} shares bought for {amount}. Shares held {balance}", amount=_share_amount),
    "fine.charge": _receipt(
        books.FINES_DUE, ("ค่าปรับ", "Fine charged"),
        "มีค่าปรับ {amount} ค่าปรับค้างชำระรวม {balance}",
        "A fine of {amount} was charged. Fines owed {balance}"),
    "fine.pay": _receipt(
        books.FINES_DUE, ("รับชำระค่าปรับแล้ว", "Fine paid"),
        "รับชำระค่าปรับ {amount} แล้ว ค่าปรับค้างชำระ {balance}",
        "Fine payment of {amount} received. Fines still owed {balance}"),
    "welfare.contribute": _receipt(
        books.WELFARE_FUND, ("รับเงินสมทบแล้ว", "Contribution received"),
        "รับเงินสมทบสวัสดิการ {amount} แล้ว เงินสมทบสะสม {balance}",
        "Welfare contribution of {amount} received. Contributed so far {balance}"),
    "loan.repay": _loan_repaid,
    "loan.disburse": _loan_paid_out,
    "loan.approve": _loan_approved,
    "welfare.claim": _claim_writer("received"),
    "welfare.approve": _claim_writer("approved"),
    "welfare.refuse": _claim_writer("refused"),
    "welfare.pay": _claim_writer("paid"),
    "void": _voided,
}
