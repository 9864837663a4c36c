"""The benchmark's own parts on a tiny network (size XS: two groups, three months): the
generator writes through the core operation and resumes without writing twice, and
`python -m bench` prints its table and one JSON line with every key. Figures are not judged
here (benchmarks are never timed tests); that they are measured is."""

import io
import json
from contextlib import redirect_stdout
from datetime import date

import pytest

from bench import __main__ as bench_main
from bench.generate import SIZES, generate, group_id_of
from core.store.db import database, open_database
from core.store.models import Group, JournalLine, Meeting, Member, SyncOp, User

TODAY = date(2026, 11, 26)
KEYS = ("sync_ops_per_s", "sync_ratio_vs_raw", "page_p95_ms", "growth_ratio", "first_visit_kb",
        "next_page_kb", "push_per_s", "peak_rss_mb")


@pytest.fixture
def tiny(db_url):
    reference = generate("XS", db_url, progress=False, today=TODAY)
    open_database(db_url)
    database.connect(reuse_if_open=True)
    yield db_url, reference
    database.execute_sql("DROP TABLE IF EXISTS bench_progress")  # not one of the app's tables
    database.close()


def test_the_generator_writes_every_group_through_the_core_operation(tiny):
    _url, reference = tiny
    assert Group.select().count() == SIZES["XS"].groups
    group = reference["group_id"]
    assert Member.select().where(Member.group == group).count() >= SIZES["XS"].reference_members
    # three monthly meetings per group, the latest (26 Nov at the latest) still open
    for each in Group.select():
        meetings = list(Meeting.select().where(Meeting.group == each.id).order_by(Meeting.date))
        assert [m.date.month for m in meetings] == [9, 10, 11]
        assert [m.status for m in meetings] == ["closed", "closed", "open"]
        assert meetings[-1].date <= TODAY
    assert Meeting.get_by_id(reference["open_meeting_id"]).status == "open"
    # every member arrived as a member.create op, every deposit as a savings.deposit op
    assert SyncOp.select().where(SyncOp.type == "member.create").count() == \
        Member.select().count()
    assert SyncOp.select().where(SyncOp.status == "rejected",
                                 SyncOp.type != "loan.apply").count() == 0
    assert User.get(User.username == "bench-treasurer").role == "treasurer"


def test_a_run_cut_short_resumes_with_the_group_it_was_writing(db_url, monkeypatch):
    from bench import gen_group
    from core.store.models import Loan

    real_meeting, calls = gen_group.GroupWriter._meeting, []

    def meeting_then_stop(self, day, last):
        calls.append(self.plan.index)
        if self.plan.index == 1 and calls.count(1) == 2:
            raise KeyboardInterrupt  # stopped by hand in group 1's second month
        return real_meeting(self, day, last)

    monkeypatch.setattr(gen_group.GroupWriter, "_meeting", meeting_then_stop)
    with pytest.raises(KeyboardInterrupt):
        generate("XS", db_url, progress=False, today=TODAY)
    open_database(db_url)
    with database.connection_context():
        group_ids = [g.id for g in Group.select()]
        kept = SyncOp.select().count()
    first, second = (group_id_of("2569-XS", index) for index in (0, 1))
    assert group_ids == [first]  # group 0 whole; nothing of group 1, not even the group
    monkeypatch.setattr(gen_group.GroupWriter, "_meeting", real_meeting)
    generate("XS", db_url, progress=False, today=date(2026, 12, 30))
    open_database(db_url)
    with database.connection_context():
        from bench.generate import read_progress

        records = [read_progress(f"group:{i}") for i in range(SIZES["XS"].groups)]
        # every op of each group's record is in the books once; group 0 was not written again
        assert records[0]["ops"] == kept
        for group_id, record in zip((first, second), records, strict=True):
            assert SyncOp.select().where(SyncOp.group == group_id).count() == record["ops"]
        assert Loan.select().count() == Loan.select(Loan.id).distinct().count()
        assert max(m.date for m in Meeting.select()) <= TODAY  # the first run's "today" holds
        database.execute_sql("DROP TABLE IF EXISTS bench_progress")


def test_python_m_bench_prints_a_table_and_one_json_line(tiny, monkeypatch):
    url, _reference = tiny
    database.close()
    out = io.StringIO()
    with redirect_stdout(out):
        bench_main.main(["--size", "XS", "--database", url, "--repeat", "3",
                         "--skip", "sync_push", "--skip", "push_send"])
    lines = out.getvalue().strip().splitlines()
    figures = json.loads(lines[-1])
    assert all(key in figures for key in KEYS), set(KEYS) - set(figures)
    assert not any(line.startswith("{") for line in lines[:-1])  # exactly one JSON line
    assert set(figures["page_p95_ms"]) == {"member_page", "meeting_screen", "passbook",
                                           "staff_home"}
    assert figures["page_p95_ms"]["member_page"] > 0
    assert figures["first_visit_kb"] > figures["next_page_kb"] > 0
    assert figures["sync_ops_per_s"] is None and "sync_push: skipped (--skip)" in figures["notes"]
    # the push into a copy of the network: measured, and the network itself untouched
    assert figures["sync_into_network"]["sync_ops_per_s"] > 0
    assert figures["sync_into_network"]["sync_ratio_vs_raw"] > 0
    open_database(url)
    database.connect(reuse_if_open=True)
    assert figures["network"] == {
        "groups": "2 of 2", "months": 3, "members": Member.select().count(),
        "sync_ops": SyncOp.select().count(), "journal_lines": JournalLine.select().count()}


def test_as_is_measures_a_network_cut_short_without_writing_to_it(tiny):
    url, _reference = tiny
    database.execute_sql("DELETE FROM bench_progress WHERE key = 'group:1'")
    ops = SyncOp.select().count()
    database.close()
    out = io.StringIO()
    with redirect_stdout(out):
        bench_main.main(["--size", "XS", "--database", url, "--repeat", "2", "--as-is",
                         "--skip", "sync_push", "--skip", "push_send",
                         "--skip", "sync_into_network"])
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["network"]["groups"] == "1 of 2" and figures["generate_s"] < 1
    open_database(url)
    database.connect(reuse_if_open=True)
    assert SyncOp.select().count() == ops


def test_on_postgresql_the_network_is_staged_on_sqlite_and_copied(tmp_path, monkeypatch):
    from bench.copy_network import generate_anywhere
    from core.store.ledger import audit
    from tests.conftest import scratch_postgres

    monkeypatch.setenv("SAJJA_BENCH_DIR", str(tmp_path))
    with scratch_postgres("sajja_bench_staged") as url:
        reference = generate_anywhere("XS", url, progress=False)
        assert (tmp_path / "bench-XS.db").exists()  # the staging file, kept for next time
        open_database(url)
        with database.connection_context():
            assert Group.select().count() == SIZES["XS"].groups
            assert Meeting.get_by_id(reference["open_meeting_id"]).status == "open"
            assert audit() == ([], [])
        staged = SyncOp.select().count
        open_database(f"sqlite:///{tmp_path / 'bench-XS.db'}")
        with database.connection_context():
            in_sqlite = staged()
        open_database(url)
        with database.connection_context():
            assert staged() == in_sqlite > 0  # every op copied, none written twice
        assert generate_anywhere("XS", url, progress=False) == reference  # nothing to do
        open_database(url)
        with database.connection_context():
            assert staged() == in_sqlite
