"""`flask --app webapp notices send` and `notices worker`, against the local push service."""

import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.store.models import Notice
from tests.notices.conftest import subscribe
from tests.notices.test_sender import queue_notice

ROOT = Path(__file__).resolve().parents[2]


def test_send_pushes_what_is_due_and_prints_the_counts(app, world, push_service):
    member = world.users["member"]
    subscribe(member, push_service.add("phone"))
    subscribe(member, push_service.add("old-phone", answer=410))
    notice_id = queue_notice(member)

    result = app.test_cli_runner().invoke(args=["notices", "send"])

    assert result.exit_code == 0, result.output
    assert "notices sent: 1, pushes delivered: 1, devices removed: 1" in result.output
    assert [m["id"] for m in push_service.messages("phone")] == [notice_id]
    assert Notice.get_by_id(notice_id).sent_at is not None
    again = app.test_cli_runner().invoke(args=["notices", "send"])
    assert "notices sent: 0, pushes delivered: 0" in again.output
    assert len(push_service.pushes("phone")) == 1


def test_the_worker_keeps_sending_and_stops_on_sigterm(db_url, world, push_service, vapid):
    member = world.users["member"]
    subscribe(member, push_service.add("phone"))
    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "worker-test",
           "VAPID_PRIVATE_KEY": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
           "VAPID_SUBJECT": "mailto:treasurer@example.org"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "webapp", "notices", "worker",
         "--interval", "0.1"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        first = queue_notice(member, topic="a")
        _wait_for(lambda: len(push_service.messages("phone")) == 1)
        second = queue_notice(member, topic="b")  # queued while the worker runs
        _wait_for(lambda: len(push_service.messages("phone")) == 2)
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, err
    assert "worker stopped" in out
    assert [m["id"] for m in push_service.messages("phone")] == [first, second]


def _wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not send in time"
        time.sleep(0.05)
