"""The demo network: two groups with members, a month of entries, loan products, a welfare
scheme, and an account for every role. Every entry goes through the one core operation."""

import random
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from core import access, books
from core.store import groups as group_store
from core.store import ledger, users
from core.store.models import Member
from core.store.operations import Actor, apply_operation
from core.thaidate import today_in

FIRST_NAMES = ["สมชาย", "สมหญิง", "บุญมี", "มาลี", "ประยูร", "สมพร", "วิไล", "ทองดี", "จันทร์เพ็ญ",
               "สุดใจ", "อำนวย", "บุญเรือน", "ประเสริฐ", "สายใจ", "คำปั่น", "แก้ว", "เพ็ญศรี",
               "ไพโรจน์", "ลำดวน", "สุนทร"]
LAST_NAMES = ["ใจดี", "มีสุข", "ศรีสุข", "บุญมา", "ทองคำ", "แสงทอง", "คำมา", "ดวงดี", "พรมมา",
              "สุขใจ"]


def _password() -> str:
    return secrets.token_urlsafe(9)


def _op(group_id: str, op_type: str, day, payload: dict) -> dict:
    return {"op_id": str(uuid.uuid4()), "group_id": group_id, "type": op_type,
            "business_date": day.isoformat(), "payload": payload}


def load_demo(seed: int = 2569) -> dict:
    """Create the demo network and return what it made, as printed by `flask demo`."""
    rng = random.Random(seed)
    network = group_store.create_network("เครือข่ายออมทรัพย์ตำบลหนองบัว", "ขอนแก่น")
    savings_group = group_store.create_group(
        "กลุ่มออมทรัพย์บ้านหนองบัว", network_id=network.id, province="ขอนแก่น",
        policy={"savings": {"monthly_commitment_satang": 10_000,
                            "late_savings_fine_satang": 2_000}})
    welfare_group = group_store.create_group(
        "กองทุนสวัสดิการชุมชนตำบลหนองบัว", network_id=network.id, kind="welfare",
        province="ขอนแก่น")
    products = [
        group_store.create_product(savings_group.id, "เงินกู้สามัญ (ดอกเบี้ยคงที่)",
                                   name_en="Ordinary loan (flat)", method="flat",
                                   monthly_rate_bp=100, max_months=12, guarantors_needed=2,
                                   late_fine_satang=5_000),
        group_store.create_product(savings_group.id, "เงินกู้ลดต้นลดดอก",
                                   name_en="Declining-balance loan", method="declining",
                                   monthly_rate_bp=100, max_months=24, guarantors_needed=2,
                                   late_fine_satang=5_000),
    ]
    accounts = []

    def account(username, role, group_ids=(), member_id=None, name=""):
        password = _password() if role != access.MEMBER else f"{rng.randrange(10**6):06d}"
        user = users.create_user(username, password, role, group_ids=list(group_ids),
                                 display_name=name or username, member_id=member_id)
        accounts.append({"username": username, "password": password, "role": role,
                         "group": group_ids[0] if len(group_ids) == 1 else None,
                         "groups": list(group_ids)})
        return user

    account("admin", access.ADMIN, name="ผู้ดูแลระบบ")
    account("staff", access.STAFF, [savings_group.id, welfare_group.id], name="พี่เลี้ยงสมศรี")
    made = {}
    for prefix, group, size in (("savings", savings_group, 12), ("welfare", welfare_group, 10)):
        treasurer = account(f"{prefix}-treasurer", access.TREASURER, [group.id],
                            name="เหรัญญิก " + group.name)
        account(f"{prefix}-committee", access.COMMITTEE, [group.id],
                name="ประธาน " + group.name)
        made[group.id] = _record_month(group, treasurer, size, rng)
    first_member = Member.get((Member.group == savings_group.id) & (Member.member_no == 1))
    account("savings-member-1", access.MEMBER, [savings_group.id], member_id=first_member.id,
            name=first_member.name)
    return {
        "network": {"id": network.id, "name": network.name},
        "groups": [{"id": g.id, "name": g.name, "kind": g.kind, "members": made[g.id]}
                   for g in (savings_group, welfare_group)],
        "products": [{"id": p.id, "group_id": p.group_id, "method": p.method} for p in products],
        "accounts": accounts,
    }


def _record_month(group, treasurer, size: int, rng: random.Random) -> int:
    actor = Actor(treasurer, device_id="demo-loader")
    today = today_in(group.timezone, datetime.now(UTC))
    joined = today - timedelta(days=400)
    meeting_days = [today - timedelta(days=30), today - timedelta(days=1)]

    def apply(op_type, day, payload):
        result = apply_operation(actor, _op(group.id, op_type, day, payload))
        if not result.applied:
            raise RuntimeError(f"demo entry refused: {result.reason} {result.message_en}")

    member_ids = []
    for number in range(size):
        member_id = str(uuid.uuid4())
        member_ids.append(member_id)
        name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {rng.choice(LAST_NAMES)}"
        apply("member.create", joined, {"member_id": member_id, "name": name,
                                        "joined_on": joined.isoformat()})
    for day in meeting_days:
        meeting_id = str(uuid.uuid4())
        apply("meeting.open", day, {"meeting_id": meeting_id, "date": day.isoformat()})
        at_meeting = {"meeting_id": meeting_id}
        for member_id in member_ids:
            if group.kind != "welfare":
                apply("savings.deposit", day, {
                    "member_id": member_id, **at_meeting,
                    "amount_satang": rng.choice([10_000, 10_000, 20_000, 50_000])})
                if rng.random() < 0.3:
                    apply("shares.buy", day, {"member_id": member_id, **at_meeting,
                                              "shares": rng.randint(1, 4)})
            apply("welfare.contribute", day, {"member_id": member_id, "amount_satang": 3_000,
                                              **at_meeting})
        if group.kind != "welfare":
            apply("fine.charge", day, {"member_id": member_ids[-1], "amount_satang": 2_000,
                                       "reason": "ส่งเงินออมช้า"})
            apply("fine.pay", day, {"member_id": member_ids[-1], "amount_satang": 2_000,
                                    **at_meeting})
        apply("group.expense", day, {"amount_satang": 15_000, "category": "stationery",
                                     "note": "สมุดบัญชีและค่าถ่ายเอกสาร", **at_meeting})
        if day != meeting_days[-1]:  # the latest meeting is left open for the demo
            counted = ledger.balance_of(group.id, books.CASH) - rng.choice([0, 0, 500])
            apply("meeting.close", day, {"meeting_id": meeting_id,
                                         "counted_cash_satang": counted})
    return size
