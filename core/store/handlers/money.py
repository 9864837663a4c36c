"""Money a member brings or takes: savings, shares, fines, welfare contributions; group
income and expenses; and voids, which reverse an earlier entry."""

import json

from core import books
from core.errors import OpRefused, invalid
from core.policy import share_price, with_defaults
from core.store import ledger
from core.store.db import run_sql
from core.store.handlers.common import find_member
from core.store.handlers.loans import undo_on_void
from core.store.handlers.welfare import undo_welfare_payment
from core.store.models import JournalTxn, Meeting, Member, SyncOp
from core.store.operations import ACCEPTED, NEEDS_REVIEW, Context
from core.welfare import FUNDING_SOURCES

MEMBER_FIELDS = ("name", "national_id", "birth_date", "phone", "address", "beneficiaries",
                 "gender")


# The same day's money entries of this type for this member from other devices, found through
# the member's journal (indexed) rather than by reading every op of the group that day: an op
# of these types that was applied always posted a transaction for its member.
_SAME_DAY_FOR_MEMBER_SQL = (
    'SELECT s."payload" FROM "journal_txn" t JOIN "sync_op" s ON s."id" = t."op_id" '
    'WHERE t."member_id" = ? AND s."group_id" = ? AND s."type" = ? '
    'AND s."business_date" = ? AND s."status" IN (?, ?) AND s."id" <> ? AND s."device" <> ?')


def _possible_duplicate(ctx: Context, member: Member, amount: int) -> None:
    """The same money entry from another device on the same day is worth a second look."""
    candidates = run_sql(_SAME_DAY_FOR_MEMBER_SQL, (
        member.id, ctx.group.id, ctx.op.type,
        SyncOp.business_date.db_value(ctx.op.business_date), ACCEPTED, NEEDS_REVIEW,
        ctx.sync_op.id, ctx.actor.device_id))
    for (text,) in candidates.fetchall():
        payload = json.loads(text)
        if payload.get("member_id") == member.id and payload.get("amount_satang") == amount:
            ctx.flag("possible_duplicate",
                     "มีรายการเดียวกันจากอีกเครื่องในวันเดียวกัน",
                     "The same entry was recorded on another device that day")
            return


def receive(credit_code: str):
    """Money a member brings to the cash box, credited to one of their accounts."""
    def handler(ctx: Context) -> None:
        member = find_member(ctx)
        amount = ctx.payload["amount_satang"]
        if ctx.actor.device_id:
            _possible_duplicate(ctx, member, amount)
        ctx.post(books.transfer(books.CASH, books.account_key(credit_code, member.id), amount),
                 member=member.id)
    return handler


def savings_withdraw(ctx: Context) -> None:
    member = find_member(ctx)
    amount = ctx.payload["amount_satang"]
    key = books.account_key(books.SAVINGS, member.id)
    if ctx.actor.device_id:
        _possible_duplicate(ctx, member, amount)
    savings = -ledger.balance_of(ctx.group.id, key)
    ctx.books_said = {"savings_satang": savings}
    if amount > savings:
        ctx.flag("overdrawn", "ยอดถอนมากกว่าเงินออมคงเหลือ",
                 "The withdrawal is more than the savings balance")
    ctx.post(books.transfer(key, books.CASH, amount), member=member.id)


def shares_buy(ctx: Context) -> None:
    member = find_member(ctx)
    amount = ctx.payload["shares"] * share_price(with_defaults(ctx.group.policy))
    ctx.post(books.transfer(books.CASH, books.account_key(books.SHARES, member.id), amount),
             member=member.id, memo=f"{ctx.payload['shares']}")


def fine_charge(ctx: Context) -> None:
    member = find_member(ctx)
    ctx.post(books.transfer(books.account_key(books.FINES_DUE, member.id), books.FINE_INCOME,
                            ctx.payload["amount_satang"]),
             member=member.id, memo=ctx.payload.get("reason") or "", receipt=False)


def group_income(ctx: Context) -> None:
    """Income of the group. A welfare fund's income, and income whose category is "welfare"
    in any group, is the welfare fund's own (3300, kept apart from savings and from the
    group's profit); its `source` (members, local government, the support institute, other)
    and matching round stay on the op for the funders' report."""
    payload = ctx.payload
    if payload.get("source") is not None and payload["source"] not in FUNDING_SOURCES:
        raise OpRefused(invalid("ไม่รู้จักแหล่งเงินนี้", "Unknown source of funds", "source"))
    welfare = ctx.group.kind == "welfare" or payload["category"] == "welfare"
    ctx.post(books.transfer(books.CASH, books.WELFARE_FUND if welfare else books.OTHER_INCOME,
                            payload["amount_satang"]), memo=payload["category"])


def group_expense(ctx: Context) -> None:
    ctx.post(books.transfer(books.EXPENSES, books.CASH, ctx.payload["amount_satang"]),
             memo=ctx.payload["category"])


def void(ctx: Context) -> None:
    target = SyncOp.get_or_none((SyncOp.op_id == ctx.payload["target_op_id"])
                                & (SyncOp.group == ctx.group.id))
    if target is None or target.status not in (ACCEPTED, NEEDS_REVIEW):
        raise OpRefused(invalid("ไม่พบรายการที่จะยกเลิก", "No such entry to void",
                                "target_op_id"))
    if target.type == "year.close":  # the period is locked: a close is never undone by a void
        raise OpRefused(invalid("การปิดปีบัญชียกเลิกไม่ได้", "A year-end close cannot be voided",
                                "target_op_id"))
    txns = [t for t in JournalTxn.select().where(
        (JournalTxn.op == target.id) & JournalTxn.reverses.is_null())]
    if not txns:
        raise OpRefused(invalid("รายการนี้ไม่มีผลต่อบัญชี ยกเลิกไม่ได้",
                                "This entry moved no money and cannot be voided",
                                "target_op_id"))
    if ctx.actor.user.role != "committee" and not _still_open(ctx, txns[0]):
        raise OpRefused(invalid(
            "ยกเลิกได้เฉพาะรายการของการประชุมที่ยังเปิดอยู่ รายการเก่าต้องให้คณะกรรมการแก้ไข",
            "Only entries of the open meeting can be voided here; older ones go to the "
            "committee", "target_op_id"))
    undo_on_void(target, txns)
    undo_welfare_payment(target, txns)
    for txn in txns:
        ledger.reverse(txn, business_date=ctx.posting_date, memo=ctx.payload["reason"],
                       op=ctx.sync_op, user=ctx.actor.user)


def _still_open(ctx: Context, txn: JournalTxn) -> bool:
    """An entry of a meeting still open, or without a meeting, recorded today."""
    if txn.meeting_id:
        return Meeting.select().where((Meeting.id == txn.meeting_id)
                                      & (Meeting.status == "open")).exists()
    return txn.business_date == ctx.today
