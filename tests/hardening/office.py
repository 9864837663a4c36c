"""An office server for the fault tests: the demo loaded into a database of the test's own, the
real app in a subprocess on it, a second connection reading what is committed, the treasurer's
group and its members, their savings before, and a 500-deposit outbox to push."""

import time
import uuid
from dataclasses import dataclass, field

from core.store.db import database, open_database
from core.store.summaries import member_figures
from core.thaidate import today_in
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


def wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited a minute for {what}"
        time.sleep(0.002)


@dataclass
class Office:
    url: str
    env: dict
    watcher: Watcher
    server: Server
    treasurer: dict  # the demo account: username, password, group
    members: list[str]  # the group's active members, by member number
    savings_before: dict[str, int]
    ops: list[dict] = field(default_factory=list)  # 500 deposits, not sent yet
    sync_ops_before: int = 0

    @classmethod
    def open(cls, url: str, instance) -> "Office":
        env = environment(url)
        made = load_demo(env)
        watcher = Watcher(url)
        treasurer = next(a for a in made["accounts"] if a["role"] == "treasurer")
        members = [row[0] for row in watcher.rows(
            "SELECT id FROM member WHERE status = 'active' "
            f"AND group_id = '{treasurer['group']}' ORDER BY member_no")]
        assert len(members) >= 5
        return cls(url, env, watcher, Server(env, instance), treasurer, members,
                   savings(url, members), deposits(treasurer["group"], members),
                   watcher.scalar("SELECT count(*) FROM sync_op"))

    def sync_ops(self) -> int:
        """Ops committed since the office opened."""
        return self.watcher.scalar("SELECT count(*) FROM sync_op") - self.sync_ops_before

    def phone(self, device_id: str) -> Device:
        return Device(self.server, self.treasurer["username"], self.treasurer["password"],
                      device_id)

    def audit(self, env: dict | None = None):
        result = flask(env or self.env, "audit")
        assert result.returncode == 0, result.stdout + result.stderr

    def close(self):
        self.server.stop()
        self.watcher.close()
        if not database.is_closed():
            database.close()
