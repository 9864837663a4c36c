"""The savings day: opening a meeting, and closing it with the counted cash.

Closing compares the cash counted in the box with the cash box's balance in the books and
posts any difference to the cash over-and-short account, so the books then match the box.
"""

from core import books
from core.errors import OpRefused, invalid
from core.store import ledger
from core.store.models import Meeting, utcnow
from core.store.operations import Context


def meeting_open(ctx: Context) -> None:
    if Meeting.get_or_none(Meeting.id == ctx.payload["meeting_id"]):
        raise OpRefused(invalid("มีการประชุมรหัสนี้แล้ว", "This meeting already exists",
                                "meeting_id"))
    Meeting.create(id=ctx.payload["meeting_id"], group=ctx.group.id, date=ctx.payload["date"],
                   opened_by=ctx.actor.user.id)


def meeting_close(ctx: Context) -> None:
    meeting = Meeting.get_or_none((Meeting.id == ctx.payload["meeting_id"])
                                  & (Meeting.group == ctx.group.id))
    if meeting is None:
        raise OpRefused(invalid("ไม่พบการประชุมนี้", "Unknown meeting", "meeting_id"))
    if meeting.status != "open":
        raise OpRefused(invalid("การประชุมนี้ปิดไปแล้ว", "This meeting is already closed",
                                "meeting_id"))
    counted = ctx.payload["counted_cash_satang"]
    if counted < 0:
        raise OpRefused(invalid("เงินสดที่นับได้ต้องไม่ติดลบ", "Counted cash cannot be negative",
                                "counted_cash_satang"))
    expected = ledger.balance_of(ctx.group.id, books.CASH)
    difference = counted - expected
    if difference:
        # Over: the box holds more than the books say; short: less.
        ctx.post(books.transfer(books.CASH, books.CASH_OVER_SHORT, difference), receipt=False,
                 memo="cash count")
    meeting.status, meeting.closed_by, meeting.closed_at = "closed", ctx.actor.user.id, utcnow()
    meeting.counted_cash, meeting.expected_cash = counted, expected
    meeting.save()
