"""Eight phones push into one group at the same instant, over the real sync API.

Each phone is its own signed-in client (the treasurer on four, the field staff on four), with
deposits and welfare contributions for the same eight members, and four entries that every
phone holds in its outbox (the same op_id and payload, as a shared tablet's outbox copied to
all of them would). A phone resends whatever came back `retry_later` until nothing is left,
as the outbox does. Afterwards: no answer was a 5xx, every op is in the books exactly once, the
balances are the hand totals, and the audit is clean. On SQLite the writers queue on the write
lock (and may be told `retry_later`); on PostgreSQL they meet on row locks and the unique op_id.
"""

import random
import time
from collections import Counter

from core import books
from core.store import ledger
from core.store.models import JournalTxn, SyncOp
from core.store.summaries import member_figures
from tests.conftest import together
from tests.sync.phones import Phone, op

DEVICES = 8
FINAL = {"accepted", "duplicate"}


def _outboxes(world, members):
    """Device d: a deposit of 1,000.00 + d baht for each member; its own member's welfare
    contribution of 30 baht, two months (60 baht) for the next member; and the shared four.
    Amounts differ between phones so that none is flagged as a possible duplicate."""
    group = world.group
    shared = [op(group, "savings.deposit", {"member_id": members[0], "amount_satang": 5_000})
              for _ in range(4)]  # 4 × 50.00 baht for member 1, each in every outbox
    outboxes = []
    for d in range(DEVICES):
        ops = [op(group, "savings.deposit", {"member_id": m, "amount_satang": 100_000 + 100 * d})
               for m in members]
        ops.append(op(group, "welfare.contribute", {"member_id": members[d],
                                                    "amount_satang": 3_000}))
        ops.append(op(group, "welfare.contribute", {"member_id": members[(d + 1) % DEVICES],
                                                    "amount_satang": 6_000}))
        ops += [dict(shared_op) for shared_op in shared]
        random.Random(d).shuffle(ops)  # each phone recorded in its own order
        outboxes.append(ops)
    return outboxes, shared


def _flush(phone, outbox, http_statuses):
    """Send the outbox until every op has a final answer; the final status of each op."""
    pending, final = list(outbox), {}
    for attempt in range(60):
        response = phone.post({"device_id": phone.device_id, "ops": pending})
        http_statuses.append(response.status_code)
        if response.status_code != 200:
            time.sleep(0.05 * (attempt + 1))
            continue
        results = response.get_json()["results"]
        assert [r["op_id"] for r in results] == [o["op_id"] for o in pending]
        for result in results:
            if result["status"] != "retry_later":
                final[result["op_id"]] = result["status"]
        pending = [o for o in pending if o["op_id"] not in final]
        if not pending:
            return final
        time.sleep(0.02 * (attempt + 1))
    raise AssertionError(f"{phone.device_id}: {len(pending)} ops never got a final answer")


def test_eight_devices_pushing_into_one_group_at_once(app, world):
    members = [world.member_id] + [world.add_member(f"สมาชิก ทดสอบ {n}") for n in range(2, 9)]
    outboxes, shared = _outboxes(world, members)
    phones = [Phone(app, "treasurer" if d % 2 == 0 else "staff", f"phone-{d + 1}")
              for d in range(DEVICES)]
    http_statuses: list[int] = []
    finals = together(lambda d: _flush(phones[d], outboxes[d], http_statuses), DEVICES)

    assert http_statuses and all(code == 200 for code in http_statuses), Counter(http_statuses)
    for d, final in enumerate(finals):
        assert set(final.values()) <= FINAL, (d, Counter(final.values()))
    # each shared op applied for exactly one phone; the seven others were told `duplicate`
    for shared_op in shared:
        answers = Counter(final[shared_op["op_id"]] for final in finals)
        assert answers == {"accepted": 1, "duplicate": DEVICES - 1}, answers
    # every distinct op exactly once in sync_op, with exactly one journal transaction
    distinct = {o["op_id"] for outbox in outboxes for o in outbox}
    assert len(distinct) == DEVICES * (DEVICES + 2) + 4  # 80 own ops and the shared four
    assert SyncOp.select().where(SyncOp.op_id.in_(list(distinct))).count() == len(distinct)
    txns = Counter(t.op.op_id for t in JournalTxn.select(JournalTxn, SyncOp)
                   .join(SyncOp, on=(JournalTxn.op == SyncOp.id))
                   .where(SyncOp.op_id.in_(list(distinct))))
    assert set(txns) == distinct and set(txns.values()) == {1}

    # by hand: every member got 1,000.00 + 1.00 × d baht from each phone d = 0..7, that is
    # 8,000.00 + 28.00 = 8,028.00 baht; member 1 also the shared 4 × 50.00 = 200.00 baht
    figures = member_figures(members)
    assert figures[members[0]]["savings"] == 822_800
    assert all(figures[m]["savings"] == 802_800 for m in members[1:])
    # welfare: 30 baht from the member's own phone and 60 baht from the phone before it
    assert all(figures[m]["welfare_contributed"] == 9_000 for m in members)
    # the cash box: 8 × 8,028.00 + 200.00 + 8 × 90.00 = 65,144.00 baht
    assert ledger.balance_of(world.group.id, books.CASH) == 6_514_400
    assert ledger.audit() == ([], [])

