"""The one way to change the books: `apply_operation`, checked against the sync contract.

Every figure was worked out by hand. Times are fixed: NOW is 10:00 on 20 Nov 2026 in Bangkok
(03:00 UTC), so "today" in the group's zone is 2026-11-20 whatever the server's clock says.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher

from core import books
from core.store import ledger, users
from core.store.counters import SERVER_SEQ, current_value, receipt_counter
from core.store.models import (
    ALL_MODELS,
    Account,
    AuditLog,
    Counter,
    FiscalPeriod,
    Group,
    JournalLine,
    JournalTxn,
    Member,
    MemberChange,
    ReviewItem,
    SyncOp,
    User,
)
from core.store.operations import Actor, apply_operation
from core.store.summaries import group_totals, member_figures

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok
TODAY = date(2026, 11, 20)
YESTERDAY = date(2026, 11, 19)
NATIONAL_ID = "1112034563562"


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    # The world makes six accounts; these tests are about the books, not about argon2's cost.
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                         parallelism=1))


def envelope(world, op_type, payload, *, group=None, business_date=TODAY, op_id=None,
             **extra):
    day = business_date.isoformat() if isinstance(business_date, date) else business_date
    return {"op_id": op_id or str(uuid.uuid4()), "group_id": (group or world.group).id,
            "type": op_type, "business_date": day, "recorded_at": "2026-11-20T10:00:00+07:00",
            "payload": payload, **extra}


def send(world, env, *, by="treasurer", device="phone-1", now=NOW, **kw):
    return apply_operation(Actor(User.get_by_id(world.users[by].id), device), env, now=now, **kw)


def do(world, op_type, payload, *, by="treasurer", device="phone-1", now=NOW,
       interactive=False, device_now=None, **env_kw):
    return send(world, envelope(world, op_type, payload, **env_kw), by=by, device=device,
                now=now, interactive=interactive, device_now=device_now)


def deposit(world, member_id, amount, **kw):
    return do(world, "savings.deposit", {"member_id": member_id, "amount_satang": amount}, **kw)


def withdraw(world, member_id, amount, **kw):
    return do(world, "savings.withdraw", {"member_id": member_id, "amount_satang": amount}, **kw)


def new_member(world, name="บุญมี ศรีสุข", **payload):
    member_id = str(uuid.uuid4())
    result = do(world, "member.create", {"member_id": member_id, "name": name,
                                         "joined_on": "2026-01-10", **payload})
    assert result.status == "accepted", result
    return member_id


def savings_of(member_id):
    return member_figures([member_id])[member_id]["savings"]


def sync_op(op_id):
    return SyncOp.get(SyncOp.op_id == op_id)


def txns_of(op_id):
    return list(JournalTxn.select().where(JournalTxn.op == sync_op(op_id).id)
                .order_by(JournalTxn.id))


def audit_row(op_id):
    (row,) = [a for a in AuditLog.select() if (a.detail or {}).get("op_id") == op_id]
    return row


def snapshot():
    """Everything that could be written: row counts of every table, counters, balances,
    and the members' versions."""
    return ({model._meta.table_name: model.select().count() for model in ALL_MODELS},
            dict(Counter.select(Counter.name, Counter.value).tuples()),
            dict(Account.select(Account.id, Account.balance).tuples()),
            dict(Member.select(Member.id, Member.version).tuples()))


# ---------------------------------------------------------------------------- accepted


def test_member_create_then_deposits_and_a_withdrawal(world):
    member_id = str(uuid.uuid4())
    created = do(world, "member.create", {"member_id": member_id, "name": " บุญมี ศรีสุข ",
                                          "joined_on": "2026-01-10", "phone": "081-234-5678",
                                          "national_id": "1-1120-34563-56-2"})
    assert (created.status, created.reason) == ("accepted", None)
    member = Member.get_by_id(member_id)
    assert (member.name, member.member_no, member.version, member.group_id) == (
        "บุญมี ศรีสุข", 2, 1, world.group.id)  # the world's member is no. 1
    assert (member.phone, member.national_id) == ("0812345678", NATIONAL_ID)
    assert member.joined_on == date(2026, 1, 10)

    first = deposit(world, member_id, 50_000)
    second = deposit(world, member_id, 25_050)
    assert first.status == second.status == "accepted"
    assert created.server_seq < first.server_seq < second.server_seq
    assert savings_of(member_id) == 75_050  # 500.00 + 250.50 baht
    assert [t.receipt_no for t in txns_of(first.op_id) + txns_of(second.op_id)] == [1, 2]

    third = withdraw(world, member_id, 20_000)
    assert third.status == "accepted"
    assert savings_of(member_id) == 55_050
    assert txns_of(third.op_id)[0].receipt_no == 3
    totals = group_totals(world.group.id)
    assert totals[books.CASH] == 55_050
    assert totals[books.SAVINGS] == 55_050

    row = sync_op(first.op_id)
    assert (row.status, row.type, row.group_id, row.user_id, row.device) == (
        "accepted", "savings.deposit", world.group.id, world.users["treasurer"].id, "phone-1")
    assert (row.server_seq, row.business_date) == (first.server_seq, TODAY)
    txn = txns_of(first.op_id)[0]
    assert (txn.member_id, txn.created_by_id, txn.business_date, txn.kind) == (
        member_id, world.users["treasurer"].id, TODAY, "savings.deposit")
    assert [(line.account, line.amount) for line in ledger.lines_of(txn)] == [
        (books.CASH, 50_000), (f"2100:{member_id}", -50_000)]
    audit = audit_row(first.op_id)
    assert audit.action == "savings.deposit"
    assert (audit.user_id, audit.device, audit.group_id) == (
        world.users["treasurer"].id, "phone-1", world.group.id)
    assert audit.detail == {"op_id": first.op_id, "status": "accepted", "reason": None}
    assert ledger.audit() == ([], [])


def test_other_money_ops_land_on_the_right_accounts(world):
    m = world.member_id
    assert deposit(world, m, 10_000).status == "accepted"
    assert do(world, "welfare.contribute", {"member_id": m, "amount_satang": 3_000}).status \
        == "accepted"
    assert do(world, "fine.charge", {"member_id": m, "amount_satang": 2_000,
                                     "reason": "มาสาย"}).status == "accepted"
    assert do(world, "fine.pay", {"member_id": m, "amount_satang": 1_500}).status == "accepted"
    assert do(world, "group.income", {"amount_satang": 40_000, "category": "ขายของ"}).status \
        == "accepted"
    assert do(world, "group.expense", {"amount_satang": 12_575, "category": "ค่าเครื่องเขียน"}
              ).status == "accepted"
    assert member_figures([m])[m] == {"savings": 10_000, "shares": 0, "loan_outstanding": 0,
                                      "welfare_contributed": 3_000, "fines_due": 500}
    totals = group_totals(world.group.id)
    # cash: 100 + 30 + 15 + 400 - 125.75 = 419.25 baht
    assert totals[books.CASH] == 41_925
    assert totals[books.FINE_INCOME] == 2_000
    assert totals[books.OTHER_INCOME] == 40_000
    assert totals[books.EXPENSES] == 12_575
    assert ledger.audit() == ([], [])


@pytest.mark.parametrize(("policy", "shares", "expected"), [
    (None, 3, 15_000),  # the default share price is 50 baht
    ({"savings": {"share_price_satang": 10_000}}, 3, 30_000),
    ({"savings": {"share_price_satang": 2_550}}, 7, 17_850),
])
def test_shares_buy_uses_the_groups_share_price(world, policy, shares, expected):
    if policy:
        Group.update(policy=policy).where(Group.id == world.group.id).execute()
    result = do(world, "shares.buy", {"member_id": world.member_id, "shares": shares})
    assert result.status == "accepted"
    assert member_figures([world.member_id])[world.member_id]["shares"] == expected
    assert group_totals(world.group.id)[books.CASH] == expected


# -------------------------------------------------------------------------- exactly once


def test_the_same_envelope_twice_is_applied_once(world):
    env = envelope(world, "savings.deposit", {"member_id": world.member_id,
                                              "amount_satang": 50_000})
    first = send(world, env)
    before = snapshot()
    again = send(world, dict(env))
    assert (first.status, again.status) == ("accepted", "duplicate")
    assert again.server_seq == first.server_seq and again.op_id == first.op_id
    assert snapshot() == before
    assert savings_of(world.member_id) == 50_000
    # a different device, a later time, another recorded_at: still the same op
    third = send(world, {**env, "recorded_at": "2026-11-20T11:00:00+07:00"}, device="phone-2",
                 now=NOW + timedelta(hours=2))
    assert (third.status, third.server_seq) == ("duplicate", first.server_seq)
    # the payload's keys in another order, base_version spelt out as null: the same op
    reordered = {**env, "payload": {"amount_satang": 50_000, "member_id": world.member_id},
                 "base_version": None}
    assert send(world, reordered).status == "duplicate"
    assert savings_of(world.member_id) == 50_000
    assert snapshot() == before


def test_an_op_id_reused_with_another_amount_is_rejected_and_changes_nothing(world):
    env = envelope(world, "savings.deposit", {"member_id": world.member_id,
                                              "amount_satang": 50_000})
    first = send(world, env)
    before = snapshot()
    reused = send(world, {**env, "payload": {"member_id": world.member_id,
                                             "amount_satang": 60_000}})
    assert (reused.status, reused.reason) == ("rejected", "op_id_reused")
    assert snapshot() == before
    assert savings_of(world.member_id) == 50_000
    row = sync_op(env["op_id"])
    assert (row.status, row.server_seq) == ("accepted", first.server_seq)
    other_date = send(world, {**env, "business_date": "2026-11-19"})
    assert (other_date.status, other_date.reason) == ("rejected", "op_id_reused")
    assert snapshot() == before


def test_a_repeated_needs_review_op_is_a_duplicate(world):
    env = envelope(world, "savings.withdraw", {"member_id": world.member_id,
                                               "amount_satang": 1_000})
    first = send(world, env)
    assert (first.status, first.reason) == ("needs_review", "overdrawn")
    before = snapshot()
    again = send(world, env)
    assert (again.status, again.server_seq) == ("duplicate", first.server_seq)
    assert snapshot() == before
    assert ReviewItem.select().count() == 1


# ------------------------------------------------------------------------------ invalid


def _bad_envelopes(world):
    m = world.member_id

    def dep(**payload):
        return envelope(world, "savings.deposit", {"member_id": m, "amount_satang": 100,
                                                   **payload})

    def without(env, *keys):
        return {k: v for k, v in env.items() if k not in keys}

    return {
        "unknown type": envelope(world, "savings.steal", {"member_id": m, "amount_satang": 1}),
        "missing amount": envelope(world, "savings.deposit", {"member_id": m}),
        "missing member": envelope(world, "savings.deposit", {"amount_satang": 100}),
        "missing payload": without(dep(), "payload"),
        "payload not an object": {**dep(), "payload": [m, 100]},
        "missing business date": without(dep(), "business_date"),
        "impossible date": {**dep(), "business_date": "2026-02-30"},
        "Thai date form": {**dep(), "business_date": "20/11/2569"},
        "amount zero": dep(amount_satang=0),
        "amount negative": dep(amount_satang=-10_000),
        "amount float": dep(amount_satang=100.5),
        "amount whole float": dep(amount_satang=10_000.0),
        "amount string": dep(amount_satang="10000"),
        "amount bool": dep(amount_satang=True),
        "amount null": dep(amount_satang=None),
        "amount absurd": dep(amount_satang=10_000_000_000_01),
        "member not a uuid": dep(member_id="42"),
        "unknown member": dep(member_id=str(uuid.uuid4())),
        "unknown group": envelope(world, "savings.deposit", {"member_id": m,
                                                             "amount_satang": 100},
                                  group=type("G", (), {"id": str(uuid.uuid4())})),
        "group not a uuid": {**dep(), "group_id": "group-1"},
        "shares zero": envelope(world, "shares.buy", {"member_id": m, "shares": 0}),
        "shares float": envelope(world, "shares.buy", {"member_id": m, "shares": 1.5}),
        "recorded_at without zone": {**dep(), "recorded_at": "2026-11-20T10:00:00"},
        "device_seq negative": {**dep(), "device_seq": -1},
        "update unknown field": envelope(world, "member.update", {
            "member_id": m, "fields": {"status": "exited"}}),
        "update nothing": envelope(world, "member.update", {"member_id": m, "fields": {}}),
        "bad national id": envelope(world, "member.create", {
            "member_id": str(uuid.uuid4()), "name": "ก", "joined_on": "2026-01-01",
            "national_id": "1112034563561"}),
        "blank name": envelope(world, "member.create", {
            "member_id": str(uuid.uuid4()), "name": "   ", "joined_on": "2026-01-01"}),
        "existing member id": envelope(world, "member.create", {
            "member_id": m, "name": "สมศรี", "joined_on": "2026-01-01"}),
        "void of nothing": envelope(world, "void", {"target_op_id": str(uuid.uuid4()),
                                                    "reason": "ผิด"}),
    }


def test_malformed_ops_are_rejected_invalid_kept_and_post_nothing(world):
    deposit(world, world.member_id, 7_000)
    for name, env in _bad_envelopes(world).items():
        books_before = (JournalTxn.select().count(), JournalLine.select().count(),
                        Member.select().count(), savings_of(world.member_id))
        result = send(world, env)
        assert (result.status, result.reason) == ("rejected", "invalid"), name
        assert result.message_th and result.message_en, name
        assert (JournalTxn.select().count(), JournalLine.select().count(),
                Member.select().count(), savings_of(world.member_id)) == books_before, name
        row = sync_op(env["op_id"])
        assert (row.status, row.reason, row.server_seq) == (
            "rejected", "invalid", result.server_seq), name
        assert row.message_en == result.message_en, name
        # the device sends it again: the stored rejection, nothing new
        count = SyncOp.select().count()
        again = send(world, env)
        assert (again.status, again.reason, again.server_seq) == (
            "rejected", "invalid", result.server_seq), name
        assert SyncOp.select().count() == count, name
    assert savings_of(world.member_id) == 7_000
    assert ledger.audit() == ([], [])


def test_a_member_who_left_takes_no_more_money(world):
    assert do(world, "member.exit", {"member_id": world.member_id, "reason": "ย้ายบ้าน"}
              ).status == "accepted"
    member = Member.get_by_id(world.member_id)
    assert (member.status, member.exited_on, member.version) == ("exited", TODAY, 2)
    result = deposit(world, world.member_id, 10_000)
    assert (result.status, result.reason) == ("rejected", "invalid")
    assert savings_of(world.member_id) == 0


def test_a_member_of_another_group_is_unknown_here(world):
    stranger = str(uuid.uuid4())
    assert do(world, "member.create", {"member_id": stranger, "name": "มานี มีนา",
                                       "joined_on": "2026-01-01"},
              by="other-treasurer", group=world.other).status == "accepted"
    result = deposit(world, stranger, 10_000)
    assert (result.status, result.reason) == ("rejected", "invalid")
    assert JournalTxn.select().count() == 0


@pytest.mark.parametrize("op_id", ["not-a-uuid", None, 42, "", "1b4e" * 9])
def test_a_bad_op_id_is_rejected_and_nothing_is_kept(world, op_id):
    env = envelope(world, "savings.deposit", {"member_id": world.member_id,
                                              "amount_satang": 10_000}, op_id="x")
    env["op_id"] = op_id
    before = snapshot()
    result = send(world, env)
    assert (result.status, result.reason, result.server_seq) == ("rejected", "invalid", None)
    assert snapshot() == before  # there is no id to keep it under


def test_not_an_object_is_rejected(world):
    before = snapshot()
    for junk in (None, [], "savings.deposit", 5):
        result = send(world, junk)
        assert (result.status, result.reason) == ("rejected", "invalid")
    assert snapshot() == before


# ---------------------------------------------------------------------------- forbidden


@pytest.mark.parametrize(("who", "op_type", "payload_of", "group_of"), [
    ("other-treasurer", "savings.deposit",
     lambda w: {"member_id": w.member_id, "amount_satang": 10_000}, lambda w: w.group),
    ("other-treasurer", "member.create",
     lambda w: {"member_id": str(uuid.uuid4()), "name": "ก", "joined_on": "2026-01-01"},
     lambda w: w.group),
    ("admin", "savings.deposit",
     lambda w: {"member_id": w.member_id, "amount_satang": 10_000}, lambda w: w.group),
    ("admin", "member.create",
     lambda w: {"member_id": str(uuid.uuid4()), "name": "ก", "joined_on": "2026-01-01"},
     lambda w: w.group),
    ("treasurer", "loan.approve", lambda w: {"loan_id": str(uuid.uuid4())}, lambda w: w.group),
    ("treasurer", "welfare.approve",
     lambda w: {"claim_id": str(uuid.uuid4()), "amount_satang": 100_000}, lambda w: w.group),
    ("staff", "loan.approve", lambda w: {"loan_id": str(uuid.uuid4())}, lambda w: w.group),
    ("staff", "savings.deposit",
     lambda w: {"member_id": w.member_id, "amount_satang": 10_000}, lambda w: w.other),
    ("treasurer", "group.expense", lambda w: {"amount_satang": 10_000, "category": "x"},
     lambda w: w.other),
    ("member", "savings.deposit",
     lambda w: {"member_id": w.member_id, "amount_satang": 10_000}, lambda w: w.group),
])
def test_what_a_user_may_not_do_in_a_group_is_forbidden(world, who, op_type, payload_of,
                                                        group_of):
    env = envelope(world, op_type, payload_of(world), group=group_of(world))
    before = JournalTxn.select().count(), Member.select().count()
    result = send(world, env, by=who)
    assert (result.status, result.reason) == ("rejected", "forbidden")
    assert (JournalTxn.select().count(), Member.select().count()) == before
    row = sync_op(env["op_id"])
    assert (row.status, row.reason, row.group_id, row.user_id) == (
        "rejected", "forbidden", group_of(world).id, world.users[who].id)
    assert AuditLog.select().where((AuditLog.action == "op.rejected")
                                   & (AuditLog.user == world.users[who].id)).count() == 1


def test_staff_record_for_their_group_and_a_switched_off_account_may_not(world):
    assert deposit(world, world.member_id, 10_000, by="staff").status == "accepted"
    User.update(active=False).where(User.id == world.users["treasurer"].id).execute()
    result = deposit(world, world.member_id, 10_000)
    assert (result.status, result.reason) == ("rejected", "forbidden")
    assert savings_of(world.member_id) == 10_000


# ------------------------------------------------------------------------- needs review


def test_withdrawal_above_savings_is_applied_and_flagged_overdrawn(world):
    m = world.member_id
    deposit(world, m, 10_000)
    result = withdraw(world, m, 15_000)
    assert (result.status, result.reason) == ("needs_review", "overdrawn")
    assert savings_of(m) == -5_000  # the money left the cash box: the books say so
    assert group_totals(world.group.id)[books.CASH] == -5_000
    review = ReviewItem.get(ReviewItem.op == sync_op(result.op_id).id)
    assert (review.reason, review.state, review.group_id, review.server_seq) == (
        "overdrawn", "open", world.group.id, result.server_seq)
    assert review.books_said == {"savings_satang": 10_000}
    assert sync_op(result.op_id).status == "needs_review"
    assert audit_row(result.op_id).detail["status"] == "needs_review"
    # withdrawing exactly what is there is fine
    deposit(world, m, 5_000 + 2_500)
    assert withdraw(world, m, 2_500).status == "accepted"
    assert savings_of(m) == 0
    assert ledger.audit() == ([], [])


def test_every_flag_opens_its_own_review_and_the_first_gives_the_reason(world):
    result = withdraw(world, world.member_id, 5_000, business_date=date(2026, 11, 22))
    assert (result.status, result.reason) == ("needs_review", "clock")
    row = sync_op(result.op_id)
    assert "future" in row.message_en and "savings balance" in row.message_en
    assert sorted(r.reason for r in ReviewItem.select().where(ReviewItem.op == row.id)) == [
        "clock", "overdrawn"]
    assert savings_of(world.member_id) == -5_000


def test_a_date_in_the_future_is_judged_in_bangkok(world):
    early = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)  # 06:30 on the 20th in Bangkok
    on_the_20th = deposit(world, world.member_id, 10_000, now=early, business_date=TODAY)
    assert (on_the_20th.status, on_the_20th.reason) == ("accepted", None)
    on_the_21st = deposit(world, world.member_id, 10_000, now=early,
                          business_date=date(2026, 11, 21))
    assert (on_the_21st.status, on_the_21st.reason) == ("needs_review", "clock")
    assert savings_of(world.member_id) == 20_000  # applied all the same
    assert ReviewItem.get(ReviewItem.op == sync_op(on_the_21st.op_id).id).reason == "clock"


@pytest.mark.parametrize(("offset", "status"), [
    (timedelta(minutes=20), "needs_review"),
    (timedelta(minutes=-20), "needs_review"),
    (timedelta(minutes=9), "accepted"),
    (timedelta(minutes=-9, seconds=-59), "accepted"),
])
def test_a_device_clock_far_off_is_flagged(world, offset, status):
    result = deposit(world, world.member_id, 10_000, device_now=NOW + offset)
    assert result.status == status
    assert result.reason == ("clock" if status == "needs_review" else None)
    assert savings_of(world.member_id) == 10_000


def test_a_device_clock_in_another_zone_is_compared_as_an_instant(world):
    bangkok = NOW.astimezone(ZoneInfo("Asia/Bangkok"))  # 10:00+07:00, the same instant
    assert deposit(world, world.member_id, 10_000, device_now=bangkok).status == "accepted"


def test_the_same_entry_from_a_second_device_is_a_possible_duplicate(world):
    m = world.member_id
    assert deposit(world, m, 10_000, device="phone-1").status == "accepted"
    # the same phone may take two equal deposits (a member pays for two months)
    assert deposit(world, m, 10_000, device="phone-1").status == "accepted"
    other = deposit(world, m, 10_000, device="phone-2", by="staff")
    assert (other.status, other.reason) == ("needs_review", "possible_duplicate")
    # another amount, another day or another member from the second phone is not flagged
    assert deposit(world, m, 10_050, device="phone-2").status == "accepted"
    assert deposit(world, m, 10_000, device="phone-2", business_date=YESTERDAY).status == \
        "accepted"
    second = new_member(world)
    assert deposit(world, second, 10_000, device="phone-2").status == "accepted"
    assert savings_of(m) == 10_000 * 4 + 10_050  # every one applied
    assert [r.reason for r in ReviewItem.select()] == ["possible_duplicate"]


def test_the_same_withdrawal_from_a_second_device_is_a_possible_duplicate(world):
    m = world.member_id
    deposit(world, m, 50_000)
    assert withdraw(world, m, 10_000, device="phone-1").status == "accepted"
    other = withdraw(world, m, 10_000, device="phone-2")
    assert (other.status, other.reason) == ("needs_review", "possible_duplicate")


def test_a_date_in_a_closed_period_is_posted_on_the_first_open_day(world):
    FiscalPeriod.create(group=world.group.id, starts_on=date(2026, 1, 1),
                        ends_on=date(2026, 6, 30), closed_at=datetime(2026, 7, 15))
    FiscalPeriod.create(group=world.group.id, starts_on=date(2026, 7, 1),
                        ends_on=date(2026, 12, 31))  # open
    late = deposit(world, world.member_id, 30_000, business_date=date(2026, 6, 15))
    assert (late.status, late.reason) == ("needs_review", "closed_period")
    assert sync_op(late.op_id).business_date == date(2026, 6, 15)  # the date as entered
    (txn,) = txns_of(late.op_id)
    assert txn.business_date == date(2026, 7, 1)  # the day after the period ends
    assert savings_of(world.member_id) == 30_000
    assert ReviewItem.get(ReviewItem.op == sync_op(late.op_id).id).reason == "closed_period"
    on_time = deposit(world, world.member_id, 1_000, business_date=date(2026, 7, 1))
    assert (on_time.status, txns_of(on_time.op_id)[0].business_date) == (
        "accepted", date(2026, 7, 1))
    # the other group's closed periods are not this group's
    FiscalPeriod.create(group=world.other.id, starts_on=date(2026, 8, 1),
                        ends_on=date(2026, 8, 31), closed_at=datetime(2026, 9, 1))
    august = deposit(world, world.member_id, 1_000, business_date=date(2026, 8, 10))
    assert (august.status, txns_of(august.op_id)[0].business_date) == (
        "accepted", date(2026, 8, 10))


def test_back_to_back_closed_periods_are_all_skipped(world):
    for starts, ends in ((date(2026, 1, 1), date(2026, 3, 31)),
                         (date(2026, 4, 1), date(2026, 6, 30))):
        FiscalPeriod.create(group=world.group.id, starts_on=starts, ends_on=ends,
                            closed_at=datetime(2026, 7, 2))
    late = deposit(world, world.member_id, 30_000, business_date=date(2026, 2, 1))
    assert late.reason == "closed_period"
    assert txns_of(late.op_id)[0].business_date == date(2026, 7, 1)


def test_member_with_a_known_national_id_is_a_possible_duplicate(world):
    first = new_member(world, "บุญมี ศรีสุข", national_id=NATIONAL_ID)
    second_id = str(uuid.uuid4())
    result = do(world, "member.create", {"member_id": second_id, "name": "บุญมี ศรีสุข",
                                         "joined_on": "2026-02-01",
                                         "national_id": "1 1120 34563 56 2"})
    assert (result.status, result.reason) == ("needs_review", "possible_duplicate_member")
    # both are kept: a person decides
    assert Member.get_by_id(second_id).national_id == NATIONAL_ID
    assert (Member.get_by_id(first).member_no, Member.get_by_id(second_id).member_no) == (2, 3)
    assert ReviewItem.get(ReviewItem.op == sync_op(result.op_id).id).reason == \
        "possible_duplicate_member"
    # the same id in another group is nobody's duplicate
    elsewhere = do(world, "member.create", {"member_id": str(uuid.uuid4()), "name": "ข",
                                            "joined_on": "2026-01-01",
                                            "national_id": NATIONAL_ID},
                   by="other-treasurer", group=world.other)
    assert elsewhere.status == "accepted"


def test_member_with_the_same_name_and_birth_date_is_a_possible_duplicate(world):
    new_member(world, "มาลี แสงทอง", birth_date="1970-05-01")
    same = do(world, "member.create", {"member_id": str(uuid.uuid4()), "name": "มาลี แสงทอง",
                                       "joined_on": "2026-01-01", "birth_date": "1970-05-01"})
    assert (same.status, same.reason) == ("needs_review", "possible_duplicate_member")
    other_day = do(world, "member.create", {"member_id": str(uuid.uuid4()),
                                            "name": "มาลี แสงทอง", "joined_on": "2026-01-01",
                                            "birth_date": "1971-05-01"})
    assert other_day.status == "accepted"


# -------------------------------------------------------------------------- interactive


def test_interactive_overdrawn_withdrawal_is_refused_and_writes_nothing(world):
    m = world.member_id
    deposit(world, m, 10_000)
    env = envelope(world, "savings.withdraw", {"member_id": m, "amount_satang": 15_000})
    before = snapshot()
    refused = send(world, env, interactive=True)
    assert (refused.status, refused.reason, refused.server_seq) == ("rejected", "overdrawn",
                                                                    None)
    assert refused.message_th and refused.message_en
    assert snapshot() == before  # no sync_op, no journal, no review, no audit, no counter
    assert SyncOp.get_or_none(SyncOp.op_id == env["op_id"]) is None
    # the person fixes the amount and sends the same op again
    fixed = send(world, {**env, "payload": {"member_id": m, "amount_satang": 5_000}},
                 interactive=True)
    assert (fixed.status, fixed.reason) == ("accepted", None)
    assert savings_of(m) == 5_000
    assert txns_of(env["op_id"])[0].receipt_no == 2  # no receipt number was lost
    assert ReviewItem.select().count() == 0


@pytest.mark.parametrize("case", ["future", "closed_period", "invalid", "forbidden"])
def test_interactive_refusals_write_nothing(world, case):
    m = world.member_id
    kw = {}
    if case == "future":
        kw = {"business_date": date(2026, 11, 21)}
    elif case == "closed_period":
        FiscalPeriod.create(group=world.group.id, starts_on=date(2026, 1, 1),
                            ends_on=date(2026, 6, 30), closed_at=datetime(2026, 7, 1))
        kw = {"business_date": date(2026, 6, 1)}
    amount = 0 if case == "invalid" else 10_000
    by = "other-treasurer" if case == "forbidden" else "treasurer"
    before = snapshot()
    result = deposit(world, m, amount, interactive=True, by=by, **kw)
    assert result.status == "rejected"
    assert result.reason == {"future": "clock"}.get(case, case)
    assert snapshot() == before


def test_interactive_edit_conflict_leaves_the_member_as_it_was(world):
    m = world.member_id
    assert do(world, "member.update", {"member_id": m, "fields": {"phone": "0812345678"}},
              base_version=1).status == "accepted"
    before = snapshot()
    result = do(world, "member.update", {"member_id": m, "fields": {"phone": "0899999999"}},
                base_version=1, interactive=True)
    assert (result.status, result.reason) == ("rejected", "edit_conflict")
    assert snapshot() == before
    member = Member.get_by_id(m)
    assert (member.phone, member.version) == ("0812345678", 2)


def test_interactive_duplicate_member_is_not_created(world):
    new_member(world, "บุญมี ศรีสุข", national_id=NATIONAL_ID)
    before = snapshot()
    result = do(world, "member.create", {"member_id": str(uuid.uuid4()), "name": "บุญมี",
                                         "joined_on": "2026-01-01",
                                         "national_id": NATIONAL_ID}, interactive=True)
    assert (result.status, result.reason) == ("rejected", "possible_duplicate_member")
    assert snapshot() == before  # no member, and no member number used up
    assert new_member(world, "คนใหม่") and Member.select().order_by(
        Member.member_no.desc()).first().member_no == 3


# ---------------------------------------------------------------------------- member.update


def test_stale_edits_merge_on_other_fields_and_conflict_on_the_same_field(world):
    m = world.member_id
    phone = do(world, "member.update", {"member_id": m, "fields": {"phone": "081-234-5678"}},
               base_version=1, device="phone-1")
    assert (phone.status, Member.get_by_id(m).version) == ("accepted", 2)
    # a second phone, still on version 1, changes the name: no conflict
    name = do(world, "member.update", {"member_id": m, "fields": {"name": "สมศรี ใจงาม"}},
              base_version=1, device="phone-2")
    assert (name.status, name.reason) == ("accepted", None)
    member = Member.get_by_id(m)
    assert (member.name, member.phone, member.version) == ("สมศรี ใจงาม", "0812345678", 3)
    # a third edit on version 1 changes the phone again: conflict, and the later op wins
    clash = do(world, "member.update", {"member_id": m, "fields": {"phone": "0899999999"}},
               base_version=1, device="phone-3")
    assert (clash.status, clash.reason) == ("needs_review", "edit_conflict")
    member = Member.get_by_id(m)
    assert (member.name, member.phone, member.version) == ("สมศรี ใจงาม", "0899999999", 4)
    review = ReviewItem.get(ReviewItem.op == sync_op(clash.op_id).id)
    assert review.books_said == {"version": 3, "fields": {"phone": "0812345678"}}
    # the loser is kept in history
    history = [(c.version, c.fields) for c in
               MemberChange.select().where(MemberChange.member == m).order_by(
                   MemberChange.version)]
    assert history == [(2, {"phone": [None, "0812345678"]}),
                       (3, {"name": ["สมศรี ใจดี", "สมศรี ใจงาม"]}),
                       (4, {"phone": ["0812345678", "0899999999"]})]
    # an edit on the current version is plain
    fresh = do(world, "member.update", {"member_id": m, "fields": {"phone": "0811111111"}},
               base_version=4)
    assert (fresh.status, Member.get_by_id(m).version) == ("accepted", 5)


# ---------------------------------------------------------------------------------- void


def test_void_reverses_the_entry_once(world):
    m = world.member_id
    wrong = deposit(world, m, 50_000)
    deposit(world, m, 20_000)
    assert savings_of(m) == 70_000
    voided = do(world, "void", {"target_op_id": wrong.op_id, "reason": "บันทึกผิดคน"})
    assert (voided.status, voided.reason) == ("accepted", None)
    assert savings_of(m) == 20_000
    assert group_totals(world.group.id)[books.CASH] == 20_000
    (original,) = txns_of(wrong.op_id)
    (reversal,) = txns_of(voided.op_id)
    assert (reversal.reverses_id, reversal.kind, reversal.memo, reversal.receipt_no) == (
        original.id, "reversal", "บันทึกผิดคน", None)
    assert reversal.created_by_id == world.users["treasurer"].id
    # the original op keeps its status; the journal keeps the original
    assert sync_op(wrong.op_id).status == "accepted"

    again = do(world, "void", {"target_op_id": wrong.op_id, "reason": "อีกครั้ง"})
    assert (again.status, again.reason) == ("rejected", "invalid")
    assert savings_of(m) == 20_000
    of_void = do(world, "void", {"target_op_id": voided.op_id, "reason": "ยกเลิกการยกเลิก"})
    assert (of_void.status, of_void.reason) == ("rejected", "invalid")
    assert savings_of(m) == 20_000
    assert ledger.audit() == ([], [])


def test_void_refuses_ops_that_moved_no_money_or_were_rejected_or_are_elsewhere(world):
    created = do(world, "member.create", {"member_id": str(uuid.uuid4()), "name": "ค",
                                          "joined_on": "2026-01-01"})
    refused = deposit(world, world.member_id, 0)
    assert refused.status == "rejected"
    other_member = str(uuid.uuid4())
    do(world, "member.create", {"member_id": other_member, "name": "ง",
                                "joined_on": "2026-01-01"}, by="other-treasurer",
       group=world.other)
    elsewhere = deposit(world, other_member, 10_000, by="other-treasurer", group=world.other)
    assert elsewhere.status == "accepted"
    before = JournalTxn.select().count()
    for target in (created, refused, elsewhere):
        result = do(world, "void", {"target_op_id": target.op_id, "reason": "ลอง"})
        assert (result.status, result.reason) == ("rejected", "invalid")
    assert JournalTxn.select().count() == before
    assert member_figures([other_member])[other_member]["savings"] == 10_000


def test_treasurer_voids_only_todays_entries_and_the_committee_older_ones(world):
    m = world.member_id
    early = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)  # already the 20th in Bangkok
    today_entry = deposit(world, m, 10_000, now=early, business_date=TODAY)
    old_entry = deposit(world, m, 20_000, now=early, business_date=YESTERDAY)
    assert savings_of(m) == 30_000
    voided = do(world, "void", {"target_op_id": today_entry.op_id, "reason": "ผิด"}, now=early)
    assert voided.status == "accepted"  # judged in Bangkok, not in UTC (still the 19th)
    refused = do(world, "void", {"target_op_id": old_entry.op_id, "reason": "ผิด"}, now=early)
    assert (refused.status, refused.reason) == ("rejected", "invalid")
    assert savings_of(m) == 20_000
    by_committee = do(world, "void", {"target_op_id": old_entry.op_id, "reason": "ผิด"},
                      now=early, by="committee")
    assert by_committee.status == "accepted"
    assert savings_of(m) == 0
    assert ledger.audit() == ([], [])


# ------------------------------------------------------------- a failing op leaves no trace


def test_a_refused_op_writes_only_its_rejection(world):
    deposit(world, world.member_id, 10_000)
    counts, counters, balances, versions = snapshot()
    result = withdraw(world, str(uuid.uuid4()), 5_000)  # unknown member
    assert (result.status, result.reason) == ("rejected", "invalid")
    after_counts, after_counters, after_balances, after_versions = snapshot()
    changed = {t: after_counts[t] - counts[t] for t in counts if after_counts[t] != counts[t]}
    assert changed == {"sync_op": 1, "audit_log": 1}
    assert after_counters == {**counters, SERVER_SEQ: counters[SERVER_SEQ] + 1}
    assert (after_balances, after_versions) == (balances, versions)
    assert current_value(receipt_counter(world.group.id)) == 1


def test_an_op_refused_after_it_posted_leaves_the_database_exactly_as_before(world):
    # interactive: the withdrawal is posted, then the overdrawn flag refuses the whole op
    m = world.member_id
    deposit(world, m, 10_000)
    deposit(world, m, 2_000)
    before = snapshot()
    for amount in (12_001, 50_000):
        assert withdraw(world, m, amount, interactive=True).status == "rejected"
        assert snapshot() == before
    assert withdraw(world, m, 12_000, interactive=True).status == "accepted"
    assert savings_of(m) == 0
    assert [t.receipt_no for t in JournalTxn.select().order_by(JournalTxn.id)] == [1, 2, 3]


# ------------------------------------------------------- malformed values (and bugs)


@pytest.mark.parametrize("fields", [
    {"name": None},
    {"name": "   "},
    {"name": "ก" * 201},
    {"phone": 812345678},
    {"phone": "12345"},
    {"national_id": 1112034563562},
    {"national_id": "1112034563561"},
    {"birth_date": "nope"},
    {"birth_date": "2026-02-30"},
    {"birth_date": 19800101},
    {"joined_on": None},
    {"gender": "x" * 11},
    {"address": "บ้านเลขที่ 1"},
    {"beneficiaries": "ลูกสาว"},
])
def test_member_update_with_malformed_values_is_rejected_invalid(world, fields):
    before = Member.get_by_id(world.member_id).__data__
    result = do(world, "member.update", {"member_id": world.member_id, "fields": fields})
    assert (result.status, result.reason) == ("rejected", "invalid")
    assert Member.get_by_id(world.member_id).__data__ == before
    assert MemberChange.select().count() == 0


@pytest.mark.parametrize("name", [["สมศรี"], {"first": "สมศรี"}, 12345])
def test_member_update_with_a_name_that_is_not_text_is_rejected_invalid(world, name):
    result = do(world, "member.update", {"member_id": world.member_id,
                                         "fields": {"name": name}})
    assert (result.status, result.reason) == ("rejected", "invalid")
    assert Member.get_by_id(world.member_id).name == "สมศรี ใจดี"


def test_member_create_with_a_name_longer_than_the_column_is_rejected_invalid(world):
    # core.ops lets text run to 2000 characters; the column holds 200
    member_id = str(uuid.uuid4())
    result = do(world, "member.create", {"member_id": member_id, "name": "ก" * 201,
                                         "joined_on": "2026-01-01"})
    assert (result.status, result.reason) == ("rejected", "invalid")
    assert Member.get_or_none(Member.id == member_id) is None


def test_an_out_of_range_device_seq_is_rejected_invalid(world):
    env = envelope(world, "savings.deposit", {"member_id": world.member_id,
                                              "amount_satang": 100}, device_seq=2**63)
    result = send(world, env)
    assert (result.status, result.reason) == ("rejected", "invalid")
    assert sync_op(env["op_id"]).status == "rejected"


def test_entries_of_an_open_meeting_are_the_treasurers_to_void_until_it_closes(world):
    m = world.member_id
    meeting_id = str(uuid.uuid4())
    assert do(world, "meeting.open", {"meeting_id": meeting_id, "date": "2026-11-19"},
              business_date=YESTERDAY).status == "accepted"
    first = do(world, "savings.deposit", {"member_id": m, "amount_satang": 10_000,
                                          "meeting_id": meeting_id}, business_date=YESTERDAY)
    second = do(world, "savings.deposit", {"member_id": m, "amount_satang": 20_000,
                                           "meeting_id": meeting_id}, business_date=YESTERDAY)
    assert txns_of(first.op_id)[0].meeting_id == meeting_id
    # the meeting (of yesterday) is still open: the treasurer may put its entries right
    assert do(world, "void", {"target_op_id": first.op_id, "reason": "ผิด"}).status == \
        "accepted"
    assert savings_of(m) == 20_000
    closed = do(world, "meeting.close", {"meeting_id": meeting_id,
                                         "counted_cash_satang": 20_000})
    assert closed.status == "accepted"
    assert group_totals(world.group.id)[books.CASH] == 20_000  # counted = expected: no posting
    refused = do(world, "void", {"target_op_id": second.op_id, "reason": "ผิด"})
    assert (refused.status, refused.reason) == ("rejected", "invalid")
    assert savings_of(m) == 20_000
    assert do(world, "void", {"target_op_id": second.op_id, "reason": "ผิด"},
              by="committee").status == "accepted"
    assert savings_of(m) == 0
    assert ledger.audit() == ([], [])


def test_an_entry_naming_another_groups_meeting_is_rejected(world):
    meeting_id = str(uuid.uuid4())
    assert do(world, "meeting.open", {"meeting_id": meeting_id, "date": "2026-11-20"},
              by="other-treasurer", group=world.other).status == "accepted"
    result = do(world, "savings.deposit", {"member_id": world.member_id, "amount_satang": 100,
                                           "meeting_id": meeting_id})
    assert (result.status, result.reason) == ("rejected", "invalid")
    assert JournalTxn.select().count() == 0
