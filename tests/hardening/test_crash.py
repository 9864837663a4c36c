"""Crashes and faults with the real app in a subprocess: killed with `kill -9` in the middle of
a 500-op push, restarted, the push sent again: every op applied once, the books exact, and
`flask audit` clean. On PostgreSQL, the app's connection cut from outside mid-batch: no op
half-applied, and sending again mends it. (A locked SQLite database giving `retry_later` is
tests/sync/test_push_batch.py's.)"""

import threading
import time
import uuid

import pytest

from core.store.db import database, open_database
from core.store.summaries import member_figures
from core.thaidate import today_in
from tests.conftest import BACKEND
from tests.hardening.server import Device, Server, environment, flask, load_demo

PUSH_SIZE = 500


class Watcher:
    """A second connection to the server's database, reading what is committed."""

    def __init__(self, url: str):
        if url.startswith("sqlite:///"):
            import sqlite3

            self.connection = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
        else:
            import psycopg2

            self.connection = psycopg2.connect(url)
            self.connection.autocommit = True

    def scalar(self, sql: str):
        cursor = self.connection.cursor()
        cursor.execute(sql)
        return cursor.fetchone()[0]

    def rows(self, sql: str) -> list:
        cursor = self.connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall()

    def close(self):
        self.connection.close()


def savings(url: str, member_ids: list[str]) -> dict[str, int]:
    open_database(url)
    with database.connection_context():
        figures = member_figures(member_ids)
    return {member_id: figures[member_id]["savings"] for member_id in member_ids}


def treasurer_and_members(made: dict, watcher: Watcher):
    treasurer = next(a for a in made["accounts"] if a["role"] == "treasurer")
    group_id = treasurer["group"]
    members = [row[0] for row in watcher.rows(
        f"SELECT id FROM member WHERE status = 'active' AND group_id = '{group_id}' "
        "ORDER BY member_no")]
    assert len(members) >= 5
    return treasurer, members


def deposits(group_id: str, members: list[str]) -> list[dict]:
    today = today_in("Asia/Bangkok").isoformat()
    return [{"op_id": str(uuid.uuid4()), "group_id": group_id, "type": "savings.deposit",
             "business_date": today, "device_seq": n + 1,
             "payload": {"member_id": members[n % len(members)], "amount_satang": 1000 + n}}
            for n in range(PUSH_SIZE)]


def expected(before: dict, ops: list[dict]) -> dict:
    totals = dict(before)
    for op in ops:
        totals[op["payload"]["member_id"]] += op["payload"]["amount_satang"]
    return totals


def push_in_background(device: Device, ops: list) -> dict:
    outcome = {}

    def send():
        try:
            outcome["response"] = device.push(ops)
        except Exception as error:  # noqa: BLE001 - the server was killed under it
            outcome["error"] = error

    outcome["thread"] = threading.Thread(target=send)
    outcome["thread"].start()
    return outcome


def wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited a minute for {what}"
        time.sleep(0.002)


def check_applied_once(watcher: Watcher, ops: list):
    ids = ", ".join(f"'{op['op_id']}'" for op in ops)
    assert watcher.scalar(f"SELECT count(*) FROM sync_op WHERE op_id IN ({ids})") == len(ops)
    # one journal transaction per deposit: none twice, none half (a sync_op with no posting)
    assert watcher.rows(
        f"SELECT s.op_id FROM sync_op s LEFT JOIN journal_txn t ON t.op_id = s.id "
        f"WHERE s.op_id IN ({ids}) GROUP BY s.op_id HAVING count(t.id) <> 1") == []


def test_kill_9_in_the_middle_of_a_500_op_push_then_resending_keeps_the_books_exact(
        office_db, tmp_path):
    env = environment(office_db)
    made = load_demo(env)
    watcher = Watcher(office_db)
    server = Server(env, tmp_path)
    try:
        treasurer, members = treasurer_and_members(made, watcher)
        before = savings(office_db, members)
        ops = deposits(treasurer["group"], members)
        base = watcher.scalar("SELECT count(*) FROM sync_op")
        server.start()
        device = Device(server, treasurer["username"], treasurer["password"], "crash-phone")
        sending = push_in_background(device, ops)
        wait_for(lambda: watcher.scalar("SELECT count(*) FROM sync_op") > base,
                 "the first ops to commit")
        server.kill_9()
        sending["thread"].join(timeout=60)
        committed = watcher.scalar("SELECT count(*) FROM sync_op") - base
        assert 0 < committed < PUSH_SIZE, committed  # killed in the middle, for real
        assert "response" not in sending  # the phone never heard back: it keeps its outbox

        server.start()  # the same database, after a crash
        response = device.push(ops)  # the session survives the restart; the outbox is resent
        assert response.status_code == 200, response.text[:500]
        statuses = [result["status"] for result in response.json()["results"]]
        assert statuses == ["duplicate"] * committed + ["accepted"] * (PUSH_SIZE - committed)
        check_applied_once(watcher, ops)
        server.stop()
        assert savings(office_db, members) == expected(before, ops)
        audit = flask(env, "audit")
        assert audit.returncode == 0, audit.stdout + audit.stderr
    finally:
        server.stop()
        watcher.close()
        if not database.is_closed():
            database.close()


@pytest.mark.skipif(BACKEND != "postgresql", reason="a PostgreSQL connection cut from outside")
def test_a_postgresql_connection_cut_mid_batch_leaves_no_half_applied_op(office_db, tmp_path):
    env = environment(office_db)
    made = load_demo(env)
    watcher = Watcher(office_db)
    server = Server(env, tmp_path)
    try:
        treasurer, members = treasurer_and_members(made, watcher)
        before = savings(office_db, members)
        ops = deposits(treasurer["group"], members)
        base = watcher.scalar("SELECT count(*) FROM sync_op")
        server.start()
        device = Device(server, treasurer["username"], treasurer["password"], "cut-phone")
        sending = push_in_background(device, ops)
        wait_for(lambda: watcher.scalar("SELECT count(*) FROM sync_op") > base,
                 "the first ops to commit")
        name = office_db.rsplit("/", 1)[1]
        cut = watcher.scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        sending["thread"].join(timeout=120)
        response = sending["response"]
        assert response.status_code == 200, response.text[:500]  # not a 500
        statuses = [result["status"] for result in response.json()["results"]]
        applied = statuses.count("accepted")
        assert statuses == ["accepted"] * applied + ["retry_later"] * (PUSH_SIZE - applied)
        assert cut >= 1 and 0 < applied < PUSH_SIZE, (cut, applied)  # cut in the middle
        ids = ", ".join(f"'{op['op_id']}'" for op in ops[:applied])
        assert applied == 0 or watcher.scalar(
            f"SELECT count(*) FROM sync_op WHERE op_id IN ({ids})") == applied
        assert watcher.scalar("SELECT count(*) FROM sync_op") - base == applied  # no half op
        again = device.push(ops)
        statuses = [result["status"] for result in again.json()["results"]]
        assert statuses == ["duplicate"] * applied + ["accepted"] * (PUSH_SIZE - applied)
        check_applied_once(watcher, ops)
        server.stop()
        assert savings(office_db, members) == expected(before, ops)
        audit = flask(env, "audit")
        assert audit.returncode == 0, audit.stdout + audit.stderr
    finally:
        server.stop()
        watcher.close()
        if not database.is_closed():
            database.close()
