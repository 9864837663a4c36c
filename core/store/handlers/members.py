"""Member ops: register, edit (with edit-conflict detection on stale versions), exit (paying
out savings and share capital in the same op, so a void of the exit reverses the payout)."""

import re

from core import books
from core.errors import OpRefused, invalid
from core.identity import IdentityError, normalize_national_id, normalize_phone
from core.ops import parse_iso_date
from core.store.counters import member_no_counter, next_value
from core.store.handlers.common import find_member
from core.store.members import exit_figures
from core.store.models import Member, MemberChange
from core.store.operations import Context
from core.welfare import VULNERABLE

MEMBER_FIELDS = ("name", "national_id", "birth_date", "phone", "address", "beneficiaries",
                 "gender", "vulnerable")
EDITABLE = (*MEMBER_FIELDS, "joined_on")  # a mistyped join date can be put right
ADDRESS_PARTS = ("house_no", "moo", "soi", "road", "tambon", "amphoe", "changwat", "postcode")
GENDERS = ("female", "male", "other")
MAX_BENEFICIARIES = 2
MAX_NAME = 200
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _refuse(th: str, en: str, field: str):
    raise OpRefused(invalid(th, en, field))


def _clean_member_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    if "name" in cleaned:
        if cleaned["name"] is not None and not isinstance(cleaned["name"], str):
            _refuse("ชื่อต้องเป็นข้อความ", "The name must be text", "name")
        name = " ".join((cleaned["name"] or "").split())
        if not name:
            _refuse("กรุณากรอกชื่อ", "Please enter a name", "name")
        if len(name) > MAX_NAME:
            _refuse("ชื่อยาวเกินไป", "The name is too long", "name")
        cleaned["name"] = name
    for name, normalize in (("national_id", normalize_national_id), ("phone", normalize_phone)):
        if cleaned.get(name):
            if not isinstance(cleaned[name], str):
                _refuse("รูปแบบไม่ถูกต้อง", "Not valid", name)
            try:
                cleaned[name] = normalize(cleaned[name])
            except IdentityError as error:
                raise OpRefused(invalid(error.message_th, error.message_en, name)) from error
        elif name in cleaned:
            cleaned[name] = None
    for name in ("birth_date", "joined_on"):
        if cleaned.get(name) is not None and parse_iso_date(cleaned[name]) is None:
            _refuse("วันที่ไม่ถูกต้อง", "Not a valid date", name)
    if "joined_on" in cleaned and cleaned["joined_on"] is None:
        _refuse("กรุณากรอกวันที่เข้าเป็นสมาชิก", "Please enter the date of joining", "joined_on")
    if cleaned.get("gender") is not None and cleaned["gender"] not in GENDERS:
        if cleaned["gender"] == "":
            cleaned["gender"] = None
        else:
            _refuse("เพศไม่ถูกต้อง", "Unknown gender", "gender")
    if "address" in cleaned:
        cleaned["address"] = _clean_address(cleaned["address"])
    if "beneficiaries" in cleaned:
        cleaned["beneficiaries"] = _clean_beneficiaries(cleaned["beneficiaries"])
    if "vulnerable" in cleaned:
        cleaned["vulnerable"] = _clean_vulnerable(cleaned["vulnerable"])
    return cleaned


def _clean_vulnerable(groups) -> list | None:
    """The vulnerable groups the support institute counts (disabled, orphan, disadvantaged)."""
    if not groups:
        return None
    if not isinstance(groups, list) or any(g not in VULNERABLE for g in groups):
        _refuse("กลุ่มเปราะบางไม่ถูกต้อง", "Unknown vulnerable group", "vulnerable")
    return [g for g in VULNERABLE if g in groups]


def _clean_address(address) -> dict | None:
    """Thai address parts (house no., หมู่, ซอย, ถนน, ตำบล, อำเภอ, จังหวัด, postcode)."""
    if not address:
        return None
    if not isinstance(address, dict) or set(address) - set(ADDRESS_PARTS):
        _refuse("ที่อยู่มีรายการที่ไม่รู้จัก", "The address has unknown parts", "address")
    parts = {}
    for part in ADDRESS_PARTS:
        value = address.get(part)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > MAX_NAME:
            _refuse("ที่อยู่ไม่ถูกต้อง", "The address is not valid", part)
        value = " ".join(value.split())
        if value:
            parts[part] = value
    if "postcode" in parts:
        postcode = parts["postcode"].translate(_THAI_DIGITS)
        if not re.fullmatch(r"[0-9]{5}", postcode):
            _refuse("รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก", "The postcode must be 5 digits",
                    "postcode")
        parts["postcode"] = postcode
    return parts or None


def _clean_beneficiaries(beneficiaries) -> list | None:
    """At most two people, each with a name and optionally their relation to the member."""
    if not beneficiaries:
        return None
    if not isinstance(beneficiaries, list) or len(beneficiaries) > MAX_BENEFICIARIES:
        _refuse("ระบุผู้รับสิทธิ์ได้ไม่เกิน 2 คน", "At most two beneficiaries", "beneficiaries")
    people = []
    for person in beneficiaries:
        if (not isinstance(person, dict) or set(person) - {"name", "relation"}
                or not all(isinstance(v, str | None) for v in person.values())):
            _refuse("ข้อมูลผู้รับสิทธิ์ไม่ถูกต้อง", "A beneficiary is not valid", "beneficiaries")
        name = " ".join((person.get("name") or "").split())
        relation = " ".join((person.get("relation") or "").split())
        if not name:
            _refuse("กรุณากรอกชื่อผู้รับสิทธิ์", "Please enter the beneficiary's name",
                    "beneficiaries")
        if len(name) > MAX_NAME or len(relation) > MAX_NAME:
            _refuse("ข้อมูลผู้รับสิทธิ์ยาวเกินไป", "A beneficiary's details are too long",
                    "beneficiaries")
        people.append({"name": name, "relation": relation})
    return people or None


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
            (Member.name == fields["name"])
            & (Member.birth_date == fields["birth_date"])).exists():
        ctx.flag("possible_duplicate_member", "ชื่อและวันเกิดตรงกับสมาชิกที่มีอยู่",
                 "The name and birth date match an existing member")
    Member.create(id=payload["member_id"], group=ctx.group.id,
                  member_no=next_value(member_no_counter(ctx.group.id)),
                  joined_on=payload["joined_on"], **fields)


def member_update(ctx: Context) -> None:
    member = find_member(ctx, active=False)
    changes = dict(ctx.payload["fields"])
    unknown = set(changes) - set(EDITABLE)
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
                              "fields": {k: _plain(getattr(member, k))
                                         for k in touched & set(changes)}}
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
    """The member leaves: savings and share capital are paid out of the cash box in this same
    op; a loan still owed or a fine still due must be settled first. The member stays in the
    books and the lists, marked exited."""
    member = find_member(ctx)
    reason = " ".join(ctx.payload["reason"].split())
    if not reason:
        _refuse("กรุณาระบุเหตุผลที่ลาออก", "Please give the reason for leaving", "reason")
    figures = exit_figures(ctx.group.id, member.id)
    ctx.books_said = figures
    if figures["loan_outstanding"] > 0:
        _refuse("สมาชิกยังมีเงินกู้ค้างชำระ ต้องชำระคืนก่อนลาออก",
                "The member still owes a loan; it must be repaid before leaving", "member_id")
    if figures["fines_due"] > 0:
        _refuse("สมาชิกยังมีค่าปรับค้างชำระ ต้องชำระก่อนลาออก",
                "The member still has fines due; they must be paid before leaving",
                "member_id")
    if figures["savings"] < 0 or figures["shares"] < 0:
        _refuse("ยอดเงินออมหรือหุ้นของสมาชิกติดลบ ต้องตรวจสอบก่อนลาออก",
                "The member's savings or shares are below zero; check them before leaving",
                "member_id")
    payouts = [(books.SAVINGS, figures["savings"]), (books.SHARES, figures["shares"])]
    for code, amount in payouts:
        if amount:
            ctx.post(books.transfer(books.account_key(code, member.id), books.CASH, amount),
                     member=member.id, memo=reason)
    member.status, member.exited_on = "exited", ctx.op.business_date
    member.version += 1
    member.save()
