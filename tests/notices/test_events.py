"""What an applied op tells whom: receipts with the new balance, loan and claim steps, voids,
and review items to the group's committee and field staff."""

import uuid

from core.store import groups, users
from core.store.models import Notice
from core.store.notice_events import topic_for
from tests.conftest import World


def _notices(world, who, kind=None):
    query = Notice.select().where(Notice.user == world.users[who].id)
    if kind:
        query = query.where(Notice.kind == kind)
    return list(query.order_by(Notice.id))


def _th(notice):
    return notice.payload["body"]["th"]


def test_a_deposit_tells_the_member_the_amount_and_the_new_savings_balance(world):
    assert world.apply("savings.deposit", {"member_id": world.member_id,
                                           "amount_satang": 1_200_000}).status == "accepted"
    assert world.apply("savings.deposit", {"member_id": world.member_id,
                                           "amount_satang": 50_000}).status == "accepted"
    receipts = _notices(world, "member", "receipt")
    # ฿12,000.00 then ฿500.00: the savings account holds ฿12,500.00
    assert [_th(n) for n in receipts] == [
        "รับเงินออม ฿12,000.00 แล้ว ยอดออมทรัพย์ ฿12,000.00",
        "รับเงินออม ฿500.00 แล้ว ยอดออมทรัพย์ ฿12,500.00"]
    last = receipts[-1]
    assert last.payload["title"] == {"th": "รับเงินออมแล้ว", "en": "Savings received"}
    assert last.payload["body"]["en"] == ("Savings deposit of ฿500.00 received. "
                                          "Savings balance ฿12,500.00")
    assert last.payload["url"] == "/me" and last.group_id == world.group.id
    # the treasurer who recorded it, and everyone else, hear nothing of it
    assert Notice.select().where(Notice.user != world.users["member"].id).count() == 0


def test_a_member_without_a_sign_in_gets_no_receipt(world):
    no_account = world.add_member("สมชาย ไม่มีบัญชี")
    result = world.apply("savings.deposit", {"member_id": no_account, "amount_satang": 10_000})
    assert result.status == "accepted"
    assert Notice.select().count() == 0


def test_a_withdrawal_shows_what_is_left(world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 1_250_000})
    world.apply("savings.withdraw", {"member_id": world.member_id, "amount_satang": 200_000})
    receipt = _notices(world, "member", "receipt")[-1]
    # ฿12,500.00 − ฿2,000.00 = ฿10,500.00
    assert _th(receipt) == "ถอนเงินออม ฿2,000.00 แล้ว ยอดออมทรัพย์คงเหลือ ฿10,500.00"


def test_shares_fines_and_contributions_each_give_a_receipt(world):
    world.apply("shares.buy", {"member_id": world.member_id, "shares": 3})
    world.apply("fine.charge", {"member_id": world.member_id, "amount_satang": 5_000})
    world.apply("fine.pay", {"member_id": world.member_id, "amount_satang": 2_000})
    world.apply("welfare.contribute", {"member_id": world.member_id, "amount_satang": 3_000})
    bodies = [_th(n) for n in _notices(world, "member", "receipt")]
    assert bodies == [
        # 3 shares × ฿50.00 (the default share price)
        "ซื้อหุ้น 3 หุ้น เป็นเงิน ฿150.00 แล้ว ทุนเรือนหุ้นรวม ฿150.00",
        "มีค่าปรับ ฿50.00 ค่าปรับค้างชำระรวม ฿50.00",
        "รับชำระค่าปรับ ฿20.00 แล้ว ค่าปรับค้างชำระ ฿30.00",
        "รับเงินสมทบสวัสดิการ ฿30.00 แล้ว เงินสมทบสะสม ฿30.00"]


def _running_loan(world, principal=300_000):
    product = groups.create_product(world.group.id, "สามัญ", method="flat",
                                    monthly_rate_bp=100, max_months=12)
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000})
    loan_id = str(uuid.uuid4())
    assert world.apply("loan.apply", {"loan_id": loan_id, "member_id": world.member_id,
                                      "product_id": product.id, "principal_satang": principal,
                                      "months": 3}).status == "accepted"
    assert world.apply("loan.approve", {"loan_id": loan_id},
                       by="committee").status == "accepted"
    assert world.apply("loan.disburse", {"loan_id": loan_id}).status == "accepted"
    return loan_id


def test_a_loan_is_approved_paid_out_and_repaid_with_what_is_still_owed(world):
    loan_id = _running_loan(world)
    assert world.apply("loan.repay", {"loan_id": loan_id,
                                      "amount_satang": 100_000}).status == "accepted"
    loan_notices = [n for n in _notices(world, "member") if n.topic == topic_for("loan", loan_id)]
    bodies = [_th(n) for n in loan_notices]
    assert bodies[0] == "คณะกรรมการอนุมัติเงินกู้ ฿3,000.00 แล้ว รอรับเงินจากเหรัญญิก"
    assert bodies[1].startswith("จ่ายเงินกู้ ฿3,000.00 แล้ว ชำระคืนงวดแรกวันที่ ")
    # repaid on the day it was paid out: no interest is due yet, so all ฿1,000.00 is
    # principal and ฿3,000.00 − ฿1,000.00 = ฿2,000.00 is still owed
    assert bodies[2] == "รับชำระเงินกู้ ฿1,000.00 แล้ว เงินต้นคงเหลือ ฿2,000.00"
    assert len(loan_notices) == 3


def test_a_review_item_tells_the_committee_and_staff_of_that_group_only(world):
    other_committee = users.create_user("other-committee", World.PASSWORD, "committee",
                                        group_ids=[world.other.id])
    payload = {"member_id": world.member_id, "amount_satang": 10_000}
    assert world.apply("savings.deposit", payload, device="phone-a").status == "accepted"
    flagged = world.apply("savings.deposit", payload, device="phone-b")
    assert flagged.status == "needs_review" and flagged.reason == "possible_duplicate"
    for who in ("committee", "staff"):
        (notice,) = _notices(world, who, "review")
        assert _th(notice) == "มีรายการเดียวกันจากอีกเครื่องในวันเดียวกัน"
        assert notice.payload["title"]["th"] == "รายการรอตรวจสอบ · กลุ่มบ้านหนึ่ง"
        assert notice.payload["url"] == f"/groups/{world.group.id}/reviews"
        assert notice.topic == topic_for("review", world.group.id)
    assert _notices(world, "treasurer") == [] and _notices(world, "other-treasurer") == []
    assert Notice.select().where(Notice.user == other_committee.id).count() == 0
    assert Notice.select().where(Notice.kind == "review").count() == 2


def _claim(world):
    claim_id = str(uuid.uuid4())
    result = world.apply("welfare.claim", {"claim_id": claim_id, "member_id": world.member_id,
                                           "benefit_type": "birth",
                                           "event_date": "2026-01-10"}, business_date=None)
    assert result.applied, result
    return claim_id


def test_a_claim_is_received_approved_and_paid(world):
    world.apply("group.income", {"amount_satang": 500_000, "category": "welfare"})
    claim_id = _claim(world)
    assert world.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 100_000,
                                           "reason": "ตรวจสูติบัตรแล้ว"},
                       by="committee").applied
    assert world.apply("welfare.pay", {"claim_id": claim_id}).applied
    steps = [n for n in _notices(world, "member", "welfare")]
    assert [_th(n) for n in steps] == [
        "รับคำขอรับสวัสดิการคลอดบุตรแล้ว รอคณะกรรมการพิจารณา",
        "คณะกรรมการอนุมัติสวัสดิการคลอดบุตร ฿1,000.00 แล้ว รอรับเงินจากเหรัญญิก",
        "จ่ายสวัสดิการคลอดบุตร ฿1,000.00 แล้ว"]
    assert steps[2].payload["body"]["en"] == "The Birth benefit of ฿1,000.00 was paid"
    assert {n.topic for n in steps} == {topic_for("claim", claim_id)}


def test_a_refused_claim_says_why(world):
    claim_id = _claim(world)
    assert world.apply("welfare.refuse", {"claim_id": claim_id, "reason": "ยังไม่ครบระยะเวลา"},
                       by="committee").applied
    refused = _notices(world, "member", "welfare")[-1]
    assert _th(refused) == "คำขอรับสวัสดิการคลอดบุตรไม่ได้รับอนุมัติ เหตุผล: ยังไม่ครบระยะเวลา"


def test_a_voided_entry_tells_the_member(world):
    deposit = world.apply("savings.deposit", {"member_id": world.member_id,
                                              "amount_satang": 10_000})
    assert world.apply("void", {"target_op_id": deposit.op_id,
                                "reason": "บันทึกซ้ำ"}).status == "accepted"
    (void,) = _notices(world, "member", "void")
    assert _th(void) == "รายการฝากเงินออมถูกยกเลิก เหตุผล: บันทึกซ้ำ"


def test_ops_that_tell_nobody_queue_nothing(world):
    world.apply("group.expense", {"amount_satang": 1_000, "category": "stationery"})
    world.apply("meeting.open", {"meeting_id": str(uuid.uuid4()), "date": "2026-01-01"})
    world.add_member("สมาชิกใหม่")
    assert Notice.select().count() == 0


def test_a_push_of_many_flagged_entries_tells_each_reviewer_once(world):
    from core.store.operations import Actor
    from core.store.push import push
    from tests.conftest import today_iso

    payload = {"member_id": world.member_id, "amount_satang": 10_000}
    world.apply("savings.deposit", payload, device="phone-a")
    envelopes = [{"op_id": str(uuid.uuid4()), "group_id": world.group.id,
                  "type": "savings.deposit", "business_date": today_iso(world.group),
                  "payload": payload} for _ in range(3)]
    results = push(Actor(world.users["treasurer"], "phone-b"), envelopes)
    assert [r.status for r in results] == ["needs_review"] * 3
    assert len(_notices(world, "committee", "review")) == 1
    assert len(_notices(world, "staff", "review")) == 1
    # the member still has a receipt for each: ฿100.00 four times
    assert [_th(n)[-7:] for n in _notices(world, "member", "receipt")] == [
        "฿100.00", "฿200.00", "฿300.00", "฿400.00"]


def _queries_during(monkeypatch, work) -> int:
    from core.store.db import database

    count = 0
    real = database.obj.execute_sql

    def counting(*args, **kwargs):
        nonlocal count
        count += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", counting)
    work()
    monkeypatch.undo()
    return count


def test_telling_nobody_costs_at_most_one_query(world, monkeypatch):
    from types import SimpleNamespace

    from core.store import notice_events

    no_account = world.add_member("สมชาย ไม่มีบัญชี")
    world.apply("savings.deposit", {"member_id": no_account, "amount_satang": 10_000})

    def ctx(op_type, payload):
        return SimpleNamespace(op=SimpleNamespace(type=op_type, payload=payload),
                               payload=payload, group=world.group, flags=[],
                               sync_op=SimpleNamespace(status="accepted"))

    deposit = ctx("savings.deposit", {"member_id": no_account, "amount_satang": 10_000})
    assert _queries_during(monkeypatch, lambda: notice_events.on_applied(deposit)) == 1
    expense = ctx("group.expense", {"amount_satang": 100, "category": "x"})
    assert _queries_during(monkeypatch, lambda: notice_events.on_applied(expense)) == 0
