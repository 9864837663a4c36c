"""The staff home and the network report for 200 groups with three years of data.

Run: `python -m bench.staff_home [--database URL] [--groups 200] [--months 36]`.

The data: 200 groups of 20 members in 4 networks, 36 months of monthly meetings (every member
saves, a few pay welfare contributions, one new loan a month, repayments, some borrowers stop
paying), written once through `apply_operation` into `bench-staff-home.db` in the instance
folder (or SAJJA_BENCH_DIR) and reused by later runs; a group is written in one transaction
and recorded as done, so an interrupted build resumes. `bench-staff` looks after every group.

Measured, signed in as `bench-staff`: the staff home (`/staff`), the network report (the
reports' network page, `/networks/<id>/reports`, when the app has it; else the network view)
and the network view with its charts (`/networks/<id>`), against the sign-in page served by
the same app in the same run. Target on a 2-core machine: under 300 ms each (p95).
"""

import argparse
import os
import random
import sys
import time
import uuid
from datetime import date, timedelta

from bench.common import gzip_kb, print_figures, summary, timings_ms

GROUPS, MEMBERS, MONTHS, NETWORKS = 200, 20, 36, 4
PASSWORD = "bench password 1"
REPEAT = 20
TARGET_MS = 300
SEED = 2569


def default_url() -> str:
    folder = os.environ.get("SAJJA_BENCH_DIR") or os.path.join(os.getcwd(), "instance")
    return f"sqlite:///{os.path.join(folder, 'bench-staff-home.db')}"


# ------------------------------------------------------------------------- progress

def _done(key: str) -> bool:
    from core.store.db import database

    database.execute_sql("CREATE TABLE IF NOT EXISTS bench_staff_home "
                         "(key VARCHAR(80) PRIMARY KEY, value TEXT NOT NULL)")
    row = database.execute_sql(f"SELECT value FROM bench_staff_home WHERE key = {database.param}",
                               (key,)).fetchone()
    return row[0] if row else None


def _mark_done(key: str, value: str = "1") -> None:
    from core.store.db import database

    database.execute_sql(f"INSERT INTO bench_staff_home (key, value) VALUES "
                         f"({database.param}, {database.param})", (key, value))


# ---------------------------------------------------------------------------- build

def _cheap_users():
    """Hundreds of bench accounts: argon2 at its real cost would take longer than the books."""
    from argon2 import PasswordHasher

    from core.store import users

    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def build(groups: int, members: int, months: int, progress: bool = True) -> date:
    """Write the network (or finish writing it); returns the day the history ends."""
    from core.store import groups as group_store
    from core.store import users
    from core.store.db import database
    from core.store.models import Network, User, UserGroup
    from core.thaidate import add_months, today_in

    anchor_text = _done("anchor")
    if anchor_text is None:
        anchor_text = today_in("Asia/Bangkok").isoformat()
        _mark_done("anchor", anchor_text)
    anchor = date.fromisoformat(anchor_text)
    first = add_months(anchor.replace(day=1), -months)
    _cheap_users()
    networks = []
    for n in range(NETWORKS):
        network_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sajja-staff-bench:net:{n}"))
        if Network.get_or_none(Network.id == network_id) is None:
            Network.create(id=network_id, name=f"เครือข่ายทดสอบ {n + 1}",
                           province=("ขอนแก่น", "อุดรธานี")[n % 2])
        networks.append(network_id)
    started = time.perf_counter()
    for index in range(groups):
        if _done(f"group:{index}"):
            continue
        with database.atomic():
            group = group_store.create_group(
                f"กลุ่มออมทรัพย์ทดสอบ {index + 1:03d}", network_id=networks[index % NETWORKS],
                group_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"sajja-staff-bench:g:{index}")))
            staff = User.get_or_none(User.username == "bench-staff")
            if staff is None:  # a staff account needs a group: made with the first one
                users.create_user("bench-staff", PASSWORD, "staff", group_ids=[group.id])
            else:
                UserGroup.create(user=staff.id, group=group.id)
            _write_history(group, index, members, first, anchor, months)
            _mark_done(f"group:{index}")
        if progress:
            spent = time.perf_counter() - started
            print(f"\rgroup {index + 1}/{groups} · {spent:,.0f} s", end="", file=sys.stderr,
                  flush=True)
    if progress:
        print(file=sys.stderr)
    return anchor


def _write_history(group, index, members, first, anchor, months):
    from core import books
    from core.store import groups as group_store
    from core.store import ledger, users
    from core.store.operations import Actor, apply_operation
    from core.thaidate import add_months

    rng = random.Random(f"{SEED}:{index}")
    treasurer = Actor(users.create_user(f"bench-t{index}", PASSWORD, "treasurer",
                                        group_ids=[group.id]), "bench-phone")
    committee = Actor(users.create_user(f"bench-c{index}", PASSWORD, "committee",
                                        group_ids=[group.id]), "bench-phone")
    product = group_store.create_product(group.id, "สามัญ", method="flat", monthly_rate_bp=100,
                                         max_months=12)

    def send(actor, op_type, day, payload):
        result = apply_operation(actor, {"op_id": str(uuid.uuid4()), "group_id": group.id,
                                         "type": op_type, "business_date": day.isoformat(),
                                         "payload": payload})
        if result.status == "rejected":
            raise RuntimeError(f"{op_type}: {result.reason} {result.message_en}")
        return result

    people = [str(uuid.uuid4()) for _ in range(members)]
    for number, member_id in enumerate(people):
        send(treasurer, "member.create", first, {"member_id": member_id,
                                                 "name": f"สมาชิก {index + 1}-{number + 1}",
                                                 "joined_on": first.isoformat()})
    running: dict[str, tuple[str, int, bool]] = {}  # member -> (loan id, instalment, stops)
    skips_meetings = rng.random() < 0.1  # a few groups stop meeting regularly
    for month in range(months + 1):
        day = add_months(first, month) + timedelta(days=rng.randint(4, 20))
        if day > anchor:
            break
        if skips_meetings and month >= months - 2:
            continue
        meeting_id = str(uuid.uuid4())
        send(treasurer, "meeting.open", day, {"meeting_id": meeting_id, "date": day.isoformat()})
        for member_id in people:
            send(treasurer, "savings.deposit", day, {"member_id": member_id,
                                                      "amount_satang": rng.choice(
                                                          (10_000, 10_000, 20_000, 50_000))})
        for member_id in people[:2]:
            send(treasurer, "welfare.contribute", day, {"member_id": member_id,
                                                         "amount_satang": 3_000})
        for member_id, (loan_id, paid, stops) in list(running.items()):
            if stops and paid >= 3:
                continue  # fell into arrears
            send(treasurer, "loan.repay", day, {"loan_id": loan_id, "amount_satang": 14_000})
            running[member_id] = (loan_id, paid + 1, stops)
            if paid + 1 >= 12:
                del running[member_id]
        if month >= 6:
            free = [m for m in people if m not in running]
            if free:
                borrower = rng.choice(free)
                loan_id = str(uuid.uuid4())
                send(treasurer, "loan.apply", day, {"loan_id": loan_id, "member_id": borrower,
                                                     "product_id": product.id,
                                                     "principal_satang": 150_000, "months": 12})
                send(committee, "loan.approve", day, {"loan_id": loan_id})
                send(treasurer, "loan.disburse", day, {"loan_id": loan_id})
                running[borrower] = (loan_id, 0, rng.random() < 0.15)
        send(treasurer, "meeting.close", day, {
            "meeting_id": meeting_id,
            "counted_cash_satang": max(0, ledger.balance_of(group.id, books.CASH))})


# ------------------------------------------------------------------------- measure

def cpu_ms(call, repeat: int) -> float:
    """The median CPU time of this process for one call: the server's own work, which other
    programs on a shared machine do not inflate the way they inflate the wall clock."""
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        call()
        samples.append((time.process_time() - start) * 1000)
    return round(sorted(samples)[len(samples) // 2], 1)


def _report_path(app, network_id: str) -> tuple[str, str]:
    """The reports helper's network report when the app has it; else the network view."""
    if "reports.network" in app.view_functions:
        return "network_report", f"/networks/{network_id}/reports"
    return "network_view", f"/networks/{network_id}"


def run(database_url: str | None = None, groups: int = GROUPS, members: int = MEMBERS,
        months: int = MONTHS, repeat: int = REPEAT, progress: bool = True) -> dict:
    from core.store import schema
    from core.store.db import database, open_database
    from core.store.models import Group
    from webapp import create_app

    url = database_url or default_url()
    open_database(url)
    schema.migrate()
    database.connect(reuse_if_open=True)
    try:
        built_from = time.perf_counter()
        anchor = build(groups, members, months, progress)
        build_s = round(time.perf_counter() - built_from, 1)
        network_id = (Group.select(Group.network).where(Group.network.is_null(False))
                      .order_by(Group.name).first().network_id)
        group_count = Group.select().count()
    finally:
        database.close()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex,
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    signed = client.post("/login", data={"username": "bench-staff", "password": PASSWORD})
    assert signed.status_code == 302, "bench-staff could not sign in"
    cold_start = time.perf_counter()  # the first page after start: no schedule cached yet
    home = client.get("/staff")
    cold_ms = round((time.perf_counter() - cold_start) * 1000, 1)
    assert home.status_code == 200 and home.get_data().count(b'class="card group-card') == \
        group_count, "every group has its card"
    report_name, report_path = _report_path(app, network_id)
    assert client.get(report_path).status_code == 200, report_path
    view_path = f"/networks/{network_id}"
    baseline = summary(timings_ms(lambda: client.get("/login"), repeat))
    staff = summary(timings_ms(lambda: client.get("/staff"), repeat))
    report = summary(timings_ms(lambda: client.get(report_path), repeat))
    view = summary(timings_ms(lambda: client.get(view_path), repeat))
    cpu = {name: cpu_ms(lambda path=path: client.get(path), repeat) for name, path in
           (("login", "/login"), ("staff_home", "/staff"), ("network_report", report_path))}
    return {
        "groups": group_count, "members_per_group": members, "months": months,
        "history_ends": anchor.isoformat(), "build_s": build_s,
        "staff_home_first_ms": cold_ms,
        "staff_home_p50_ms": staff["p50_ms"], "staff_home_p95_ms": staff["p95_ms"],
        "network_report_measured": report_name,
        "network_report_p50_ms": report["p50_ms"], "network_report_p95_ms": report["p95_ms"],
        "network_view_p50_ms": view["p50_ms"], "network_view_p95_ms": view["p95_ms"],
        "baseline_login_p50_ms": baseline["p50_ms"],
        "staff_home_cpu_p50_ms": cpu["staff_home"],
        "network_report_cpu_p50_ms": cpu["network_report"],
        "baseline_login_cpu_p50_ms": cpu["login"],
        "staff_home_vs_baseline": round(staff["p50_ms"] / baseline["p50_ms"], 1),
        "network_report_vs_baseline": round(report["p50_ms"] / baseline["p50_ms"], 1),
        "staff_home_kb_gzip": gzip_kb(home.get_data()),
        "network_view_kb_gzip": gzip_kb(client.get(view_path).get_data()),
        "target_ms": TARGET_MS,
        "staff_home_under_target": staff["p95_ms"] < TARGET_MS,
        "network_report_under_target": report["p95_ms"] < TARGET_MS,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.staff_home",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=None, help="a DATABASE_URL (default: a SQLite "
                        "file in the instance folder, built once and reused)")
    parser.add_argument("--groups", type=int, default=GROUPS)
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--months", type=int, default=MONTHS)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)
    print_figures(run(args.database, args.groups, args.members, args.months, args.repeat))


if __name__ == "__main__":
    main()
