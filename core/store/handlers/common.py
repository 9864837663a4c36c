"""What the handlers share: finding a group's member, refusing what cannot be applied."""

from core.errors import OpRefused, invalid
from core.store.db import select_one
from core.store.models import Member
from core.store.operations import Context


def find_member(ctx: Context, member_id: str | None = None, *, active: bool = True) -> Member:
    member_id = member_id or ctx.payload["member_id"]
    member = select_one(Member, '"id" = ? AND "group_id" = ?', (member_id, ctx.group.id))
    if member is None:
        raise OpRefused(invalid("ไม่พบสมาชิกคนนี้ในกลุ่ม", "Unknown member in this group",
                                "member_id"))
    if active and member.status != "active":
        raise OpRefused(invalid("สมาชิกคนนี้ลาออกแล้ว", "This member has left the group",
                                "member_id"))
    return member


def not_yet(ctx: Context) -> None:
    raise OpRefused(invalid("ระบบยังไม่รองรับรายการประเภทนี้",
                            "This kind of entry is not supported yet", "type"))
