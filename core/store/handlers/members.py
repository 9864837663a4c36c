"""Member ops: register, edit (with edit-conflict detection on stale versions), exit."""

from core.errors import OpRefused, invalid
from core.identity import IdentityError, normalize_national_id, normalize_phone
from core.store.counters import member_no_counter, next_value
from core.store.handlers.common import find_member
from core.store.models import Member, MemberChange
from core.store.operations import Context

MEMBER_FIELDS = ("name", "national_id", "birth_date", "phone", "address", "beneficiaries",
                 "gender")


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
    member = find_member(ctx, active=False)
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
    member = find_member(ctx)
    member.status, member.exited_on = "exited", ctx.op.business_date
    member.version += 1
    member.save()
