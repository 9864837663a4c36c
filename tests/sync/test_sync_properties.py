"""The sync contract as a stateful property: several phones record money for the same members
into their own outboxes and deliver them in every way the field does it.

Rules: record an entry (deposits, withdrawals, fines charged and paid, welfare contributions,
now and then a malformed one); push a prefix of an outbox; push and lose the answer (the phone
keeps the ops); push the same ops twice; push an outbox in another order; interleave phones op
by op; push while the session has ended (401: nothing applied, outbox kept); push into a
database that fails for a moment part-way (`retry_later` for the rest); pull and settle the
outbox from `op_results`.

After every step: the ops in the books are exactly the ones delivered with a 200, none has two
effects, every acknowledged op is there once (a rejected one with no effect), each member's
balances are the sum of their delivered entries, and the books pass the audit. At the end of
each run every outbox is flushed: nothing is lost and the final books are the sum of everything
recorded, whatever the delivery order was.

Budget: one database per test, a fresh group per example, 10 steps per example; 200 examples
with a fixed seed (SAJJA_SYNC_EXAMPLES sets another number).
"""

import os
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from peewee import OperationalError, fn

from core import books
from core.store import groups as group_store
from core.store import ledger, users
from core.store.counters import SERVER_SEQ, current_value
from core.store.handlers import HANDLERS
from core.store.models import Account, JournalLine, JournalTxn, SyncOp, User, UserGroup
from core.store.operations import Actor, apply_operation
from core.store.summaries import group_totals, member_figures
from core.thaidate import today_in
from tests.sync.phones import PUSH, Phone

EXAMPLES = int(os.environ.get("SAJJA_SYNC_EXAMPLES", "200"))
DEVICES = (("staff", "tablet-a"), ("staff", "phone-b"), ("field", "phone-c"))
MEMBERS = 3
# type -> what it does to (savings, welfare_contributed, fines_due, cash)
EFFECTS = {
    "savings.deposit": (1, 0, 0, 1),
    "savings.withdraw": (-1, 0, 0, -1),
    "welfare.contribute": (0, 1, 0, 1),
    "fine.charge": (0, 0, 1, 0),
    "fine.pay": (0, 0, -1, 1),
}
AMOUNTS = [100, 2_000, 5_000, 10_000, 25_050]  # few, so the same entry comes twice
MALFORMED = ["100", 0, -500, 10.5]  # what no phone should send: about one entry in ten
ENTRY = st.tuples(st.sampled_from([d for _, d in DEVICES]), st.integers(0, MEMBERS - 1),
                  st.sampled_from(sorted(EFFECTS)),
                  st.sampled_from(AMOUNTS * 7 + MALFORMED))  # (device, member, type, amount)
APPLIED = ("accepted", "needs_review")


@contextmanager
def failing_after(applied: int):
    """The database fails (as when locked) once `applied` new entries went through."""
    saved = {op_type: HANDLERS[op_type] for op_type in EFFECTS}
    calls = [0]

    def flaky(real):
        def handler(ctx):
            if calls[0] >= applied:
                raise OperationalError("database is locked")
            calls[0] += 1
            real(ctx)
        return handler

    HANDLERS.update({op_type: flaky(real) for op_type, real in saved.items()})
    try:
        yield
    finally:
        HANDLERS.update(saved)


class SyncMachine(RuleBasedStateMachine):
    phones: dict[str, Phone] = {}
    signed_out = None
    users: dict[str, User] = {}

    def __init__(self):
        super().__init__()
        self.group = group_store.create_group(f"กลุ่ม {uuid.uuid4().hex[:8]}")
        for user in self.users.values():
            UserGroup.create(user=user.id, group=self.group.id)
        self.today = today_in(self.group.timezone).isoformat()
        self.members = []
        for n in range(MEMBERS):
            member_id = str(uuid.uuid4())
            result = apply_operation(Actor(self.users["staff"], "setup"), self.envelope(
                "member.create", {"member_id": member_id, "name": f"สมาชิก {n}",
                                  "joined_on": "2025-01-01"}))
            assert result.status == "accepted", result
            self.members.append(member_id)
        self.outbox = {device: [] for _, device in DEVICES}
        self.effects: dict[str, tuple[str, str, int] | None] = {}  # None: malformed
        self.delivered: set[str] = set()  # answered with a 200 at least once
        self.settled: dict[str, str] = {}  # op_id -> the final status the phone saw
        # the phones pulled just before this group was made: later pulls see only this run
        self.cursors = dict.fromkeys((d for _, d in DEVICES), current_value(SERVER_SEQ))

    def envelope(self, op_type, payload):
        return {"op_id": str(uuid.uuid4()), "group_id": self.group.id, "type": op_type,
                "business_date": self.today, "recorded_at": datetime.now(UTC).isoformat(),
                "payload": payload}

    # ------------------------------------------------------------------ recording

    def write(self, device, member, op_type, amount):
        env = self.envelope(op_type, {"member_id": self.members[member],
                                      "amount_satang": amount})
        self.outbox[device].append(env)
        # a malformed amount is rejected and never reaches the books
        valid = type(amount) is int and amount > 0
        self.effects[env["op_id"]] = (self.members[member], op_type, amount) if valid else None

    @initialize(entries=st.lists(ENTRY, min_size=3, max_size=12))
    def a_morning_of_entries(self, entries):
        for entry in entries:
            self.write(*entry)

    @rule(entries=st.lists(ENTRY, min_size=1, max_size=4))
    def record(self, entries):
        for entry in entries:
            self.write(*entry)

    # ------------------------------------------------------------------- delivery

    def push(self, device, ops, *, lose_answer=False):
        results = self.phones[device].push(ops)
        assert [r["op_id"] for r in results] == [o["op_id"] for o in ops]
        busy = False
        for env, result in zip(ops, results, strict=True):
            op_id, status = env["op_id"], result["status"]
            if busy or status == "retry_later":
                busy = True  # after a transient failure nothing more is tried
                assert (status, result["server_seq"]) == ("retry_later", None), result
                continue
            if self.effects[op_id] is None:
                assert (status, result["reason"]) == ("rejected", "invalid"), result
            elif op_id in self.delivered:
                assert status == "duplicate", result
            else:
                assert status in APPLIED, result
            self.delivered.add(op_id)
            if not lose_answer:
                self.settle(device, op_id, status)
        return results

    def settle(self, device, op_id, status):
        self.settled.setdefault(op_id, status)
        self.outbox[device] = [o for o in self.outbox[device] if o["op_id"] != op_id]

    def waiting(self, data) -> str:
        """A phone with something in its outbox."""
        return data.draw(st.sampled_from([d for d, ops in self.outbox.items() if ops]),
                         label="device")

    @precondition(lambda self: any(self.outbox.values()))
    @rule(data=st.data(), count=st.integers(1, 8))
    def push_prefix(self, data, count):
        device = self.waiting(data)
        self.push(device, self.outbox[device][:count])

    @precondition(lambda self: any(self.outbox.values()))
    @rule(data=st.data(), count=st.integers(1, 8))
    def push_and_lose_the_answer(self, data, count):
        device = self.waiting(data)
        self.push(device, self.outbox[device][:count], lose_answer=True)

    @precondition(lambda self: any(self.outbox.values()))
    @rule(data=st.data(), count=st.integers(1, 8))
    def push_twice(self, data, count):
        device = self.waiting(data)
        ops = self.outbox[device][:count]
        first = self.push(device, ops, lose_answer=True)
        second = self.push(device, ops)
        for one, two in zip(first, second, strict=True):
            assert one["server_seq"] == two["server_seq"]

    @precondition(lambda self: any(self.outbox.values()))
    @rule(data=st.data())
    def push_in_another_order(self, data):
        device = self.waiting(data)
        ops = self.outbox[device]
        order = data.draw(st.permutations(range(len(ops))), label="order")
        self.push(device, [ops[i] for i in order])

    @precondition(lambda self: any(self.outbox.values()))
    @rule(devices=st.permutations([d for _, d in DEVICES]), rounds=st.integers(1, 3))
    def interleave_phones(self, devices, rounds):
        for _ in range(rounds):
            for device in devices:
                if self.outbox[device]:
                    self.push(device, self.outbox[device][:1])

    @precondition(lambda self: any(self.outbox.values()))
    @rule(data=st.data(), applied=st.integers(0, 3))
    def push_while_the_database_fails(self, data, applied):
        device = self.waiting(data)
        with failing_after(applied):
            self.push(device, self.outbox[device])

    @precondition(lambda self: any(self.outbox.values()))
    @rule(data=st.data())
    def push_after_the_session_ended(self, data):
        device = self.waiting(data)
        before = SyncOp.select().count()
        response = self.signed_out.post(PUSH, json={"device_id": device,
                                                    "ops": self.outbox[device]})
        assert response.status_code == 401 and response.get_json()["error"]
        assert SyncOp.select().count() == before  # nothing applied; the outbox is kept

    @precondition(lambda self: self.delivered)
    @rule(device=st.sampled_from([d for _, d in DEVICES]))
    def pull_and_settle(self, device):
        answer = self.phones[device].pull(self.cursors[device])
        assert answer["cursor"] >= self.cursors[device]
        self.cursors[device] = answer["cursor"]
        waiting = {o["op_id"] for o in self.outbox[device]}
        for result in answer["op_results"]:
            if result["op_id"] in waiting:
                assert result["op_id"] in self.delivered
                self.settle(device, result["op_id"], result["status"])

    # ------------------------------------------------------------------ invariants

    def expected(self, op_ids) -> tuple[dict, int]:
        figures = {m: {"savings": 0, "welfare_contributed": 0, "fines_due": 0}
                   for m in self.members}
        cash = 0
        for op_id in op_ids:
            effect = self.effects[op_id]
            if effect is None:
                continue
            member, op_type, amount = effect
            savings, welfare, fines, to_cash = EFFECTS[op_type]
            figures[member]["savings"] += savings * amount
            figures[member]["welfare_contributed"] += welfare * amount
            figures[member]["fines_due"] += fines * amount
            cash += to_cash * amount
        return figures, cash

    def check_books(self, op_ids):
        actual = member_figures(self.members)
        expected, cash = self.expected(op_ids)
        for member in self.members:
            assert {k: actual[member][k] for k in expected[member]} == expected[member]
        assert group_totals(self.group.id).get(books.CASH, 0) == cash

    @invariant()
    def the_books_hold_exactly_what_was_delivered(self):
        recorded = list(self.effects)
        in_books = set(SyncOp.select(SyncOp.op_id).where(SyncOp.op_id.in_(recorded))
                       .tuples().iterator()) if recorded else set()
        assert {op_id for (op_id,) in in_books} == self.delivered
        effects = dict(JournalTxn.select(SyncOp.op_id, fn.COUNT(JournalTxn.id))
                       .join(SyncOp, on=(JournalTxn.op == SyncOp.id))
                       .where(JournalTxn.group == self.group.id)
                       .group_by(SyncOp.op_id).tuples())
        assert all(count == 1 for count in effects.values()), effects  # no op twice
        assert set(effects) == {o for o in self.delivered if self.effects[o] is not None}
        for op_id, status in self.settled.items():
            assert (op_id in effects) == (status != "rejected")
        self.check_books(self.delivered)
        self.audit_group()

    def audit_group(self):
        """ledger.audit() for this group only (the whole database grows with every run)."""
        sums = dict(JournalLine.select(JournalLine.account, fn.SUM(JournalLine.amount))
                    .where(JournalLine.group == self.group.id)
                    .group_by(JournalLine.account).tuples())
        for account_id, balance in Account.select(Account.id, Account.balance).where(
                Account.group == self.group.id).tuples():
            assert balance == int(sums.get(account_id) or 0)
        assert not (JournalLine.select(JournalLine.txn)
                    .where(JournalLine.group == self.group.id).group_by(JournalLine.txn)
                    .having(fn.SUM(JournalLine.amount) != 0).exists())

    def teardown(self):
        for device, ops in self.outbox.items():
            while ops:
                self.push(device, ops[:500])
                ops = self.outbox[device]
        assert self.delivered == set(self.effects)  # nothing lost
        for op_id, effect in self.effects.items():
            assert self.settled[op_id] in (("rejected",) if effect is None
                                           else (*APPLIED, "duplicate"))
        self.the_books_hold_exactly_what_was_delivered()
        self.check_books(self.effects)  # everything recorded, in whatever order it came
        # the next run's phones see only the next run's group
        UserGroup.delete().where(UserGroup.group == self.group.id).execute()


def test_any_delivery_order_gives_the_same_books(app, world):
    field = users.create_user("field", world.PASSWORD, "staff", group_ids=[world.group.id])
    SyncMachine.users = {"staff": User.get(User.username == "staff"), "field": field}
    SyncMachine.phones = {device: Phone(app, username, device) for username, device in DEVICES}
    SyncMachine.signed_out = app.test_client()
    run_state_machine_as_test(SyncMachine, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=10, derandomize=True, database=None,
        deadline=None, suppress_health_check=list(HealthCheck)))
    assert ledger.audit() == ([], [])
