"""gunicorn with the project's gunicorn.conf.py starts, serves the sign-in page from the test
database, and chooses its workers by database as the README says."""

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "gunicorn.conf.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(monkeypatch, **env) -> dict:
    for name in ("SAJJA_WORKERS", "SAJJA_THREADS", "SAJJA_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_one_worker_with_threads_on_sqlite_and_several_on_postgresql(monkeypatch):
    sqlite = _config(monkeypatch, DATABASE_URL="sqlite:///instance/sajja.db")
    assert (sqlite["workers"], sqlite["threads"]) == (1, 4)
    postgres = _config(monkeypatch, DATABASE_URL="postgresql://sajja@db:5432/sajja")
    assert postgres["workers"] == 2 * (os.cpu_count() or 1) + 1
    chosen = _config(monkeypatch, DATABASE_URL="postgresql://sajja@db/sajja", SAJJA_WORKERS="3",
                     SAJJA_BIND="0.0.0.0:9000")
    assert (chosen["workers"], chosen["bind"]) == (3, "0.0.0.0:9000")
    assert chosen["preload_app"] is False


def test_gunicorn_serves_the_sign_in_page(db_url, tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "SAJJA_BIND": f"127.0.0.1:{port}",
           "SECRET_KEY": "gunicorn-test-secret", "SAJJA_WORKERS": "2"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 - the server writes it meanwhile
    server = subprocess.Popen([str(gunicorn), "--config", str(CONFIG)], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline, answer = time.monotonic() + 30, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                    answer = (r.status, r.read().decode())
                break
            except OSError:
                time.sleep(0.2)
        log.seek(0)
        output = log.read()
        if answer is None:
            pytest.fail(f"gunicorn did not answer /login:\n{output[-2000:]}")
        status, html = answer
        assert status == 200
        assert 'name="username"' in html and 'name="csrf-token"' in html
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    output = (tmp_path / "gunicorn.log").read_text()
    assert "Booting worker" in output and '"GET /login HTTP/1.1" 200' in output, output[-2000:]
