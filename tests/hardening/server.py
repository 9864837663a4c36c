"""The real app in a subprocess (`python -m flask --app webapp run`), as an office server runs
it, on a free port and a database of the test's own; and a device talking to it over HTTP."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_",
                                                                                  "SAJJA_"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY="hardening-" + uuid.uuid4().hex,
               PYTHONDONTWRITEBYTECODE="1", SAJJA_SYNC_PUSHES_PER_DEVICE="0",
               SAJJA_SYNC_PUSHES_PER_USER="0", SAJJA_SYNC_PULLS_PER_USER="0")
    return env


def flask(env: dict, *args, timeout=300) -> subprocess.CompletedProcess:
    """A `flask --app webapp` command, for real."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)


def load_demo(env: dict) -> dict:
    for args in (("init-db",), ("demo",)):
        result = flask(env, *args)
        assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class Server:
    def __init__(self, env: dict, instance: Path):
        self.env = dict(env)
        self.instance = instance
        self.process = None
        self.url = None

    def start(self):
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = self.instance / f"server-{port}.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "webapp", "run", "--port", str(port),
                 "--no-reload", "--no-debugger", "--with-threads"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                if requests.get(self.url + "/login", timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("the app did not answer within a minute")

    def kill_9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill_9()


class Device:
    """A signed-in phone talking to the server over HTTP, as the outbox does."""

    def __init__(self, server: Server, username: str, password: str, device_id: str):
        self.server, self.device_id = server, device_id
        self.session = requests.Session()
        self.sign_in(username, password)

    def _token(self, path: str) -> str:
        html = self.session.get(self.server.url + path, timeout=30).text
        return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)

    def sign_in(self, username: str, password: str):
        response = self.session.post(self.server.url + "/login", data={
            "username": username, "password": password, "csrf_token": self._token("/login")},
            allow_redirects=False, timeout=60)
        assert response.status_code == 302, response.text[:300]
        self.token = self._token("/account/password")

    def push(self, ops: list, timeout=120) -> requests.Response:
        return self.session.post(self.server.url + "/api/v1/sync/push",
                                 json={"device_id": self.device_id, "ops": ops},
                                 headers={"X-CSRFToken": self.token}, timeout=timeout)
