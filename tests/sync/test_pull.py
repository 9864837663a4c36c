"""GET /api/v1/sync/pull: what changed since the cursor, for the groups the user may see.

Every figure was worked out by hand.
"""

import threading
import uuid

import pytest
from peewee import OperationalError

from core.store import groups as group_store
from core.store import pull as pull_store
from core.store.counters import SERVER_SEQ, current_value, next_value
from core.store.db import database
from core.store.handlers import HANDLERS
from core.store.models import Device, ReviewItem, SyncOp, User
from core.store.operations import Actor, apply_operation
from tests.sync.phones import Phone, deposit, new_member_op, op, withdraw

KEYS = {"cursor", "full", "op_results", "groups", "products", "members", "loans", "reviews"}
BALANCES = {"savings", "shares", "loan_outstanding", "welfare_contributed", "fines_due"}


@pytest.fixture
def other_side(world):
    """The other group has a member, money, a product and a review: none of it is ours."""
    stranger = world.add_member("มานี มีนา", group=world.other, by="other-treasurer")
    world.apply("savings.withdraw", {"member_id": stranger, "amount_satang": 1_000},
                by="other-treasurer", group=world.other)  # overdrawn: a review
    group_store.create_product(world.other.id, "เงินกู้ฉุกเฉิน", method="flat",
                               monthly_rate_bp=100, max_months=12)
    return stranger


def members_by_name(answer) -> dict:
    return {m["name"]: m for m in answer["members"]}


def test_cursor_0_is_everything_the_user_may_see_and_nothing_else(phone, world, other_side):
    product = group_store.create_product(world.group.id, "เงินกู้สามัญ", name_en="Ordinary",
                                         method="declining", monthly_rate_bp=100, max_months=24)
    phone.push([deposit(world.group, world.member_id, 10_000),
                withdraw(world.group, world.member_id, 20_000)])  # overdrawn: a review
    for cursor in (0, None):
        answer = phone.pull(cursor)
        assert set(answer) == KEYS and answer["full"] is True
        assert answer["cursor"] == current_value(SERVER_SEQ)
        (group,) = answer["groups"]
        assert (group["id"], group["name"], group["kind"], group["timezone"]) == (
            world.group.id, "กลุ่มบ้านหนึ่ง", "savings", "Asia/Bangkok")
        assert group["policies"]["share_price_satang"] == 5_000
        assert group["policies"]["monthly_commitment_satang"] == 10_000
        assert group["policies"]["savings"]["share_price_satang"] == 5_000
        assert [p["id"] for p in answer["products"]] == [product.id]
        assert {k: answer["products"][0][k] for k in (
            "group_id", "name", "method", "monthly_rate_bp", "max_months")} == {
            "group_id": world.group.id, "name": "เงินกู้สามัญ", "method": "declining",
            "monthly_rate_bp": 100, "max_months": 24}
        (member,) = answer["members"]
        assert {k: member[k] for k in ("id", "group_id", "member_no", "name", "status",
                                       "version")} == {
            "id": world.member_id, "group_id": world.group.id, "member_no": 1,
            "name": "สมศรี ใจดี", "status": "active", "version": 1}
        assert member["balances"] == {"savings": -10_000, "shares": 0, "loan_outstanding": 0,
                                      "welfare_contributed": 0, "fines_due": 0}
        assert {k: member[k] for k in BALANCES} == member["balances"]
        assert answer["loans"] == []
        (review,) = answer["reviews"]
        assert (review["reason"], review["state"], review["group_id"]) == (
            "overdrawn", "open", world.group.id)
        assert [r["status"] for r in answer["op_results"]] == ["accepted", "needs_review"]
        text = str(answer)
        assert world.other.id not in text and other_side not in text


def test_figures_worked_out_by_hand(phone, world):
    m = world.member_id
    results = phone.push([
        deposit(world.group, m, 10_000), deposit(world.group, m, 25_050),  # 100 + 250.50
        op(world.group, "shares.buy", {"member_id": m, "shares": 3}),  # 3 × 50 baht
        op(world.group, "welfare.contribute", {"member_id": m, "amount_satang": 3_000}),
        op(world.group, "fine.charge", {"member_id": m, "amount_satang": 2_000}),
        op(world.group, "fine.pay", {"member_id": m, "amount_satang": 1_500}),
        withdraw(world.group, m, 5_000),
    ])
    assert {r["status"] for r in results} == {"accepted"}
    (member,) = phone.pull(0)["members"]
    assert member["balances"] == {"savings": 30_050, "shares": 15_000, "loan_outstanding": 0,
                                  "welfare_contributed": 3_000, "fines_due": 500}


def test_a_later_cursor_gives_only_the_members_that_changed(phone, world):
    creates = [new_member_op(world.group, name) for name in ("ก ไก่", "ข ไข่", "ค ควาย")]
    a, b, c = (env["payload"]["member_id"] for env in creates)
    phone.push(creates + [deposit(world.group, a, 10_000)])
    first = phone.pull(0)
    assert len(first["members"]) == 4
    nothing = phone.pull(first["cursor"])
    assert (nothing["cursor"], nothing["full"], nothing["members"], nothing["op_results"],
            nothing["reviews"]) == (first["cursor"], False, [], [], [])
    assert [g["id"] for g in nothing["groups"]] == [world.group.id]  # always sent in full

    wrong = deposit(world.group, b, 25_000)
    phone.push([wrong])
    second = phone.pull(first["cursor"])
    assert [(m["id"], m["savings"]) for m in second["members"]] == [(b, 25_000)]
    assert [r["op_id"] for r in second["op_results"]] == [wrong["op_id"]]

    phone.push([op(world.group, "member.update",
                   {"member_id": c, "fields": {"phone": "0812345678"}}, base_version=1)])
    third = phone.pull(second["cursor"])
    assert [(m["id"], m["version"]) for m in third["members"]] == [(c, 2)]

    # a void moves b's money back: b changed, though the void's payload names no member
    phone.push([op(world.group, "void", {"target_op_id": wrong["op_id"], "reason": "ผิดคน"})])
    fourth = phone.pull(third["cursor"])
    assert [(m["id"], m["savings"]) for m in fourth["members"]] == [(b, 0)]
    # a rejected op changes nobody
    phone.push([deposit(world.group, a, 0)])
    fifth = phone.pull(fourth["cursor"])
    assert fifth["members"] == [] and fifth["op_results"][0]["status"] == "rejected"


def test_op_results_recover_a_lost_push_answer(app, phone, world):
    before = phone.pull(0)["cursor"]
    ops = [deposit(world.group, world.member_id, 10_000),
           withdraw(world.group, world.member_id, 50_000), deposit(world.group, world.member_id, 0)]
    answered = phone.push(ops)  # ... and the answer never reached the phone
    Phone(app, "staff", "phone-staff").push([deposit(world.group, world.member_id, 1)])
    other_device = phone.push([deposit(world.group, world.member_id, 2)],
                              device_id="phone-treasurer-2")
    recovered = phone.pull(before)["op_results"]
    assert recovered == [{"op_id": r["op_id"], "status": r["status"], "reason": r["reason"],
                          "message": r["message"], "server_seq": r["server_seq"]}
                         for r in answered]
    assert [r["status"] for r in recovered] == ["accepted", "needs_review", "rejected"]
    assert other_device[0]["op_id"] not in str(recovered)
    assert phone.pull(before, device_id=None)["op_results"] == []


def test_cursors_never_go_backwards(phone, world):
    cursors = [phone.pull(0)["cursor"]]
    for amount in (100, 200, 0, 300):
        phone.push([deposit(world.group, world.member_id, amount)])
        cursors.append(phone.pull(cursors[-1])["cursor"])
        cursors.append(phone.pull(cursors[-1])["cursor"])
    assert cursors == sorted(cursors) and cursors[-1] > cursors[0]
    # a cursor ahead of the server (say, a database restored from a backup): start again
    ahead = phone.pull(cursors[-1] + 1000)
    assert (ahead["cursor"], ahead["full"], len(ahead["members"])) == (cursors[-1], True, 1)


def test_a_commit_in_flight_during_a_pull_is_in_the_next_pull(phone, world, monkeypatch):
    """The op holds the counter when the pull reads it: the pull must not jump past it."""
    entered, release = threading.Event(), threading.Event()
    real = HANDLERS["savings.deposit"]

    def slow(ctx):
        real(ctx)
        if ctx.payload["amount_satang"] == 777:
            entered.set()
            release.wait(timeout=30)

    monkeypatch.setitem(HANDLERS, "savings.deposit", slow)
    start = phone.pull(0)["cursor"]
    env = deposit(world.group, world.member_id, 777)
    done = []

    def writer():
        try:
            done.append(apply_operation(Actor(User.get_by_id(world.users["treasurer"].id),
                                              "phone-treasurer"), env))
        finally:
            database.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert entered.wait(timeout=30)
        during = phone.pull(start)
    finally:
        release.set()
        thread.join(timeout=30)
    assert done and done[0].status == "accepted"
    assert during["cursor"] == start and during["members"] == []  # not committed yet
    after = phone.pull(during["cursor"])
    assert after["cursor"] == done[0].server_seq > during["cursor"]
    assert [(m["id"], m["savings"]) for m in after["members"]] == [(world.member_id, 777)]
    assert [r["op_id"] for r in after["op_results"]] == [env["op_id"]]


def test_a_resolved_review_reaches_the_phone_at_its_next_pull(phone, world):
    env = withdraw(world.group, world.member_id, 5_000)
    phone.push([env])
    first = phone.pull(0)
    assert [(r["op_id"], r["state"]) for r in first["reviews"]] == [(env["op_id"], "open")]
    assert phone.pull(first["cursor"])["reviews"] == []
    # a committee member confirms it (the contract: a resolution takes a new server_seq)
    with database.atomic():
        ReviewItem.update(state="confirmed", server_seq=next_value(SERVER_SEQ)).where(
            ReviewItem.op == SyncOp.get(SyncOp.op_id == env["op_id"]).id).execute()
    later = phone.pull(first["cursor"])
    assert [(r["op_id"], r["state"]) for r in later["reviews"]] == [(env["op_id"], "confirmed")]


def test_a_member_sees_only_themself(app, world):
    world.add_member("บุญมี ศรีสุข")
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 4_200})
    world.apply("savings.withdraw", {"member_id": world.member_id, "amount_satang": 99_000})
    phone = Phone(app, "member", "member-phone", password=world.MEMBER_PIN)
    answer = phone.pull(0)
    assert [(m["id"], m["savings"]) for m in answer["members"]] == [
        (world.member_id, 4_200 - 99_000)]
    assert [g["id"] for g in answer["groups"]] == [world.group.id]
    assert answer["reviews"] == [] and answer["op_results"] == []
    cursor = answer["cursor"]
    world.add_member("มาลี แสงทอง")  # someone else changes: not for this member's eyes
    assert phone.pull(cursor)["members"] == []
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 100})
    assert [m["id"] for m in phone.pull(cursor)["members"]] == [world.member_id]


def test_staff_see_their_groups_and_an_admin_keeps_no_books(app, world, other_side):
    staff = Phone(app, "staff", "staff-phone").pull(0)
    assert {g["id"] for g in staff["groups"]} == {world.group.id}
    assert {m["id"] for m in staff["members"]} == {world.member_id}
    refused = Phone(app, "admin", "admin-phone").pull(0, expect=403)
    assert refused["error"]["code"] == "forbidden"


@pytest.mark.parametrize("query", [
    "cursor=-1", "cursor=abc", "cursor=1.5", "cursor=1e3", "cursor=%20", "cursor=%D9%A3",
    "cursor=99999999999999999999999", "cursor=4611686018427387904",
    "device_id=" + "x" * 65, "device_id=",
])
def test_a_bad_cursor_or_device_is_a_400_json_error(phone, query):
    response = phone.client.get(f"/api/v1/sync/pull?{query}")
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["error"]["code"] in ("bad_cursor", "bad_device_id")


def test_an_unknown_device_may_pull_and_is_not_registered_by_it(phone, world):
    device_id = str(uuid.uuid4())
    answer = phone.pull(0, device_id=device_id)
    assert answer["op_results"] == [] and len(answer["members"]) == 1
    assert Device.get_or_none(Device.id == device_id) is None


def test_a_busy_database_is_a_503_to_try_again(phone, world, monkeypatch):
    def locked(user):
        raise OperationalError("database is locked")

    monkeypatch.setattr(pull_store, "group_ids_of", locked)
    response = phone.client.get("/api/v1/sync/pull?cursor=0")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "busy"
