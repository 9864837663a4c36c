"""`flask copy-database`: the demo office's SQLite books moved to PostgreSQL, and back again,
row for row; the copy audits, carries on numbering where the source stopped, and a target that
already holds rows is refused without a row written."""

import uuid

from core.store import schema
from core.store.db import connect_url, database, open_database
from core.store.demo import load_demo
from core.store.models import ALL_MODELS, JournalTxn, SyncOp, User
from core.store.operations import Actor, apply_operation
from core.thaidate import today_in
from tests.conftest import scratch_postgres
from tests.webapp.test_commands import explain, make_app, run


def _office(tmp_path):
    """A SQLite office with the demo loaded, one account switched off (a boolean false)."""
    url = f"sqlite:///{tmp_path / 'office.db'}"
    app = make_app(url, tmp_path)
    schema.migrate()
    with database.connection_context():
        made = load_demo()
        User.update(active=False).where(User.role == "member").execute()
    return url, app, made


def _contents(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in id order, as the driver gives it back."""
    db = connect_url(url)
    with db.connection_context():
        return {model._meta.table_name: [
            tuple(row) for row in db.execute_sql(
                f'SELECT * FROM "{model._meta.table_name}" ORDER BY 1').fetchall()]
            for model in ALL_MODELS}


def test_sqlite_to_postgresql_and_back_row_for_row(tmp_path):
    source, app, made = _office(tmp_path)
    before = _contents(source)
    with scratch_postgres("sajja_copy") as target:
        result = run(app, "copy-database", target)
        assert result.exit_code == 0, explain(result)
        assert "books of the copy agree" in result.output
        rows = sum(len(table) for table in before.values())
        assert f"copied {rows:,} rows of {len(ALL_MODELS)} tables" in result.output

        # and back down to a SQLite file: every row as the office had it
        back = f"sqlite:///{tmp_path / 'back.db'}"
        result = run(make_app(target, tmp_path), "copy-database", back)
        assert result.exit_code == 0, explain(result)
        assert _contents(back) == before

        open_database(target)
        with database.connection_context():
            assert User.select().where(User.active == False).count() == \
                User.select().where(User.role == "member").count() > 0  # noqa: E712
            # numbering carries on after the copied rows: a new entry takes the next ids
            last_txn = JournalTxn.select().order_by(JournalTxn.id.desc()).first().id
            last_seq = SyncOp.select().order_by(SyncOp.server_seq.desc()).first().server_seq
            treasurer = next(a for a in made["accounts"] if a["role"] == "treasurer")
            group_id = treasurer["group"]
            member_id = database.execute_sql(
                "SELECT id FROM member WHERE group_id = %s AND status = 'active' LIMIT 1",
                (group_id,)).fetchone()[0]
            deposit = apply_operation(
                Actor(User.get(User.username == treasurer["username"]), "copied-phone"), {
                    "op_id": str(uuid.uuid4()), "group_id": group_id, "type": "savings.deposit",
                    "business_date": today_in("Asia/Bangkok").isoformat(),
                    "payload": {"member_id": member_id, "amount_satang": 12_345}})
            assert deposit.status == "accepted", deposit
            assert deposit.server_seq == last_seq + 1
            assert JournalTxn.select().order_by(JournalTxn.id.desc()).first().id == last_txn + 1


def test_a_target_with_rows_is_refused_and_left_as_it_was(tmp_path):
    source, app, _made = _office(tmp_path)
    with scratch_postgres("sajja_copy") as target:
        assert run(app, "copy-database", target).exit_code == 0
        copied = _contents(target)
        again = run(app, "copy-database", target)
        assert again.exit_code == 2
        assert "already holds rows" in again.output
        assert _contents(target) == copied
    assert run(app, "copy-database", source).exit_code == 2  # not onto itself
