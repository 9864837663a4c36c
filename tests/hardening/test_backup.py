"""`flask backup PATH` while the app runs and a phone keeps pushing: the copy is consistent
(the books of one committed moment: a prefix of the phone's ops, no half of one), restoring
it as the README says gives books that pass `flask audit`. SQLite through its online backup;
PostgreSQL through pg_dump, restored with pg_restore into an empty database."""

import contextlib
import shutil
import subprocess
import threading

import pytest

from tests.conftest import BACKEND, scratch_postgres
from tests.hardening.office import Watcher, expected, savings, wait_for
from tests.hardening.server import Device, environment, flask


@contextlib.contextmanager
def pushing(device: Device, ops: list, batch: int = 20):
    """The phone pushes its ops in small batches, on and on, until the block ends."""
    stop, sent, errors = threading.Event(), [], []

    def run():
        for start in range(0, len(ops), batch):
            if stop.is_set():
                return
            chunk = ops[start:start + batch]
            response = device.push(chunk)
            if response.status_code != 200:
                errors.append(response.text[:300])
                return
            sent.extend(chunk)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield sent
    finally:
        stop.set()
        thread.join(timeout=120)
        assert not errors, errors


@contextlib.contextmanager
def restored(backup_path, tmp_path):
    """The backup put in place of a database, as the README tells: the URL of the copy."""
    if BACKEND != "postgresql":
        target = tmp_path / "restored" / "sajja.db"
        target.parent.mkdir()
        shutil.copyfile(backup_path, target)
        yield f"sqlite:///{target}"
        return
    with scratch_postgres("sajja_restored") as url:
        result = subprocess.run(["pg_restore", "--no-owner", "--dbname", url, str(backup_path)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        yield url


def _pg_dump_matches_the_server(url: str) -> bool:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        return False
    import psycopg2

    with contextlib.closing(psycopg2.connect(url)) as connection:
        server_major = connection.server_version // 10000
    client = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout
    return int(client.split()[-1].split(".")[0]) >= server_major


def test_a_backup_taken_while_the_app_writes_restores_to_books_that_audit(office, tmp_path):
    if BACKEND == "postgresql" and not _pg_dump_matches_the_server(office.url):
        pytest.skip("pg_dump older than the server (install postgresql-client of its version)")
    ops = office.ops
    backup_path = tmp_path / ("sajja.dump" if BACKEND == "postgresql" else "backup.db")
    office.server.start()
    with pushing(office.phone("backup-phone"), ops) as sent:
        # a few batches in: the backup meets a database being written
        wait_for(lambda: office.sync_ops() >= 40, "the first batches")
        result = flask(office.env, "backup", str(backup_path))
        assert result.returncode == 0, result.stderr
        sent_during_backup = len(sent)
    assert len(sent) > sent_during_backup or len(sent) == len(ops)  # it kept on writing
    office.server.stop()
    with restored(backup_path, tmp_path) as copy:
        office.audit(environment(copy))
        copy_watcher = Watcher(copy)
        try:
            in_copy = {row[0] for row in copy_watcher.rows(
                "SELECT op_id FROM sync_op WHERE device = 'backup-phone'")}
        finally:
            copy_watcher.close()
        # a prefix of what the phone sent: the books of one committed moment
        prefix = ops[:len(in_copy)]
        assert {op["op_id"] for op in prefix} == in_copy
        assert len(in_copy) >= 40
        assert savings(copy, office.members) == expected(office.savings_before, prefix)
