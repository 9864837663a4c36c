"""The `flask --app webapp` commands, driven the way scripts drive them.

Most tests go through Flask's CLI runner bound to the test database; one runs the real command
line in a subprocess against a fresh SQLite file.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from core.store import groups as group_store
from core.store.db import database, is_postgres
from core.store.models import ALL_MODELS, Account, JournalTxn, User
from tests.conftest import BACKEND, csrf_token, scratch_postgres, sign_in

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("admin", "staff", "committee", "treasurer", "member")


def run(app, *args):
    """Invoke a command as `flask --app webapp ARGS` would, on the app's database."""
    return app.test_cli_runner().invoke(args=list(args))


def explain(result) -> str:
    return f"exit {result.exit_code}\n{result.output}\n{result.exception!r}"


def make_app(url: str, tmp_path: Path):
    from webapp import create_app

    instance = tmp_path / f"instance-{uuid.uuid4().hex[:6]}"
    instance.mkdir()
    application = create_app({"TESTING": True, "DATABASE_URL": url,
                              "SECRET_KEY": "test-secret-" + uuid.uuid4().hex})
    application.instance_path = str(instance)
    return application


def row_counts() -> dict[str, int]:
    with database.connection_context():
        return {model._meta.table_name: model.select().count() for model in ALL_MODELS}


@pytest.fixture
def empty_db_url(tmp_path):
    """A database with no tables at all, on the backend under test."""
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with scratch_postgres("sajja_empty") as url:
        yield url


@pytest.fixture
def demo(app):
    """The demo network loaded into the test database; what `demo` printed."""
    result = run(app, "demo")
    assert result.exit_code == 0, explain(result)
    return json.loads(result.stdout)


# --- init-db ---------------------------------------------------------------------------------

def test_init_db_applies_the_first_migration_then_is_up_to_date(empty_db_url, tmp_path):
    app = make_app(empty_db_url, tmp_path)
    first = run(app, "init-db")
    assert first.exit_code == 0, explain(first)
    assert "0001_initial" in first.output
    second = run(app, "init-db")
    assert second.exit_code == 0, explain(second)
    assert "up to date" in second.output and "0001_initial" not in second.output
    assert row_counts()["journal_txn"] == 0  # the tables exist and are empty


def test_the_real_command_line_sets_up_loads_and_audits(tmp_path):
    """`python -m flask --app webapp ...` in a subprocess, as `make run` and scripts call it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", SECRET_KEY="cli-test-secret",
               PYTHONDONTWRITEBYTECODE="1")

    def flask(*args):
        return subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", *args],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    first = flask("init-db")
    assert first.returncode == 0, first.stderr
    assert "0001_initial" in first.stdout
    again = flask("init-db")
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    loaded = flask("demo")
    assert loaded.returncode == 0, loaded.stderr
    made = json.loads(loaded.stdout)  # the whole of stdout is one JSON object
    assert len(made["groups"]) >= 2
    audit = flask("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert (tmp_path / "cli.db").stat().st_size > 0


# --- demo ------------------------------------------------------------------------------------

def test_demo_prints_its_groups_products_and_an_account_for_every_role(demo):
    group_ids = {group["id"] for group in demo["groups"]}
    assert len(demo["groups"]) >= 2 and all(group_ids), demo["groups"]
    assert all(group.get("name") for group in demo["groups"])
    methods = {product["method"] for product in demo["products"]}
    assert {"flat", "declining"} <= methods, demo["products"]
    assert all(product["group_id"] in group_ids for product in demo["products"])

    accounts = demo["accounts"]
    assert {account["role"] for account in accounts} >= set(ROLES), accounts
    for account in accounts:
        assert account["username"] and account["password"], account
        assert "group" in account, account
        if account["role"] in ("treasurer", "committee", "member"):
            assert account["group"] in group_ids, account
        if account["role"] == "staff":
            assert set(account.get("groups") or [account["group"]]) <= group_ids, account
    assert len({account["username"] for account in accounts}) == len(accounts)


def test_every_demo_account_signs_in_and_lands_on_its_home(app, demo):
    for account in demo["accounts"]:
        client = app.test_client()
        sign_in(client, account["username"], account["password"])
        landed = client.get("/", follow_redirects=True)
        assert landed.status_code == 200, (account["username"], landed.request.path)
        role, path = account["role"], landed.request.path
        if role == "admin":
            assert path.startswith("/admin"), path
        elif role == "staff":
            assert path == "/staff", path  # the staff home
        elif role in ("treasurer", "committee"):
            assert path == f"/groups/{account['group']}", path
            assert "เงินสดในมือ" in landed.get_data(as_text=True)
        elif role == "member":
            # a member signs in first with the PIN the treasurer gave, and must choose their own
            assert path == "/account/password", path
            changed = client.post("/account/password", data={
                "current_password": account["password"], "new_password": "246813",
                "confirm_password": "246813",
                "csrf_token": csrf_token(client, "/account/password")})
            assert changed.status_code == 302, changed.get_data(as_text=True)[:500]
            passbook = client.get("/", follow_redirects=True)
            assert passbook.status_code == 200 and passbook.request.path == "/me"


def test_the_demo_books_pass_the_audit(app, demo):
    result = run(app, "audit")
    assert result.exit_code == 0, explain(result)
    assert row_counts()["journal_txn"] > 0


def test_demo_twice_refuses_and_changes_nothing(app, demo):
    before = row_counts()
    again = run(app, "demo")
    assert again.exit_code != 0, explain(again)
    assert again.stdout.strip() == ""  # no second JSON object for a script to mistake
    assert "already" in again.output
    assert row_counts() == before


# --- users create ----------------------------------------------------------------------------

@pytest.fixture
def group_id(app):
    with database.connection_context():
        return group_store.create_group("กลุ่มทดสอบคำสั่ง").id


def test_users_create_makes_an_account_that_signs_in(app, group_id):
    result = run(app, "users", "create", "--username", "new-treasurer",
                 "--password", "a long password", "--role", "treasurer", "--group", group_id)
    assert result.exit_code == 0, explain(result)
    assert "new-treasurer" in result.output
    client = app.test_client()
    sign_in(client, "new-treasurer", "a long password")
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200 and home.request.path == f"/groups/{group_id}"


@pytest.mark.parametrize("args, message", [
    (["--role", "boss", "--group", "{group}"], "boss"),
    (["--role", "treasurer"], "Choose a group"),
    (["--role", "treasurer", "--group", "no-such-group"], "Unknown group"),
    (["--role", "treasurer", "--group", "{group}", "--password", "short"], "at least 8"),
], ids=["bad-role", "missing-group", "unknown-group", "short-password"])
def test_users_create_refuses_bad_input_with_a_message(app, group_id, args, message):
    args = [arg.replace("{group}", group_id) for arg in args]
    if "--password" not in args:
        args += ["--password", "a long password"]
    before = row_counts()["user"]
    result = run(app, "users", "create", "--username", "someone", *args)
    assert result.exit_code != 0, explain(result)
    assert message in result.output, explain(result)
    assert row_counts()["user"] == before


def test_users_create_refuses_a_taken_username(app, group_id):
    args = ["users", "create", "--username", "twice", "--password", "a long password",
            "--role", "committee", "--group", group_id]
    assert run(app, *args).exit_code == 0
    again = run(app, *args)
    assert again.exit_code != 0 and "taken" in again.output, explain(again)


# --- audit -----------------------------------------------------------------------------------

@pytest.mark.tampers_with_books
def test_audit_finds_a_tampered_cached_balance(app, demo):
    with database.connection_context():
        account = Account.select().where(Account.balance != 0).order_by(Account.id).first()
        with database.atomic():
            database.execute_sql(
                f"UPDATE account SET balance = balance + 1 WHERE id = {int(account.id)}")
    result = run(app, "audit")
    assert result.exit_code != 0, explain(result)
    assert account.key in result.output and account.group_id in result.output, result.output
    assert len([line for line in result.output.splitlines() if "differs" in line]) == 1


# --- backup ----------------------------------------------------------------------------------

def _sqlite_books(path: str) -> tuple[int, list]:
    connection = sqlite3.connect(path)
    try:
        txns = connection.execute("SELECT count(*) FROM journal_txn").fetchone()[0]
        balances = connection.execute("SELECT id, balance FROM account ORDER BY id").fetchall()
        return txns, balances
    finally:
        connection.close()


@pytest.mark.skipif(BACKEND == "postgresql", reason="the SQLite backup; see the pg_dump test")
def test_backup_of_sqlite_is_a_database_with_the_same_books(app, demo, tmp_path):
    original = app.config["DATABASE_URL"][len("sqlite:///"):]
    target = tmp_path / "backups" / "sajja-backup.db"
    target.parent.mkdir()
    result = run(app, "backup", str(target))
    assert result.exit_code == 0, explain(result)
    assert target.stat().st_size > 0

    txns, balances = _sqlite_books(str(target))
    assert (txns, balances) == _sqlite_books(original)
    assert txns > 0 and any(balance for _, balance in balances)

    restored = make_app(f"sqlite:///{target}", tmp_path)
    audit = run(restored, "audit")
    assert audit.exit_code == 0, explain(audit)
    with database.connection_context():
        assert JournalTxn.select().count() == txns
        assert User.select().where(User.username == "savings-treasurer").exists()


@pytest.mark.skipif(BACKEND != "postgresql", reason="pg_dump backs up PostgreSQL only")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_backup_of_postgresql_writes_a_custom_format_dump(app, demo, tmp_path):
    assert is_postgres()
    target = tmp_path / "sajja.dump"
    result = run(app, "backup", str(target))
    assert result.exit_code == 0, explain(result)
    assert target.stat().st_size > 0
    assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    if shutil.which("pg_restore"):
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True,
                                 text=True, timeout=60)
        assert listing.returncode == 0, listing.stderr
        assert "journal_txn" in listing.stdout
