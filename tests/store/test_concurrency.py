"""Two phones syncing at the same moment: the same op from two requests is applied once, and
different ops on the same member all land. Runs on SQLite (busy_timeout and IMMEDIATE
transactions) and on PostgreSQL (row locks, unique constraints) alike.

Each thread opens its own connection: Peewee keeps connections per thread.
"""

import threading
import uuid
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher

from core.store import ledger, users
from core.store.models import JournalTxn, Member, SyncOp
from core.store.operations import Actor, apply_operation
from core.store.summaries import group_totals, member_figures
from tests.conftest import together

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok
TODAY = "2026-11-20"


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                         parallelism=1))


def envelope(group, op_type, payload, op_id=None):
    return {"op_id": op_id or str(uuid.uuid4()), "group_id": group.id, "type": op_type,
            "business_date": TODAY, "payload": payload}


def deposit_env(world, member_id, amount, op_id=None):
    return envelope(world.group, "savings.deposit",
                    {"member_id": member_id, "amount_satang": amount}, op_id)


def test_the_same_envelope_from_two_requests_at_once_is_applied_once(world):
    treasurer, staff = world.users["treasurer"], world.users["staff"]
    rounds = 4
    for n in range(rounds):
        env = deposit_env(world, world.member_id, 10_000)
        # the same phone's retry racing its first send, or two tabs
        actors = [Actor(treasurer, "phone-1"), Actor(staff if n % 2 else treasurer, "phone-1")]
        results = together(lambda i, env=env, actors=actors: apply_operation(
            actors[i], dict(env), now=NOW), 2)
        assert sorted(r.status for r in results) == ["accepted", "duplicate"], results
        assert results[0].server_seq == results[1].server_seq
        row = SyncOp.get(SyncOp.op_id == env["op_id"])
        assert (row.status, row.server_seq) == ("accepted", results[0].server_seq)
        assert JournalTxn.select().where(JournalTxn.op == row.id).count() == 1
    assert member_figures([world.member_id])[world.member_id]["savings"] == rounds * 10_000
    assert group_totals(world.group.id)["1010"] == rounds * 10_000
    assert SyncOp.select().where(SyncOp.type == "savings.deposit").count() == rounds
    receipts = sorted(t.receipt_no for t in JournalTxn.select())
    assert receipts == [1, 2, 3, 4]
    assert ledger.audit() == ([], [])


def test_one_op_id_with_two_payloads_at_once_applies_exactly_one(world):
    op_id = str(uuid.uuid4())
    envs = [deposit_env(world, world.member_id, 10_000, op_id),
            deposit_env(world, world.member_id, 99_900, op_id)]
    actor = Actor(world.users["treasurer"], "phone-1")
    results = together(lambda i: apply_operation(actor, envs[i], now=NOW), 2)
    by_status = {r.status: (i, r) for i, r in enumerate(results)}
    assert set(by_status) == {"accepted", "rejected"}, results
    winner, _ = by_status["accepted"]
    assert by_status["rejected"][1].reason == "op_id_reused"
    expected = envs[winner]["payload"]["amount_satang"]
    assert member_figures([world.member_id])[world.member_id]["savings"] == expected
    assert JournalTxn.select().count() == 1
    assert ledger.audit() == ([], [])


def test_four_deposits_into_one_member_at_once_all_land(world):
    # a member with no savings account yet: the account is made by whichever comes first
    member_id = str(uuid.uuid4())
    created = apply_operation(Actor(world.users["treasurer"], "phone-1"), envelope(
        world.group, "member.create", {"member_id": member_id, "name": "บุญมี ศรีสุข",
                                       "joined_on": "2026-01-10"}), now=NOW)
    assert created.status == "accepted"
    amounts = [10_000, 25_050, 3_375, 100]
    envs = [deposit_env(world, member_id, amount) for amount in amounts]
    actors = [Actor(world.users[who], f"phone-{i}")
              for i, who in enumerate(("treasurer", "staff", "committee", "treasurer"))]
    results = together(lambda i: apply_operation(actors[i], envs[i], now=NOW), 4)
    assert [r.status for r in results] == ["accepted"] * 4, results
    assert len({r.server_seq for r in results}) == 4
    assert member_figures([member_id])[member_id]["savings"] == 38_525  # 385.25 baht
    assert group_totals(world.group.id)["1010"] == 38_525
    assert sorted(t.receipt_no for t in JournalTxn.select()) == [1, 2, 3, 4]
    assert ledger.audit() == ([], [])


def test_four_new_members_at_once_get_distinct_numbers(world):
    ids = [str(uuid.uuid4()) for _ in range(4)]
    actor = Actor(world.users["treasurer"], "phone-1")
    results = together(lambda i: apply_operation(actor, envelope(
        world.group, "member.create", {"member_id": ids[i], "name": f"สมาชิก {i}",
                                       "joined_on": "2026-01-10"}), now=NOW), 4)
    assert [r.status for r in results] == ["accepted"] * 4, results
    numbers = sorted(Member.get_by_id(i).member_no for i in ids)
    assert numbers == [2, 3, 4, 5]  # the world's member is no. 1


def test_a_race_past_the_existence_check_still_applies_once(world, monkeypatch):
    """Hold both requests after they found no stored op, so both try to record it: the
    unique op_id must turn the loser into a duplicate. (On SQLite the IMMEDIATE transaction
    keeps the second request out, so the hold times out and it finds the stored op.)"""
    from core.store import operations

    hold = threading.Barrier(2)
    real_may_apply = operations.may_apply

    def may_apply_after_both_looked(*args):
        try:
            hold.wait(timeout=1.5)
        except threading.BrokenBarrierError:
            pass
        return real_may_apply(*args)

    monkeypatch.setattr(operations, "may_apply", may_apply_after_both_looked)
    env = deposit_env(world, world.member_id, 10_000)
    actor = Actor(world.users["treasurer"], "phone-1")
    results = together(lambda i: apply_operation(actor, dict(env), now=NOW), 2)
    assert sorted(r.status for r in results) == ["accepted", "duplicate"], results
    assert results[0].server_seq == results[1].server_seq
    assert member_figures([world.member_id])[world.member_id]["savings"] == 10_000
    assert JournalTxn.select().count() == 1
    assert SyncOp.select().where(SyncOp.op_id == env["op_id"]).count() == 1
    assert ledger.audit() == ([], [])
