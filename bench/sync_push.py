"""The sync API: a 500-op push, and the pull of a 300-member group.

Run: `python -m bench.sync_push [--database sqlite|postgresql|URL]`. The members are
registered beforehand; the push is 500 deposits in one request through the HTTP test client
(signed in, the JSON the phone sends), each op applied exactly once with its sync_op row,
duplicate check, receipt hook and audit row. The baseline, measured in the same run on the same
database, writes the same journal rows with plain Peewee in one transaction: per deposit a
JournalTxn, two JournalLines and the two balance updates, nothing else.

The push is applied in this process (the test client calls the app directly), so the peak RSS
reported is this process's high-water mark while the push ran (reset just before it where
Linux allows; otherwise the whole run's peak, an upper bound).

Targets on a 2-core machine: the push under 0.5 s (1,000 ops/s) and within 3x of the baseline;
the process under 150 MB while applying it; the full pull (cursor 0) of the group under 100 KB
compressed. CPU seconds are given beside the wall-clock ones: a machine busy with other work
slows the wall clock, not the CPU time. PostgreSQL runs on a scratch database of its own,
created and dropped here.
"""

import argparse
import json
import os
import resource
import statistics
import time
import uuid
from contextlib import contextmanager

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


def _baseline(group, member_ids, today, count) -> tuple[float, float]:
    """The same journal rows, written with plain Peewee in one transaction: (wall, CPU) s."""
    from core import books
    from core.store.db import database
    from core.store.models import Account, JournalLine, JournalTxn

    accounts = {a.key: a.id for a in Account.select(Account.id, Account.key).where(
        Account.group == group.id)}
    cash = accounts[books.CASH]
    start, cpu = time.perf_counter(), time.process_time()
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
    timed = time.perf_counter() - start, time.process_time() - cpu
    _add_month_totals(group.id, today, sum(10_000 + n for n in range(count)))
    return timed


def _add_month_totals(group_id: str, today: str, total: int) -> None:
    """The monthly totals ledger.post keeps, for the baseline's rows and after its timing (the
    baseline stays what it always was), so that the audit at the end still holds."""
    from peewee import EXCLUDED

    from core import books
    from core.store.models import MonthTotal

    month = int(today[:4]) * 100 + int(today[5:7])
    for code, debit, credit, members in ((books.CASH, total, 0, 0),
                                         (books.SAVINGS, 0, total, -total)):
        MonthTotal.insert(group=group_id, month=month, code=code, debit=debit, credit=credit,
                          members=members).on_conflict(
            conflict_target=[MonthTotal.group, MonthTotal.month, MonthTotal.code],
            update={MonthTotal.debit: MonthTotal.debit + EXCLUDED.debit,
                    MonthTotal.credit: MonthTotal.credit + EXCLUDED.credit,
                    MonthTotal.members: MonthTotal.members + EXCLUDED.members}).execute()


def _reset_peak_rss() -> bool:
    """Start a new high-water mark for this process's RSS (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def _copied_database(url: str):
    """A copy of the database at `url`, beside it, removed afterwards: SQLite's online backup
    into a new file, or a PostgreSQL database made from it as a template."""
    if url.startswith("sqlite:"):
        import sqlite3

        source_path = url.split(":///", 1)[1]
        path = f"{source_path}.sync-{uuid.uuid4().hex[:8]}"
        source, copy = sqlite3.connect(source_path), sqlite3.connect(path)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in (path, f"{path}-wal", f"{path}-shm"):
                if os.path.exists(leftover):
                    os.remove(leftover)
        return
    server, source_name = url.rsplit("/", 1)
    with _postgres_database(f"{server}/postgres", f"{source_name}_sync", source_name) as copy:
        yield copy


@contextmanager
def _scratch_database(database: str | None):
    """A URL for an empty database: None for a SQLite file (scratch_app makes one), or a
    PostgreSQL database of its own on the server `database` names, dropped afterwards."""
    if database in (None, "", "sqlite"):
        yield None
        return
    if database.startswith("sqlite:"):
        yield database  # the caller's file: it must be empty
        return
    server = (os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
              if database in ("postgresql", "postgres") else database)
    with _postgres_database(server, "sajja_bench_sync") as scratch:
        yield scratch


@contextmanager
def _postgres_database(server: str, prefix: str, template: str | None = None):
    """A database of its own on the server (a copy of `template` when given), dropped after."""
    import psycopg2
    from psycopg2 import sql

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    admin = psycopg2.connect(server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(create)
    try:
        yield f"{server.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
        admin.close()


def run(members: int = MEMBERS, ops: int = OPS, repeat: int = REPEAT,
        database: str | None = None, copy_of: str | None = None) -> dict:
    """`database`: None or "sqlite" (a scratch file), "postgresql" (a scratch database on the
    test server) or a PostgreSQL server URL to make the scratch database on. `copy_of`: the
    URL of a generated network instead: the push goes into a new group of a copy of it, so
    the journal it joins is that network's (the copy is removed afterwards)."""
    from core.store import ledger
    from core.store.models import Member
    from core.thaidate import today_in

    scratch = _copied_database(copy_of) if copy_of else _scratch_database(database)
    with scratch as url, scratch_app(url) as app:
        with app.app_context():
            group, _meeting = build_group(members, prefix="bench-sync" if copy_of else "bench")
            member_ids = [m.id for m in Member.select(Member.id).where(Member.group == group.id)
                          .order_by(Member.member_no)]
            today = today_in(group.timezone).isoformat()
        client = app.test_client()
        client.post("/login", data={"username": ("bench-sync" if copy_of else "bench")
                                    + "-treasurer",
                                    "password": "bench password 1"})
        client.post("/api/v1/sync/push", json={"device_id": "bench-phone", "ops": []})
        push_s, push_cpu_s, baseline_s, baseline_cpu_s, peaks = [], [], [], [], []
        for _ in range(repeat):
            body = {"device_id": "bench-phone", "ops": _deposits(group, member_ids, today, ops)}
            reset = _reset_peak_rss()
            start, cpu = time.perf_counter(), time.process_time()
            response = client.post("/api/v1/sync/push", json=body)
            push_s.append(time.perf_counter() - start)
            push_cpu_s.append(time.process_time() - cpu)
            peaks.append(_peak_rss_mb())
            statuses = {r["status"] for r in response.get_json()["results"]}
            assert response.status_code == 200 and statuses == {"accepted"}, statuses
            with app.app_context():
                wall, cpu = _baseline(group, member_ids, today, ops)
                baseline_s.append(wall)
                baseline_cpu_s.append(cpu)
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
            "database": "sqlite" if url is None or url.startswith("sqlite") else "postgresql",
            "ops": ops,
            "sync_ops_per_s": round(ops / push),
            "push_s": round(push, 3),
            "push_best_s": round(min(push_s), 3),
            "push_cpu_s": round(statistics.median(push_cpu_s), 3),
            "baseline_s": round(baseline, 3),
            "baseline_cpu_s": round(statistics.median(baseline_cpu_s), 3),
            "sync_ratio_vs_raw": round(push / baseline, 2),
            "peak_rss_mb": max(peaks),
            "peak_rss_measured": "during the push" if reset else "whole process",
            "pull_members": members,
            "pull_ms": round(pull_ms, 1),
            "pull_kb": round(len(pulled.get_data()) / 1024, 1),
            "pull_gzip_kb": gzip_kb(pulled.get_data()),
            "pull_gzip_kb_without_op_results": gzip_kb(members_only),
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.sync_push",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="sqlite",
                        help="sqlite (a scratch file), postgresql (a scratch database on the "
                             "test server), or a PostgreSQL server URL")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    arguments = parser.parse_args()
    print_figures(run(repeat=arguments.repeat, database=arguments.database))
