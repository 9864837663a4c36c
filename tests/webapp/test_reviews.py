"""The review queue: a flagged op is shown with who, which device, when and what the books
said; the committee confirms or voids it with a reason; the phone learns it at its next pull."""

import re
import uuid

from core import books
from core.store import ledger
from core.store.models import AuditLog, ReviewItem
from core.store.operations import Actor, apply_operation
from tests.conftest import csrf_token, sign_in, today_iso


def _overdrawn(world):
    """A withdrawal of ฿80.00 recorded offline on a phone when the member has ฿50.00."""
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 5_000})
    result = apply_operation(Actor(world.users["treasurer"], "phone-1"), {
        "op_id": str(uuid.uuid4()), "group_id": world.group.id, "type": "savings.withdraw",
        "business_date": today_iso(world.group),
        "payload": {"member_id": world.member_id, "amount_satang": 8_000}})
    assert (result.status, result.reason) == ("needs_review", "overdrawn")
    return ReviewItem.get()


def test_the_committee_sees_the_item_and_voids_it_with_a_reason(client, world):
    item = _overdrawn(world)
    assert ledger.balance_of(world.group.id, books.CASH) == -3_000
    sign_in(client, "committee")
    page = f"/groups/{world.group.id}/reviews"
    html = client.get(page).get_data(as_text=True)
    assert "ยอดถอนมากกว่าเงินออมคงเหลือ" in html and "phone-1" in html and "฿80.00" in html
    assert "฿50.00" in html  # what the books said when it arrived
    token = csrf_token(client, page)
    no_reason = client.post(f"{page}/{item.id}", data={"csrf_token": token, "action": "void",
                                                       "note": " "})
    assert no_reason.status_code == 400 and "กรุณาระบุเหตุผล" in no_reason.get_data(as_text=True)
    done = client.post(f"{page}/{item.id}", data={"csrf_token": token, "action": "void",
                                                  "note": "ถอนเกิน บันทึกผิด"})
    assert done.status_code == 302
    item = ReviewItem.get_by_id(item.id)
    assert (item.state, item.resolution_note) == ("corrected", "ถอนเกิน บันทึกผิด")
    assert item.server_seq is not None  # the phone learns it at its next pull
    assert ledger.balance_of(world.group.id, books.CASH) == 5_000  # the withdrawal reversed
    assert AuditLog.select().where(AuditLog.action == "review.void").count() == 1
    again = client.post(f"{page}/{item.id}", data={"csrf_token": token, "action": "confirm",
                                                   "note": "ซ้ำ"})
    assert again.status_code == 400


def test_confirming_keeps_the_books_and_the_pull_reports_the_outcome(client, world):
    item = _overdrawn(world)
    sign_in(client, "staff")
    page = f"/groups/{world.group.id}/reviews"
    client.post(f"{page}/{item.id}", data={"csrf_token": csrf_token(client, page),
                                           "action": "confirm", "note": "จ่ายจริง ตรวจแล้ว"})
    assert ReviewItem.get_by_id(item.id).state == "confirmed"
    assert ledger.balance_of(world.group.id, books.CASH) == -3_000
    pulled = client.get("/api/v1/sync/pull?cursor=0&device_id=phone-9").get_json()
    states = {r["id"]: r["state"] for r in pulled["reviews"]}
    assert states[item.id] == "confirmed"
    assert re.search(r"Needs review|รอตรวจสอบ", client.get(page).get_data(as_text=True))
