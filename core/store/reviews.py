"""The review queue: ops applied but flagged, and how a person resolves them.

A resolution confirms the entry as it stands, or corrects it by voiding it (a reversal through
the one core operation); a correct entry, if one is needed, is then recorded like any other.
Each resolution takes a new server sequence number, so phones learn it at their next pull.
"""

import json
import uuid
from dataclasses import dataclass

from peewee import JOIN

from core.errors import OpRefused, Problem, invalid
from core.store.counters import SERVER_SEQ, next_value
from core.store.db import write_transaction
from core.store.models import AuditLog, Device, ReviewItem, SyncOp, User, utcnow
from core.store.operations import Actor, apply_operation
from core.thaidate import today_in

CONFIRM, VOID = "confirm", "void"


@dataclass(frozen=True)
class ReviewView:
    item: ReviewItem
    op: SyncOp
    payload: dict
    recorded_by: User | None
    device_label: str


def open_reviews(group_id: str, *, include_resolved: int = 20) -> list[ReviewView]:
    """Open items first (oldest first), then the latest resolved ones."""
    query = (ReviewItem.select(ReviewItem, SyncOp, User).join(SyncOp)
             .join(User, JOIN.LEFT_OUTER, on=(SyncOp.user == User.id))
             .where(ReviewItem.group == group_id))
    items = list(query.where(ReviewItem.state == "open").order_by(ReviewItem.id))
    items += list(query.where(ReviewItem.state != "open").order_by(ReviewItem.id.desc())
                  .limit(include_resolved))
    labels = dict(Device.select(Device.id, Device.label).where(
        Device.id.in_([i.op.device for i in items if i.op.device] or [""])).tuples())
    return [ReviewView(i, i.op, json.loads(i.op.payload or "{}"), i.op.user,
                       labels.get(i.op.device) or i.op.device or "") for i in items]


def resolve(item_id: int, group_id: str, user: User, action: str, note: str,
            device_id: str | None = None) -> Problem | None:
    """Confirm or void a flagged op, with the reason; None when done, else what is wrong."""
    note = " ".join((note or "").split())[:500]
    if not note:
        return invalid("กรุณาระบุเหตุผล", "Please give the reason", "note")
    if action not in (CONFIRM, VOID):
        return invalid("เลือกยืนยันหรือยกเลิกรายการ", "Choose to confirm or to void", "action")
    item = ReviewItem.get_or_none((ReviewItem.id == item_id) & (ReviewItem.group == group_id))
    if item is None or item.state != "open":
        return invalid("รายการนี้ได้รับการตรวจสอบแล้ว", "This item was already resolved")
    if action == VOID:
        op = item.op
        result = apply_operation(Actor(user, device_id), {
            "op_id": str(uuid.uuid4()), "group_id": group_id, "type": "void",
            "business_date": today_in(item.group.timezone).isoformat(),
            "payload": {"target_op_id": op.op_id, "reason": note}}, interactive=True)
        if not result.applied:
            return Problem(result.reason or "invalid", result.message_th or "",
                           result.message_en or "")
    try:
        with write_transaction():
            # every other open item of the same op is settled by the same decision
            for other in ReviewItem.select().where((ReviewItem.op == item.op_id)
                                                   & (ReviewItem.state == "open")):
                other.state = "confirmed" if action == CONFIRM else "corrected"
                other.resolved_by, other.resolved_at = user.id, utcnow()
                other.resolution_note = note
                other.server_seq = next_value(SERVER_SEQ)
                other.save()
            AuditLog.create(group=group_id, user=user.id, device=device_id,
                            action=f"review.{action}",
                            detail={"review_id": item.id, "op_id": item.op.op_id,
                                    "reason": item.reason, "note": note})
    except OpRefused as refusal:
        return refusal.problem
    return None
