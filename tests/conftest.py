"""Real databases for every test: a fresh SQLite file, or a PostgreSQL database of this run.

SAJJA_TEST_DB=postgresql runs the same tests on PostgreSQL: one database is created per test
run (random suffix) from TEST_POSTGRES_URL (default: the local server), migrated once, emptied
between tests and dropped at the end.
"""

import contextlib
import os
import threading
import uuid

import pytest

from core.store import schema
from core.store.db import database, open_database
from core.store.models import ALL_MODELS, User

BACKEND = os.environ.get("SAJJA_TEST_DB", "sqlite")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pytest_report_header(config):
    return f"sajja database: {BACKEND}"


@contextlib.contextmanager
def scratch_postgres(prefix: str):
    """A PostgreSQL database of this run's own (random suffix), dropped afterwards."""
    import psycopg2
    from psycopg2 import sql

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(POSTGRES_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        if not database.is_closed():
            database.close()
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
        admin.close()


@pytest.fixture(scope="session")
def postgres_url():
    with scratch_postgres("sajja_test") as url:
        open_database(url)
        schema.migrate()
        database.close()
        yield url


@pytest.fixture
def db_url(request, tmp_path):
    """The URL of an empty, migrated database for this test; its books are audited after."""
    url = _fresh_database(request, tmp_path)
    yield url
    if request.node.get_closest_marker("tampers_with_books"):
        return
    from core.store.ledger import audit

    open_database(url)
    with database.connection_context():
        mismatches, unbalanced = audit()
    assert (mismatches, unbalanced) == ([], []), "flask audit would fail after this test"


def _fresh_database(request, tmp_path) -> str:
    if BACKEND == "postgresql":
        url = request.getfixturevalue("postgres_url")
        open_database(url)
        tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        with database.connection_context():
            database.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        database.close()
        return url
    url = f"sqlite:///{tmp_path / 'sajja.db'}"
    open_database(url)
    schema.migrate()
    database.close()
    return url


@pytest.fixture
def db(db_url):
    """An open connection to the test database, closed afterwards."""
    open_database(db_url)
    database.connect(reuse_if_open=True)
    yield database
    if not database.is_closed():
        database.close()


@pytest.fixture
def app(db_url, tmp_path):
    from webapp import create_app

    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    application = create_app({"TESTING": True, "DATABASE_URL": db_url,
                              "SECRET_KEY": "test-secret-" + uuid.uuid4().hex})
    application.instance_path = str(instance)
    yield application
    if not database.is_closed():
        database.close()


@pytest.fixture
def client(app):
    return app.test_client()


class World:
    """A small network made through the store: two groups, and a person in every role."""

    PASSWORD = "correct horse 1"
    MEMBER_PIN = "135790"

    def __init__(self):
        from core.store import groups as group_store
        from core.store import users

        self.network = group_store.create_network("เครือข่ายทดสอบ", "ขอนแก่น")
        self.group = group_store.create_group("กลุ่มบ้านหนึ่ง", network_id=self.network.id)
        self.other = group_store.create_group("กลุ่มบ้านสอง", network_id=self.network.id)
        self.users = {}
        for name, role, groups in (
                ("admin", "admin", []),
                ("staff", "staff", [self.group.id]),
                ("committee", "committee", [self.group.id]),
                ("treasurer", "treasurer", [self.group.id]),
                ("other-treasurer", "treasurer", [self.other.id])):
            self.users[name] = users.create_user(name, self.PASSWORD, role, group_ids=groups)
        self.member_id = self.add_member("สมศรี ใจดี")
        self.users["member"] = users.create_user("member", self.MEMBER_PIN, "member",
                                                 group_ids=[self.group.id],
                                                 member_id=self.member_id)
        User.update(must_change_password=False).where(
            User.id == self.users["member"].id).execute()

    def apply(self, op_type: str, payload: dict, *, by: str = "treasurer", group=None,
              business_date: str | None = None, device: str = "test-device", **envelope):
        from core.store.operations import Actor, apply_operation

        group = group or self.group
        op = {"op_id": str(uuid.uuid4()), "group_id": group.id, "type": op_type,
              "business_date": business_date or today_iso(group), "payload": payload,
              **envelope}
        return apply_operation(Actor(self.users[by], device), op)

    def add_member(self, name: str, joined_on: str = "2025-01-15", group=None,
                   by: str = "treasurer") -> str:
        member_id = str(uuid.uuid4())
        result = self.apply("member.create", {"member_id": member_id, "name": name,
                                              "joined_on": joined_on}, group=group, by=by)
        assert result.status == "accepted", result
        return member_id


def today_iso(group) -> str:
    from core.thaidate import today_in

    return today_in(group.timezone).isoformat()


@pytest.fixture
def world(db):
    with database.atomic():
        return World()


def csrf_token(client, path="/login") -> str:
    """The token a page carries in its meta tag, as a browser would read it."""
    import re

    html = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def sign_in(client, username, password=World.PASSWORD):
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def together(work, n):
    """Run work(i) in n threads released at the same instant; return their results."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def runner(i):
        try:
            database.connect(reuse_if_open=True)
            barrier.wait(timeout=20)
            results[i] = work(i)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
            barrier.abort()
        finally:
            if not database.is_closed():
                database.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert not errors, errors
    return results
