"""POST /api/v1/sync/push, op by op: every row of DESIGN.md's conflict-rules table that the
handlers implement today, through the HTTP client with a signed-in session and X-CSRFToken.

The batch as a whole (bad bodies, sign-in, CSRF, two pushes at once, retry_later) is in
test_push_batch.py.

TODO when their issues land (the handlers refuse these types as "not supported yet" today):
- `overpaid`: a loan repayment larger than what is owed → needs_review, excess to suspense;
- `overdrawn` for a loan disbursement and a welfare payment that take a balance below zero;
- `loan_state`: a loan disbursed twice, or disbursed before approval → needs_review;
- `welfare_rule`: a welfare payment outside the policy (waiting period, limits);
- maker-checker `forbidden`: a committee member approving a loan or claim they recorded;
- `accepted` for repayments (they commute like deposits).
"""

import uuid
from datetime import date, datetime, timedelta

import pytest

from core.store.models import (
    Device,
    FiscalPeriod,
    JournalTxn,
    Member,
    ReviewItem,
    SyncOp,
    User,
)
from core.store.summaries import member_figures
from tests.sync.phones import (
    Phone,
    books_count,
    deposit,
    later,
    new_member_op,
    op,
    today,
    txns_of,
    withdraw,
)

RESULT_KEYS = {"op_id", "status", "reason", "message", "server_seq"}
NATIONAL_ID = "1112034563562"


def savings(member_id) -> int:
    return member_figures([member_id])[member_id]["savings"]


def review_reasons(op_id) -> list[str]:
    row = SyncOp.get(SyncOp.op_id == op_id)
    return sorted(r.reason for r in ReviewItem.select().where(ReviewItem.op == row.id))


# ------------------------------------------------------------------------------ accepted


def test_a_deposit_is_accepted_and_recorded_with_its_device(phone, world):
    env = deposit(world.group, world.member_id, 10_000)
    result = phone.push_one(env)
    assert set(result) == RESULT_KEYS
    assert (result["op_id"], result["status"], result["reason"], result["message"]) == (
        env["op_id"], "accepted", None, None)
    assert isinstance(result["server_seq"], int) and result["server_seq"] > 0
    assert savings(world.member_id) == 10_000
    row = SyncOp.get(SyncOp.op_id == env["op_id"])
    assert (row.status, row.device, row.user_id, row.server_seq) == (
        "accepted", "phone-treasurer", world.users["treasurer"].id, result["server_seq"])
    assert txns_of(env["op_id"]) == 1
    device = Device.get_by_id("phone-treasurer")
    assert device.user_id == world.users["treasurer"].id
    first_seen = device.last_seen
    phone.push([])  # an empty push is fine, and refreshes the device
    assert Device.get_by_id("phone-treasurer").last_seen >= first_seen


def test_ops_are_applied_in_the_order_sent(phone, world):
    create = new_member_op(world.group, "บุญมี ศรีสุข")
    member_id = create["payload"]["member_id"]
    # the deposit refers to the member created just before it in the same push
    ops = [create, deposit(world.group, member_id, 10_000), deposit(world.group, member_id, 25_050),
           withdraw(world.group, member_id, 5_000)]
    results = phone.push(ops)
    assert [r["status"] for r in results] == ["accepted"] * 4
    assert [r["op_id"] for r in results] == [o["op_id"] for o in ops]
    seqs = [r["server_seq"] for r in results]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    assert savings(member_id) == 30_050  # 100.00 + 250.50 - 50.00 baht


def test_deposits_contributions_and_fine_payments_commute(app, world):
    one, two = Phone(app, "treasurer", "phone-1"), Phone(app, "staff", "phone-2")
    m = world.member_id
    a = [deposit(world.group, m, 10_000),
         op(world.group, "welfare.contribute", {"member_id": m, "amount_satang": 3_000}),
         op(world.group, "fine.pay", {"member_id": m, "amount_satang": 500})]
    b = [deposit(world.group, m, 20_000),
         op(world.group, "welfare.contribute", {"member_id": m, "amount_satang": 1_000})]
    assert [r["status"] for r in two.push(b)] == ["accepted"] * 2
    assert [r["status"] for r in one.push(a)] == ["accepted"] * 3
    figures = member_figures([m])[m]
    assert (figures["savings"], figures["welfare_contributed"], figures["fines_due"]) == (
        30_000, 4_000, -500)


# -------------------------------------------------------------------------- needs review


def test_the_same_entry_from_another_device_is_a_possible_duplicate(app, world):
    User.update(language="en").where(User.id == world.users["staff"].id).execute()
    treasurer, staff = Phone(app, "treasurer", "phone-1"), Phone(app, "staff", "phone-2")
    assert treasurer.push_one(deposit(world.group, world.member_id, 10_000))["status"] == \
        "accepted"
    env = deposit(world.group, world.member_id, 10_000)
    result = staff.push_one(env)
    assert (result["status"], result["reason"]) == ("needs_review", "possible_duplicate")
    assert result["message"] == "The same entry was recorded on another device that day"
    assert savings(world.member_id) == 20_000  # applied all the same
    assert review_reasons(env["op_id"]) == ["possible_duplicate"]
    # the same phone may take two equal deposits (a member pays for two months)
    again = treasurer.push_one(deposit(world.group, world.member_id, 10_000))
    assert (again["status"], again["reason"]) == ("needs_review", "possible_duplicate")


def test_messages_are_in_the_persons_language(phone, world):
    result = phone.push_one(withdraw(world.group, world.member_id, 1_000))
    assert result["message"] == "ยอดถอนมากกว่าเงินออมคงเหลือ"


def test_a_withdrawal_below_zero_is_applied_and_flagged_overdrawn(phone, world):
    phone.push_one(deposit(world.group, world.member_id, 10_000))
    env = withdraw(world.group, world.member_id, 15_000)
    result = phone.push_one(env)
    assert (result["status"], result["reason"]) == ("needs_review", "overdrawn")
    assert savings(world.member_id) == -5_000
    review = ReviewItem.get(ReviewItem.op == SyncOp.get(SyncOp.op_id == env["op_id"]).id)
    assert (review.reason, review.state, review.books_said) == (
        "overdrawn", "open", {"savings_satang": 10_000})


def test_a_date_in_a_closed_period_is_posted_on_the_first_open_day(phone, world):
    FiscalPeriod.create(group=world.group.id, starts_on=date(2025, 1, 1),
                        ends_on=date(2025, 6, 30), closed_at=datetime(2025, 7, 10))
    env = deposit(world.group, world.member_id, 30_000, business_date=date(2025, 6, 15))
    result = phone.push_one(env)
    assert (result["status"], result["reason"]) == ("needs_review", "closed_period")
    (txn,) = JournalTxn.select().join(SyncOp, on=(JournalTxn.op == SyncOp.id)).where(
        SyncOp.op_id == env["op_id"])
    assert txn.business_date == date(2025, 7, 1)
    assert SyncOp.get(SyncOp.op_id == env["op_id"]).business_date == date(2025, 6, 15)
    assert savings(world.member_id) == 30_000


def test_a_date_in_the_future_is_flagged_clock(phone, world):
    env = deposit(world.group, world.member_id, 10_000,
                  business_date=today(world.group) + timedelta(days=2))
    result = phone.push_one(env)
    assert (result["status"], result["reason"]) == ("needs_review", "clock")
    assert savings(world.member_id) == 10_000


@pytest.mark.parametrize(("minutes", "status"), [
    (20, "needs_review"), (-20, "needs_review"), (5, "accepted"), (-5, "accepted")])
def test_a_device_clock_far_off_is_flagged_clock(phone, world, minutes, status):
    result = phone.push_one(deposit(world.group, world.member_id, 10_000),
                            device_now=later(minutes))
    assert result["status"] == status
    assert result["reason"] == ("clock" if status == "needs_review" else None)
    assert savings(world.member_id) == 10_000


def test_without_device_now_the_clock_is_not_judged(phone, world):
    result = phone.push_one(deposit(world.group, world.member_id, 10_000), device_now=None)
    assert result["status"] == "accepted"


def test_stale_profile_edits_merge_or_conflict(app, world):
    phones = [Phone(app, "treasurer", f"phone-{n}") for n in range(3)]
    m = world.member_id

    def update(fields):
        return op(world.group, "member.update", {"member_id": m, "fields": fields},
                  base_version=1)

    assert phones[0].push_one(update({"phone": "0812345678"}))["status"] == "accepted"
    parallel = phones[1].push_one(update({"name": "สมศรี ใจงาม"}))
    assert (parallel["status"], parallel["reason"]) == ("accepted", None)  # other fields
    clash = phones[2].push_one(update({"phone": "0899999999"}))
    assert (clash["status"], clash["reason"]) == ("needs_review", "edit_conflict")
    member = Member.get_by_id(m)
    assert (member.name, member.phone, member.version) == ("สมศรี ใจงาม", "0899999999", 4)


def test_a_new_member_matching_one_of_the_group_is_a_possible_duplicate(phone, world):
    first = phone.push_one(new_member_op(world.group, "บุญมี ศรีสุข", national_id=NATIONAL_ID))
    assert first["status"] == "accepted"
    env = new_member_op(world.group, "บุญมี ศ.", national_id=NATIONAL_ID)
    result = phone.push_one(env)
    assert (result["status"], result["reason"]) == ("needs_review", "possible_duplicate_member")
    assert Member.get_or_none(Member.id == env["payload"]["member_id"]) is not None
    same_birthday = [new_member_op(world.group, "มาลี แสงทอง", birth_date="1970-05-01")
                     for _ in range(2)]
    results = phone.push(same_birthday)
    assert [(r["status"], r["reason"]) for r in results] == [
        ("accepted", None), ("needs_review", "possible_duplicate_member")]


# ------------------------------------------------------------------------------ rejected


def _invalid_ops(world) -> dict:
    g, m = world.group, world.member_id

    def dep(**payload):
        return deposit(g, m, 100) | {"payload": {"member_id": m, "amount_satang": 100,
                                                 **payload}}

    return {
        "not an object": ["savings.deposit", m, 100],
        "a number": 42,
        "null": None,
        "no op_id": {k: v for k, v in dep().items() if k != "op_id"},
        "missing payload": {k: v for k, v in dep().items() if k != "payload"},
        "bad date": dep() | {"business_date": "20/11/2569"},
        "unknown type": op(g, "savings.steal", {"member_id": m, "amount_satang": 100}),
        "amount zero": dep(amount_satang=0),
        "amount negative": dep(amount_satang=-10_000),
        "amount float": dep(amount_satang=100.5),
        "amount whole float": dep(amount_satang=100.0),
        "amount string": dep(amount_satang="100"),
        "amount missing": op(g, "savings.deposit", {"member_id": m}),
        "unknown member": dep(member_id=str(uuid.uuid4())),
        "unknown group": deposit(g, m, 100) | {"group_id": str(uuid.uuid4())},
        "group not a uuid": deposit(g, m, 100) | {"group_id": "group-1"},
    }


def test_malformed_ops_are_rejected_invalid_and_change_nothing(phone, world):
    phone.push_one(deposit(world.group, world.member_id, 7_000))
    cases = _invalid_ops(world)
    _, txns = books_count()
    results = phone.push(list(cases.values()))
    for (name, env), result in zip(cases.items(), results, strict=True):
        assert (result["status"], result["reason"]) == ("rejected", "invalid"), name
        assert result["message"], name
        if isinstance(env, dict) and "op_id" in env:
            assert result["op_id"] == env["op_id"], name
            row = SyncOp.get(SyncOp.op_id == env["op_id"])  # kept on the server
            assert (row.status, row.server_seq) == ("rejected", result["server_seq"]), name
    assert JournalTxn.select().count() == txns
    assert savings(world.member_id) == 7_000
    # sent again (the answer was lost): the stored rejections, nothing new
    stored = SyncOp.select().count()
    again = phone.push(list(cases.values()))
    assert [(r["status"], r["reason"], r["server_seq"]) for r in again] == [
        (r["status"], r["reason"], r["server_seq"]) for r in results]
    assert SyncOp.select().count() == stored


@pytest.mark.parametrize(("who", "case"), [
    ("other-treasurer", "deposit in another group"),
    ("treasurer", "expense in another group"),
    ("admin", "deposit"),
    ("treasurer", "loan.approve"),
    ("treasurer", "welfare.approve"),
    ("staff", "loan.approve"),
])
def test_what_a_user_may_not_do_is_rejected_forbidden(app, world, who, case):
    g = world.group
    envs = {
        "deposit in another group": deposit(g, world.member_id, 10_000),
        "expense in another group": op(world.other, "group.expense",
                                       {"amount_satang": 10_000, "category": "x"}),
        "deposit": deposit(g, world.member_id, 10_000),
        "loan.approve": op(g, "loan.approve", {"loan_id": str(uuid.uuid4())}),
        "welfare.approve": op(g, "welfare.approve", {"claim_id": str(uuid.uuid4()),
                                                     "amount_satang": 100_000}),
    }
    env = envs[case]
    before = JournalTxn.select().count(), Member.select().count()
    result = Phone(app, who, f"phone-{who}").push_one(env)
    assert (result["status"], result["reason"]) == ("rejected", "forbidden")
    assert (JournalTxn.select().count(), Member.select().count()) == before
    assert SyncOp.get(SyncOp.op_id == env["op_id"]).status == "rejected"


def test_an_op_id_reused_with_another_payload_is_rejected_and_changes_nothing(phone, world):
    env = deposit(world.group, world.member_id, 50_000)
    first = phone.push_one(env)
    reused = phone.push_one(env | {"payload": {"member_id": world.member_id,
                                               "amount_satang": 60_000}})
    assert (reused["status"], reused["reason"], reused["server_seq"]) == (
        "rejected", "op_id_reused", None)
    assert savings(world.member_id) == 50_000
    row = SyncOp.get(SyncOp.op_id == env["op_id"])
    assert (row.status, row.server_seq) == ("accepted", first["server_seq"])


# ---------------------------------------------------------------------------- duplicates


def test_a_batch_sent_twice_returns_the_stored_results(phone, world):
    ops = [deposit(world.group, world.member_id, 10_000),
           withdraw(world.group, world.member_id, 50_000),  # overdrawn
           deposit(world.group, world.member_id, 0)]  # invalid
    first = phone.push(ops)
    assert [(r["status"], r["reason"]) for r in first] == [
        ("accepted", None), ("needs_review", "overdrawn"), ("rejected", "invalid")]
    counts = books_count(), ReviewItem.select().count()
    second = phone.push(ops)
    assert [(r["status"], r["reason"]) for r in second] == [
        ("duplicate", None), ("duplicate", "overdrawn"), ("rejected", "invalid")]
    assert [r["server_seq"] for r in second] == [r["server_seq"] for r in first]
    assert (books_count(), ReviewItem.select().count()) == counts
    assert savings(world.member_id) == -40_000
    assert all(txns_of(o["op_id"]) == n for o, n in zip(ops, (1, 1, 0), strict=True))
