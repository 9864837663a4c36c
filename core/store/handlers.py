"""What each op type does to the books. A handler reads state, checks the group's rules,
posts through the ledger, and flags what a person must look at; it raises OpRefused to refuse.

Loans, welfare claims and meetings get their handlers with their own issues; until then those
types are refused with a clear reason rather than half-applied.
"""

import json

from core import books
from core.errors import OpRefused, invalid
from core.identity import IdentityError, normalize_national_id, normalize_phone
from core.policy import share_price, with_defaults
from core.store import ledger
from core.store.counters import member_no_counter, next_value
from core.store.models import JournalTxn, Member, MemberChange, SyncOp
from core.store.operations import ACCEPTED, NEEDS_REVIEW, Context

MEMBER_FIELDS = ("name", "national_id", "birth_date", "phone", "address", "beneficiaries",
                 "gender")


def _member(ctx: Context, member_id: str | None = None, *, active: bool = True) -> Member:
    member_id = member_id or ctx.payload["member_id"]
    member = Member.get_or_none((Member.id == member_id) & (Member.group == ctx.group.id))
    if member is None:
        raise OpRefused(invalid("ไม่พบสมาชิกคนนี้ในกลุ่ม", "Unknown member in this group",
                                "member_id"))
    if active and member.status != "active":
        raise OpRefused(invalid("สมาชิกคนนี้ลาออกแล้ว", "This member has left the group",
                                "member_id"))
    return member


def _possible_duplicate(ctx: Context, member: Member, amount: int) -> None:
    """The same money entry from another device on the same day is worth a second look."""
    candidates = SyncOp.select(SyncOp.payload, SyncOp.device).where(
        (SyncOp.group == ctx.group.id) & (SyncOp.type == ctx.op.type)
        & (SyncOp.business_date == ctx.op.business_date)
        & (SyncOp.status.in_((ACCEPTED, NEEDS_REVIEW))) & (SyncOp.id != ctx.sync_op.id)
        & (SyncOp.device != ctx.actor.device_id))
    for row in candidates:
        payload = json.loads(row.payload)
        if payload.get("member_id") == member.id and payload.get("amount_satang") == amount:
            ctx.flag("possible_duplicate",
                     "มีรายการเดียวกันจากอีกเครื่องในวันเดียวกัน",
                     "The same entry was recorded on another device that day")
            return


def _receive(credit_code: str):
    """Money a member brings to the cash box, credited to one of their accounts."""
    def handler(ctx: Context) -> None:
        member = _member(ctx)
        amount = ctx.payload["amount_satang"]
        if ctx.actor.device_id:
            _possible_duplicate(ctx, member, amount)
        ctx.post(books.transfer(books.CASH, books.account_key(credit_code, member.id), amount),
                 member=member.id)
    return handler


def savings_withdraw(ctx: Context) -> None:
    member = _member(ctx)
    amount = ctx.payload["amount_satang"]
    key = books.account_key(books.SAVINGS, member.id)
    savings = -ledger.balance_of(ctx.group.id, key)
    ctx.books_said = {"savings_satang": savings}
    if amount > savings:
        ctx.flag("overdrawn", "ยอดถอนมากกว่าเงินออมคงเหลือ",
                 "The withdrawal is more than the savings balance")
    ctx.post(books.transfer(key, books.CASH, amount), member=member.id)


def shares_buy(ctx: Context) -> None:
    member = _member(ctx)
    amount = ctx.payload["shares"] * share_price(with_defaults(ctx.group.policy))
    ctx.post(books.transfer(books.CASH, books.account_key(books.SHARES, member.id), amount),
             member=member.id, memo=f"{ctx.payload['shares']}")


def fine_charge(ctx: Context) -> None:
    member = _member(ctx)
    ctx.post(books.transfer(books.account_key(books.FINES_DUE, member.id), books.FINE_INCOME,
                            ctx.payload["amount_satang"]),
             member=member.id, memo=ctx.payload.get("reason") or "", receipt=False)


def group_income(ctx: Context) -> None:
    ctx.post(books.transfer(books.CASH, books.OTHER_INCOME, ctx.payload["amount_satang"]),
             memo=ctx.payload["category"])


def group_expense(ctx: Context) -> None:
    ctx.post(books.transfer(books.EXPENSES, books.CASH, ctx.payload["amount_satang"]),
             memo=ctx.payload["category"])


def void(ctx: Context) -> None:
    target = SyncOp.get_or_none((SyncOp.op_id == ctx.payload["target_op_id"])
                                & (SyncOp.group == ctx.group.id))
    if target is None or target.status not in (ACCEPTED, NEEDS_REVIEW):
        raise OpRefused(invalid("ไม่พบรายการที่จะยกเลิก", "No such entry to void",
                                "target_op_id"))
    txns = [t for t in JournalTxn.select().where(
        (JournalTxn.op == target.id) & JournalTxn.reverses.is_null())]
    if not txns:
        raise OpRefused(invalid("รายการนี้ไม่มีผลต่อบัญชี ยกเลิกไม่ได้",
                                "This entry moved no money and cannot be voided",
                                "target_op_id"))
    if ctx.actor.user.role == "treasurer" and target.business_date != ctx.today:
        raise OpRefused(invalid(
            "เหรัญญิกยกเลิกได้เฉพาะรายการของวันนี้ รายการเก่าต้องให้คณะกรรมการแก้ไข",
            "A treasurer may void only today's entries; older ones go to the committee",
            "target_op_id"))
    for txn in txns:
        ledger.reverse(txn, business_date=ctx.posting_date, memo=ctx.payload["reason"],
                       op=ctx.sync_op, user=ctx.actor.user)


def _clean_member_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    try:
        if cleaned.get("national_id"):
            cleaned["national_id"] = normalize_national_id(cleaned["national_id"])
        if cleaned.get("phone"):
            cleaned["phone"] = normalize_phone(cleaned["phone"])
    except IdentityError as error:
        raise OpRefused(invalid(error.message_th, error.message_en, error.code)) from error
    if "name" in cleaned and not str(cleaned["name"]).strip():
        raise OpRefused(invalid("กรุณากรอกชื่อ", "Please enter a name", "name"))
    return cleaned


def member_create(ctx: Context) -> None:
    payload = ctx.payload
    if Member.get_or_none(Member.id == payload["member_id"]):
        raise OpRefused(invalid("มีสมาชิกรหัสนี้แล้ว", "A member with this id exists",
                                "member_id"))
    fields = _clean_member_fields({k: payload.get(k) for k in MEMBER_FIELDS})
    same = Member.select().where(Member.group == ctx.group.id)
    if fields.get("national_id") and same.where(
            Member.national_id == fields["national_id"]).exists():
        ctx.flag("possible_duplicate_member", "เลขประจำตัวประชาชนซ้ำกับสมาชิกที่มีอยู่",
                 "The national id matches an existing member")
    elif fields.get("birth_date") and same.where(
            (Member.name == fields["name"].strip())
            & (Member.birth_date == fields["birth_date"])).exists():
        ctx.flag("possible_duplicate_member", "ชื่อและวันเกิดตรงกับสมาชิกที่มีอยู่",
                 "The name and birth date match an existing member")
    Member.create(id=payload["member_id"], group=ctx.group.id,
                  member_no=next_value(member_no_counter(ctx.group.id)),
                  joined_on=payload["joined_on"], **{**fields, "name": fields["name"].strip()})


def member_update(ctx: Context) -> None:
    member = _member(ctx, active=False)
    changes = {k: v for k, v in ctx.payload["fields"].items()}
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown or not changes:
        raise OpRefused(invalid("แก้ไขได้เฉพาะข้อมูลประวัติสมาชิก",
                                "Only profile fields can be edited", "fields"))
    changes = _clean_member_fields(changes)
    base = ctx.op.base_version
    if base is not None and base < member.version:
        touched = set()
        for change in MemberChange.select().where(
                (MemberChange.member == member.id) & (MemberChange.version > base)):
            touched |= set(change.fields)
        if touched & set(changes):
            ctx.books_said = {"version": member.version,
                              "fields": {k: getattr(member, k) for k in touched & set(changes)}}
            ctx.flag("edit_conflict", "มีการแก้ไขข้อมูลเดียวกันจากอีกเครื่อง",
                     "The same fields were edited on another device")
    before = {k: _plain(getattr(member, k)) for k in changes}
    for name, value in changes.items():
        setattr(member, name, value)
    member.version += 1
    member.save()
    MemberChange.create(group=ctx.group.id, member=member.id, version=member.version,
                        op=ctx.sync_op.id,
                        fields={k: [before[k], _plain(v)] for k, v in changes.items()})


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def member_exit(ctx: Context) -> None:
    member = _member(ctx)
    member.status, member.exited_on = "exited", ctx.op.business_date
    member.version += 1
    member.save()


def not_yet(ctx: Context) -> None:
    raise OpRefused(invalid("ระบบยังไม่รองรับรายการประเภทนี้",
                            "This kind of entry is not supported yet", "type"))


HANDLERS = {
    "member.create": member_create,
    "member.update": member_update,
    "member.exit": member_exit,
    "savings.deposit": _receive(books.SAVINGS),
    "savings.withdraw": savings_withdraw,
    "shares.buy": shares_buy,
    "fine.charge": fine_charge,
    "fine.pay": _receive(books.FINES_DUE),
    "welfare.contribute": _receive(books.WELFARE_FUND),
    "group.income": group_income,
    "group.expense": group_expense,
    "void": void,
}
for _type in ("loan.apply", "loan.approve", "loan.disburse", "loan.repay", "welfare.claim",
              "welfare.approve", "welfare.pay", "meeting.open", "meeting.close"):
    HANDLERS.setdefault(_type, not_yet)
