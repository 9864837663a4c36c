"""The sync API on SQLite: a 500-op push, and the pull of a 300-member group.

Run: `python -m bench.sync_push`. The members are registered beforehand; the push is 500
deposits in one request through the HTTP test client (signed in, the JSON the phone sends),
each op applied exactly once in its own transaction with its sync_op row, review check and
audit row. The baseline, measured in the same run on the same database, writes the same journal
rows with plain Peewee in one transaction: per deposit a JournalTxn, two JournalLines and the
two balance updates, nothing else. Targets on a 2-core machine: the push under 0.5 s and within
3x of the baseline; the full pull (cursor 0) of the group under 100 KB compressed.
"""

import json
import statistics
import time
import uuid

from bench.common import gzip_kb, print_figures, scratch_app
from bench.meeting_screen import build_group

MEMBERS = 300
OPS = 500
REPEAT = 3


def _deposits(group, member_ids, today, count) -> list[dict]:
    return [{"op_id": str(uuid.uuid4()), "group_id": group.id, "type": "savings.deposit",
             "business_date": today, "recorded_at": "2026-11-20T10:00:00+07:00",
             "device_seq": n, "payload": {"member_id": member_ids[n % len(member_ids)],
                                          "amount_satang": 10_001 + n}}
            for n in range(count)]


def _baseline(group, member_ids, today, count) -> float:
    """The same journal rows, written with plain Peewee in one transaction."""
    from core import books
    from core.store.db import database
    from core.store.models import Account, JournalLine, JournalTxn

    accounts = {a.key: a.id for a in Account.select(Account.id, Account.key).where(
        Account.group == group.id)}
    cash = accounts[books.CASH]
    start = time.perf_counter()
    with database.atomic():
        for n in range(count):
            member_id = member_ids[n % len(member_ids)]
            savings = accounts[books.account_key(books.SAVINGS, member_id)]
            amount = 10_000 + n
            txn = JournalTxn.create(group=group.id, kind="savings.deposit", business_date=today,
                                    member=member_id)
            JournalLine.insert_many([
                {"group": group.id, "txn": txn.id, "account": cash, "amount": amount},
                {"group": group.id, "txn": txn.id, "account": savings, "amount": -amount},
            ]).execute()
            for account, delta in ((cash, amount), (savings, -amount)):
                Account.update(balance=Account.balance + delta).where(
                    Account.id == account).execute()
    return time.perf_counter() - start


def run(members: int = MEMBERS, ops: int = OPS, repeat: int = REPEAT) -> dict:
    from core.store import ledger
    from core.store.models import Member
    from core.thaidate import today_in

    with scratch_app() as app:
        with app.app_context():
            group, _meeting = build_group(members)
            member_ids = [m.id for m in Member.select(Member.id).where(Member.group == group.id)
                          .order_by(Member.member_no)]
            today = today_in(group.timezone).isoformat()
        client = app.test_client()
        client.post("/login", data={"username": "bench-treasurer",
                                    "password": "bench password 1"})
        client.post("/api/v1/sync/push", json={"device_id": "bench-phone", "ops": []})
        push_s, baseline_s = [], []
        for _ in range(repeat):
            body = {"device_id": "bench-phone", "ops": _deposits(group, member_ids, today, ops)}
            start = time.perf_counter()
            response = client.post("/api/v1/sync/push", json=body)
            push_s.append(time.perf_counter() - start)
            statuses = {r["status"] for r in response.get_json()["results"]}
            assert response.status_code == 200 and statuses == {"accepted"}, statuses
            with app.app_context():
                baseline_s.append(_baseline(group, member_ids, today, ops))
        start = time.perf_counter()
        pulled = client.get("/api/v1/sync/pull?cursor=0&device_id=bench-phone")
        pull_ms = (time.perf_counter() - start) * 1000
        answer = pulled.get_json()
        assert len(answer["members"]) == members
        with app.app_context():
            assert ledger.audit() == ([], [])
        push, baseline = statistics.median(push_s), statistics.median(baseline_s)
        # what a phone that already has everything gets: the members, without its op results
        members_only = json.dumps({**answer, "op_results": []}).encode()
        return {
            "ops": ops,
            "push_s": round(push, 3),
            "push_best_s": round(min(push_s), 3),
            "ops_per_s": round(ops / push),
            "baseline_s": round(baseline, 3),
            "ratio_vs_baseline": round(push / baseline, 2),
            "pull_members": members,
            "pull_ms": round(pull_ms, 1),
            "pull_kb": round(len(pulled.get_data()) / 1024, 1),
            "pull_gzip_kb": gzip_kb(pulled.get_data()),
            "pull_gzip_kb_without_op_results": gzip_kb(members_only),
        }


if __name__ == "__main__":
    print_figures(run())
