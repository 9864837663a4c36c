"""The data generator: a realistic network written through the one core operation.

Run: `python -m bench.generate --size S --database sqlite` (or `postgresql`, or a URL).

Sizes: S is 10 groups over 1 year, M 500 groups (about 50,000 members) over 3 years, L 2,000
groups (about 200,000 members) over 5 years. Groups have 20–300 members (most near 100);
about one in seven is a welfare fund, the rest savings groups, most of which also collect
welfare contributions. Each month every group meets: deposits, shares, fines, repayments of
flat and declining loans (some borrowers fall into arrears), welfare contributions and claims,
an expense, the cash count; now and then the same deposit is keyed in on two phones and waits
for review. The latest meeting is left open with half the room recorded.

The first group is the reference the benchmark measures: 150 members at every size, so its
pages compare across sizes. Its treasurer is `bench-treasurer`; `bench-staff` looks after the
first 10 groups, at every size for the same reason; every account's password is
`bench password 1`.

On PostgreSQL the network is generated on the SQLite file of the size and copied across (see
bench/copy_network.py): one long transaction per group suits SQLite, not PostgreSQL.

Deterministic (one seed) and resumable: each group is written in one transaction together with
its mark in the `bench_progress` table of the same database, so a run cut short keeps whole
groups only; a rerun skips the marked ones and carries on with the next. Progress (groups
done, ops a second, time left) goes to stderr.
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from bench.gen_group import GroupWriter, Plan, month_starts
from core.store.operations import Actor, Batch, apply_operation

PASSWORD = "bench password 1"
SEED = 2569
REFERENCE_MEMBERS = 150
STAFF_GROUPS = 10  # groups per field staff account: the staff home compares like with like
OPS_PER_MEMBER_MONTH = 1.75  # measured at S; only for the time-left estimate
REFUSABLE = frozenset({"loan.apply"})  # may be refused by the rules; the generator moves on


@dataclass(frozen=True)
class Size:
    groups: int
    months: int
    reference_members: int = REFERENCE_MEMBERS


# XS is for the tests of the benchmark itself: two small groups, three months
SIZES = {"XS": Size(2, 3, reference_members=30), "S": Size(10, 12), "M": Size(500, 36),
         "L": Size(2000, 60)}


def database_url_for(database: str, size: str) -> str:
    """`sqlite`, `postgresql` or a URL: where the bench database of a size lives."""
    if "://" in database:
        return database
    if database == "sqlite":
        folder = os.environ.get("SAJJA_BENCH_DIR") or os.path.join(os.getcwd(), "instance")
        return f"sqlite:///{os.path.join(folder, f'bench-{size}.db')}"
    if database in ("postgresql", "postgres"):
        server = os.environ.get("TEST_POSTGRES_URL",
                                "postgresql://postgres@127.0.0.1:5432/postgres")
        return f"{server.rsplit('/', 1)[0]}/sajja_bench_{size.lower()}"
    raise ValueError(f"--database must be sqlite, postgresql or a URL, not {database!r}")


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database the URL names, if it is missing."""
    import psycopg2
    from psycopg2 import sql

    server, name = url.rsplit("/", 1)
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def group_id_of(seed: str, index: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sajja-bench:{seed}:group:{index}"))


def plan_of(index: int, seed: str, months: list[date], anchor: date,
            shape: Size = SIZES["S"]) -> Plan:
    rng = random.Random(f"{seed}:plan:{index}")
    if index == 0:
        members, kind, welfare = shape.reference_members, "savings", True
    else:
        members = max(20, min(300, 20 + int(rng.expovariate(1 / 80))))
        if shape.reference_members < REFERENCE_MEMBERS:  # XS: every group small
            members = min(members, shape.reference_members)
        kind = "welfare" if rng.random() < 0.15 else "savings"
        welfare = kind == "welfare" or rng.random() < 0.6
    return Plan(index=index, group_id=group_id_of(seed, index), kind=kind, members=members,
                welfare=welfare, meeting_day=rng.randint(1, 28), months=months, anchor=anchor)


# ---------------------------------------------------------------------- progress table

def _progress_table() -> None:
    from core.store.db import database

    database.execute_sql("CREATE TABLE IF NOT EXISTS bench_progress "
                         "(key VARCHAR(80) PRIMARY KEY, value TEXT NOT NULL)")


def read_progress(key: str):
    from core.store.db import database

    _progress_table()
    row = database.execute_sql("SELECT value FROM bench_progress WHERE key = %s"
                               .replace("%s", database.param), (key,)).fetchone()
    return json.loads(row[0]) if row else None


def groups_done(db) -> int:
    """How many groups the generator finished in the open database `db`."""
    return db.execute_sql("SELECT COUNT(*) FROM bench_progress "
                          "WHERE substr(key, 1, 6) = 'group:'").fetchone()[0]


def write_progress(key: str, value) -> None:
    from core.store.db import database

    param = database.param
    with database.atomic():
        database.execute_sql(f"DELETE FROM bench_progress WHERE key = {param}", (key,))
        database.execute_sql(f"INSERT INTO bench_progress (key, value) VALUES ({param}, {param})",
                             (key, json.dumps(value)))


# ---------------------------------------------------------------------- the network

@contextmanager
def _cheap_password_hashes():
    """Thousands of bench accounts: argon2 at its real cost would take longer than the books."""
    from argon2 import PasswordHasher

    from core.store import users

    real = users._hasher
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        users._hasher = real


def _user(username: str, role: str, group_ids: list[str]):
    from core.store import users
    from core.store.models import User, UserGroup

    user = User.get_or_none(User.username == username)
    if user is None:
        return users.create_user(username, PASSWORD, role, group_ids=group_ids,
                                 display_name=username)
    have = {link.group_id for link in UserGroup.select().where(UserGroup.user == user.id)}
    for group_id in group_ids:
        if group_id not in have:
            UserGroup.create(user=user.id, group=group_id)
    return user


def _group(plan: Plan, network_id: str):
    from core.store import groups as group_store
    from core.store.models import Group, LoanProduct

    group = Group.get_or_none(Group.id == plan.group_id)
    if group is None:
        kind_name = "กองทุนสวัสดิการชุมชน" if plan.kind == "welfare" else "กลุ่มออมทรัพย์"
        group = group_store.create_group(f"{kind_name}บ้านทดสอบ {plan.index + 1}",
                                         network_id=network_id, kind=plan.kind,
                                         province="ขอนแก่น", group_id=plan.group_id)
    products = {p.method: p for p in LoanProduct.select().where(LoanProduct.group == group.id)}
    if plan.kind == "savings" and not products:
        for method, months in (("flat", 12), ("declining", 24)):
            products[method] = group_store.create_product(
                group.id, "เงินกู้สามัญ" if method == "flat" else "เงินกู้ลดต้นลดดอก",
                method=method, monthly_rate_bp=100, max_months=months)
    return group, products


class Writer:
    """Sends a group's ops through apply_operation and counts what came back."""

    def __init__(self, group, treasurer, committee, on_op):
        self.group, self.treasurer, self.committee = group, treasurer, committee
        self.on_op = on_op
        self.statuses: Counter = Counter()
        self.ops = 0
        # one group, two senders: its row and their rights are looked up once, as in a push
        self.batch = Batch()

    def send(self, user, op_type, day, payload, *, op_id, device=None):
        envelope = {"op_id": op_id, "group_id": self.group.id, "type": op_type,
                    "business_date": day.isoformat(), "payload": payload}
        result = apply_operation(Actor(user, device or "bench-loader"), envelope,
                                 batch=self.batch)
        self.ops += 1
        self.on_op()
        self.statuses[result.status] += 1
        if result.status == "rejected" and op_type not in REFUSABLE:
            raise RuntimeError(f"{op_type} refused: {result.reason} {result.message_en}")
        return result

    def as_treasurer(self, op_type, day, payload, **kw):
        return self.send(self.treasurer, op_type, day, payload, **kw)

    def as_committee(self, op_type, day, payload, **kw):
        return self.send(self.committee, op_type, day, payload, **kw)

    def cash(self) -> int:
        from core import books
        from core.store import ledger

        return ledger.balance_of(self.group.id, books.CASH)

    def suggested(self, claim_id: str) -> int:
        from core.store.models import WelfareClaim

        return WelfareClaim.get_by_id(claim_id).suggested_satang


def _write_group(plan: Plan, seed: str, network_id: str, staff, on_op) -> None:
    """The group's whole history and its mark in bench_progress, in one transaction (each op
    is still its own savepoint inside apply_operation): a run cut short keeps nothing of the
    group it was writing, and the rerun writes that group again from its first op."""
    from core.store.db import database

    with database.atomic():
        group, products = _group(plan, network_id)
        prefix = "bench" if plan.index == 0 else f"bench-g{plan.index + 1}"
        treasurer = _user(f"{prefix}-treasurer", "treasurer", [group.id])
        committee = _user(f"{prefix}-committee", "committee", [group.id])
        if staff is not None:
            _user(staff, "staff", [group.id])
        writer = Writer(group, treasurer, committee, on_op)
        history = GroupWriter(plan, seed, writer.as_treasurer, writer.as_committee,
                              writer.cash, writer.suggested)
        history.write(products)
        record = {"ops": writer.ops, "statuses": dict(writer.statuses),
                  "open_meeting_id": history.open_meeting_id}
        if plan.index == 0:
            borrower = next((p for p in history.people if p.loan), history.people[0])
            record |= {"group_id": plan.group_id, "member_id": borrower.member_id}
            write_progress("reference", record)
        write_progress(f"group:{plan.index}", record)


def generate(size: str, database_url: str, *, progress: bool = True, seed: int = SEED,
             today: date | None = None) -> dict:
    """Write (or finish writing) the network of a size; returns the reference group's ids."""
    from core.store import schema
    from core.store.db import database, open_database
    from core.store.models import Network
    from core.thaidate import today_in

    if database_url.startswith(("postgresql://", "postgres://")):
        ensure_postgres_database(database_url)
    shape = SIZES[size]
    open_database(database_url)
    schema.migrate()
    database.connect(reuse_if_open=True)
    try:
        meta = read_progress("meta")
        if meta is None:
            anchor = today or today_in("Asia/Bangkok")
            meta = {"size": size, "seed": f"{seed}-{size}", "anchor": anchor.isoformat()}
            write_progress("meta", meta)
        if meta["size"] != size:
            raise SystemExit(f"this database holds size {meta['size']}, not {size}")
        anchor = date.fromisoformat(meta["anchor"])
        months = month_starts(anchor, shape.months)
        network_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sajja-bench:{meta['seed']}:net"))
        if Network.get_or_none(Network.id == network_id) is None:
            Network.create(id=network_id, name=f"เครือข่ายทดสอบ {size}", province="ขอนแก่น")
        plans = [plan_of(i, meta["seed"], months, anchor, shape) for i in range(shape.groups)]
        done = {i for i in range(shape.groups) if read_progress(f"group:{i}")}
        meter = Meter(plans, done, progress)
        with _cheap_password_hashes():
            for plan in plans:
                if plan.index in done:
                    continue
                staff = "bench-staff" if plan.index < STAFF_GROUPS else \
                    f"bench-staff-{plan.index // STAFF_GROUPS + 1}"
                _write_group(plan, meta["seed"], network_id, staff, meter.tick)
                meter.group_done(plan)
        meter.finish()
        return read_progress("reference")
    finally:
        if not database.is_closed():
            database.close()


class Meter:
    """Groups done of all, ops a second and the time left, on stderr."""

    def __init__(self, plans: list[Plan], done: set[int], shown: bool):
        self.shown = shown
        self.weight = {p.index: p.members * len(p.months) for p in plans}
        self.total = sum(self.weight.values())
        self.finished = sum(self.weight[i] for i in done)
        self.groups, self.done_groups = len(plans), len(done)
        self.start = time.perf_counter()
        self.work_start = self.finished
        self.ops = 0
        self.last = 0.0

    def tick(self) -> None:
        self.ops += 1
        now = time.perf_counter()
        if self.shown and now - self.last > 2:
            self.last = now
            self._show(now)

    def group_done(self, plan: Plan) -> None:
        self.finished += self.weight[plan.index]
        self.done_groups += 1
        if self.shown:
            self._show(time.perf_counter())

    def _show(self, now: float) -> None:
        elapsed = now - self.start
        rate = self.ops / elapsed if elapsed else 0
        # ops still to come, from the ops a member-month took at size S
        to_come = (self.total - self.work_start) * OPS_PER_MEMBER_MONTH - self.ops
        left = max(to_come, 0) / rate if rate else 0
        print(f"\rgroups {self.done_groups}/{self.groups} · {self.ops:,} ops · "
              f"{rate:,.0f} ops/s · {elapsed:,.0f} s · about {left / 60:,.0f} min left   ",
              end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.shown:
            self._show(time.perf_counter())
            print(file=sys.stderr)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__
                                     .split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S",
                        help="S, M or L as in the README; XS is the tests' tiny network")
    parser.add_argument("--database", default="sqlite",
                        help="sqlite, postgresql, or a DATABASE_URL")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    url = database_url_for(args.database, args.size)
    from bench.copy_network import generate_anywhere  # it builds on this module

    reference = generate_anywhere(args.size, url, progress=not args.quiet)
    print(json.dumps({"database": url, "reference": reference}))


if __name__ == "__main__":
    main()
