"""POST /api/v1/sync/push as a whole: a body that is not a batch, a session that ended, a
missing CSRF token, a device of someone else, a busy database, and the same batch pushed twice
at the same moment. None of these is ever a 500, and none applies anything it does not report.
"""

import sqlite3
import threading

import pytest
from peewee import InterfaceError, OperationalError

from core.store import users
from core.store.db import database
from core.store.handlers import HANDLERS
from core.store.models import Device, JournalTxn, SyncOp
from core.store.summaries import member_figures
from tests.conftest import BACKEND, together
from tests.sync.phones import PUSH, Phone, books_count, deposit, txns_of


def savings(member_id) -> int:
    return member_figures([member_id])[member_id]["savings"]


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]


# ------------------------------------------------------------------------ not a batch


@pytest.mark.parametrize(("data", "status", "code"), [
    ("{not json", 400, "bad_request"),
    ("", 400, "bad_request"),
    ("null", 400, "bad_request"),
    ('["a", "list"]', 400, "bad_request"),
    ('"a string"', 400, "bad_request"),
    ('{"device_id": "phone-1"}', 400, "bad_request"),
    ('{"device_id": "phone-1", "ops": {"0": {}}}', 400, "bad_request"),
    ('{"ops": []}', 400, "bad_device_id"),
    ('{"device_id": "", "ops": []}', 400, "bad_device_id"),
    ('{"device_id": "   ", "ops": []}', 400, "bad_device_id"),
    ('{"device_id": 42, "ops": []}', 400, "bad_device_id"),
    ('{"device_id": "' + "x" * 65 + '", "ops": []}', 400, "bad_device_id"),
    ('{"device_id": "phone-1", "device_now": "2026-11-20T10:00:00", "ops": []}', 400,
     "bad_device_now"),
    ('{"device_id": "phone-1", "device_now": 1700000000, "ops": []}', 400, "bad_device_now"),
])
def test_a_body_that_is_not_a_batch_is_a_4xx_json_error(phone, world, data, status, code):
    before = books_count(), Device.select().count()
    assert_error(phone.post(data=data), status, code)
    assert (books_count(), Device.select().count()) == before


def test_more_than_500_ops_are_refused_whole(phone, world):
    ops = [deposit(world.group, world.member_id, 100) for _ in range(501)]
    before = books_count()
    assert_error(phone.post({"device_id": "phone-1", "ops": ops}), 413, "too_many_ops")
    assert books_count() == before
    assert savings(world.member_id) == 0
    results = phone.push(ops[:500])  # exactly 500 is fine
    assert {r["status"] for r in results} == {"accepted"}
    assert savings(world.member_id) == 50_000


def test_a_body_larger_than_the_limit_is_a_json_413(phone, world):
    huge = '{"device_id": "phone-1", "ops": ["' + "x" * (3 * 1024 * 1024) + '"]}'
    response = phone.post(data=huge)
    assert response.status_code == 413 and response.is_json
    assert "error" in response.get_json()


def test_a_device_of_another_user_is_refused(app, world):
    Phone(app, "treasurer", "phone-1").push([])
    staff = Phone(app, "staff", "phone-2")
    before = books_count()
    response = staff.post({"device_id": "phone-1",
                           "ops": [deposit(world.group, world.member_id, 100)]})
    assert_error(response, 403, "device_not_yours")
    assert books_count() == before
    assert Device.get_by_id("phone-1").user_id == world.users["treasurer"].id
    assert_error(staff.client.get("/api/v1/sync/pull?device_id=phone-1"), 403,
                 "device_not_yours")


# ------------------------------------------------------------------- session and CSRF


def test_a_push_without_a_session_is_401_and_applies_nothing(app, world):
    env = deposit(world.group, world.member_id, 10_000)
    client = app.test_client()  # the session cookie expired while the phone was offline
    for headers in ({}, {"X-CSRFToken": "stale-token"}):
        response = client.post(PUSH, json={"device_id": "phone-1", "ops": [env]},
                               headers=headers)
        assert_error(response, 401, "unauthorized")
    assert SyncOp.get_or_none(SyncOp.op_id == env["op_id"]) is None
    assert_error(client.get("/api/v1/sync/pull"), 401, "unauthorized")
    # signed in again, the outbox goes through as it was
    assert Phone(app, "treasurer", "phone-1").push_one(env)["status"] == "accepted"


def test_a_revoked_session_is_401_with_its_token_still_valid(phone, world):
    users.sign_out_everywhere(world.users["treasurer"])
    env = deposit(world.group, world.member_id, 10_000)
    assert_error(phone.post({"device_id": "phone-1", "ops": [env]}), 401, "unauthorized")
    assert SyncOp.get_or_none(SyncOp.op_id == env["op_id"]) is None


def test_a_push_without_the_csrf_token_is_400_json(phone, world):
    env = deposit(world.group, world.member_id, 10_000)
    assert_error(phone.post({"device_id": "phone-1", "ops": [env]}, token=False), 400, "csrf")
    phone.token = "forged"
    assert_error(phone.post({"device_id": "phone-1", "ops": [env]}), 400, "csrf")
    assert SyncOp.get_or_none(SyncOp.op_id == env["op_id"]) is None


def test_pull_is_a_get_and_push_is_a_post(phone):
    assert_error(phone.client.get(PUSH), 405, "method_not_allowed")
    assert_error(phone.client.get("/api/v1/sync/nothing"), 404, "not_found")


# ------------------------------------------------------------------------ retry later


@pytest.mark.parametrize("error", [OperationalError("database is locked"),
                                   InterfaceError("connection already closed")])
def test_a_transient_failure_stops_the_batch_with_retry_later(phone, world, monkeypatch,
                                                              error):
    ops = [deposit(world.group, world.member_id, amount) for amount in (100, 200, 300)]
    real = HANDLERS["savings.deposit"]

    def flaky(ctx):
        real(ctx)  # it got as far as posting; the rollback must undo it all
        if ctx.payload["amount_satang"] == 200:
            raise error

    monkeypatch.setitem(HANDLERS, "savings.deposit", flaky)
    results = phone.push(ops)
    assert [(r["status"], r["reason"]) for r in results] == [
        ("accepted", None), ("retry_later", "busy"), ("retry_later", "busy")]
    assert [r["op_id"] for r in results] == [o["op_id"] for o in ops]
    assert results[1]["server_seq"] is None and results[1]["message"]
    assert savings(world.member_id) == 100
    assert SyncOp.select().where(SyncOp.op_id.in_([o["op_id"] for o in ops[1:]])).count() == 0
    monkeypatch.setitem(HANDLERS, "savings.deposit", real)
    again = phone.push(ops)  # the device sends them again, the first one included
    assert [r["status"] for r in again] == ["duplicate", "accepted", "accepted"]
    assert savings(world.member_id) == 600


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's file lock")
def test_a_locked_sqlite_database_gives_retry_later_not_500(phone, world, db_url, monkeypatch,
                                                            caplog):
    monkeypatch.setattr(database.obj, "_timeout", 0.2)
    monkeypatch.setattr(database.obj, "_pragmas", [
        (k, 200 if k == "busy_timeout" else v) for k, v in database.obj._pragmas])
    database.close()
    ops = [deposit(world.group, world.member_id, 100), deposit(world.group, world.member_id, 200)]
    phone.push([])  # the device is known: the ops themselves meet the lock
    holder = sqlite3.connect(db_url[len("sqlite:///"):], isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        results = phone.push(ops)
        assert [(r["status"], r["reason"]) for r in results] == [("retry_later", "busy")] * 2
        assert "database is locked" in caplog.text  # the op met the lock, and said so
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [r["status"] for r in phone.push(ops)] == ["accepted", "accepted"]
    assert savings(world.member_id) == 300


@pytest.mark.skipif(BACKEND != "postgresql", reason="a PostgreSQL connection killed mid-push")
def test_a_connection_lost_mid_push_gives_retry_later_not_500(phone, world, monkeypatch):
    ops = [deposit(world.group, world.member_id, amount) for amount in (100, 200, 300)]
    real = HANDLERS["savings.deposit"]

    def killed(ctx):
        real(ctx)
        if ctx.payload["amount_satang"] == 200:  # the server goes away mid-transaction
            database.execute_sql("SELECT pg_terminate_backend(pg_backend_pid())")

    monkeypatch.setitem(HANDLERS, "savings.deposit", killed)
    results = phone.push(ops)
    assert [r["status"] for r in results] == ["accepted", "retry_later", "retry_later"]
    monkeypatch.setitem(HANDLERS, "savings.deposit", real)
    assert [r["status"] for r in phone.push(ops)] == ["duplicate", "accepted", "accepted"]
    assert savings(world.member_id) == 600


def test_a_fault_of_the_code_is_not_passed_off_as_busy(phone, world, monkeypatch):
    def broken(ctx):
        raise OperationalError("no such column: member.vulnerable")

    monkeypatch.setitem(HANDLERS, "savings.deposit", broken)
    with pytest.raises(OperationalError):  # a 500 with its traceback, not retry_later forever
        phone.push([deposit(world.group, world.member_id, 100)])


# ---------------------------------------------------------------- two pushes at once


def test_the_same_batch_pushed_twice_at_once_is_applied_once(app, world):
    """A phone's retry racing its first send: two sessions of one user, one device."""
    phones = [Phone(app, "treasurer", "phone-1") for _ in range(2)]
    ops = [deposit(world.group, world.member_id, 100 * (n + 1)) for n in range(12)]
    answers = together(lambda i: phones[i].push(ops), 2)
    for n, env in enumerate(ops):
        pair = sorted(answers[i][n]["status"] for i in range(2))
        assert pair == ["accepted", "duplicate"], (n, answers)
        assert answers[0][n]["server_seq"] == answers[1][n]["server_seq"]
        assert txns_of(env["op_id"]) == 1
    assert savings(world.member_id) == sum(100 * (n + 1) for n in range(12))
    assert JournalTxn.select().count() == 12


def test_a_200_reports_only_committed_ops(phone, world):
    """What the answer says is already visible to any other connection."""
    env = deposit(world.group, world.member_id, 10_000)
    assert phone.push_one(env)["status"] == "accepted"
    seen = []

    def look():
        database.connect(reuse_if_open=True)
        try:
            seen.append(txns_of(env["op_id"]))
        finally:
            database.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(timeout=30)
    assert seen == [1]
