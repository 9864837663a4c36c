"""Crashes and faults with the real app in a subprocess: killed with `kill -9` in the middle of
a 500-op push, restarted, the push sent again: every op applied once, the books exact, and
`flask audit` clean. On PostgreSQL, the app's connection cut from outside mid-batch: no op
half-applied, and sending again mends it. (A locked SQLite database giving `retry_later` is
tests/sync/test_push_batch.py's.)"""

import threading

import pytest

from tests.conftest import BACKEND
from tests.hardening.office import PUSH_SIZE, Watcher, expected, savings, wait_for
from tests.hardening.server import Device


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


def check_applied_once(watcher: Watcher, ops: list):
    ids = ", ".join(f"'{op['op_id']}'" for op in ops)
    assert watcher.scalar(f"SELECT count(*) FROM sync_op WHERE op_id IN ({ids})") == len(ops)
    # one journal transaction per deposit: none twice, none half (a sync_op with no posting)
    assert watcher.rows(
        f"SELECT s.op_id FROM sync_op s LEFT JOIN journal_txn t ON t.op_id = s.id "
        f"WHERE s.op_id IN ({ids}) GROUP BY s.op_id HAVING count(t.id) <> 1") == []


def test_kill_9_in_the_middle_of_a_500_op_push_then_resending_keeps_the_books_exact(office):
    office.server.start()
    device = office.phone("crash-phone")
    sending = push_in_background(device, office.ops)
    wait_for(lambda: office.sync_ops() > 0, "the first ops to commit")
    office.server.kill_9()
    sending["thread"].join(timeout=60)
    committed = office.sync_ops()
    assert 0 < committed < PUSH_SIZE, committed  # killed in the middle, for real
    assert "response" not in sending  # the phone never heard back: it keeps its outbox

    office.server.start()  # the same database, after a crash
    response = device.push(office.ops)  # the session survives the restart; the outbox is resent
    assert response.status_code == 200, response.text[:500]
    statuses = [result["status"] for result in response.json()["results"]]
    assert statuses == ["duplicate"] * committed + ["accepted"] * (PUSH_SIZE - committed)
    check_applied_once(office.watcher, office.ops)
    office.server.stop()
    assert savings(office.url, office.members) == expected(office.savings_before, office.ops)
    office.audit()


@pytest.mark.skipif(BACKEND != "postgresql", reason="a PostgreSQL connection cut from outside")
def test_a_postgresql_connection_cut_mid_batch_leaves_no_half_applied_op(office):
    ops, watcher = office.ops, office.watcher
    office.server.start()
    device = office.phone("cut-phone")
    sending = push_in_background(device, ops)
    wait_for(lambda: office.sync_ops() > 0, "the first ops to commit")
    name = office.url.rsplit("/", 1)[1]
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
    assert watcher.scalar(f"SELECT count(*) FROM sync_op WHERE op_id IN ({ids})") == applied
    assert office.sync_ops() == applied  # no half op
    again = device.push(ops)
    statuses = [result["status"] for result in again.json()["results"]]
    assert statuses == ["duplicate"] * applied + ["accepted"] * (PUSH_SIZE - applied)
    check_applied_once(watcher, ops)
    office.server.stop()
    assert savings(office.url, office.members) == expected(office.savings_before, ops)
    office.audit()
