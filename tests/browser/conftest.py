"""A real browser: the system's Chromium through Playwright, phone-sized, against a live server.

One browser per session; the app served per test on a fresh port (a fresh origin, so no
service worker or cache leaks between tests); a new context per test. Without Chromium the
tests are skipped, except in CI (env CI set), where a missing browser is a failure.
See TESTING.md ("A real browser"). Never run `playwright install` here.
"""

import os
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "locale": "th-TH", "service_workers": "allow"}
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not os.path.isfile(CHROMIUM):
        message = (f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH, or apt-get install "
                   "chromium fonts-liberation fonts-thai-tlwg)")
        if os.environ.get("CI"):
            pytest.fail("CI must have the browser: " + message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # The service worker's own requests (the outbox sent by Background Sync) reach
    # context.route() and context.on("request") only with this switch (Chromium).
    os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def live_server(app):
    """The test app served on 127.0.0.1 (a secure context) on a port of its own."""
    static_htmx = ROOT / "webapp" / "static" / "vendor" / "htmx.min.js"
    assert static_htmx.is_file(), "webapp/static/vendor/htmx.min.js is missing: run `make install`"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Closing waits for requests still running, so none outlives the test's database.
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server, **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


class Console:
    """What the page said on its console that a person would call broken."""

    def __init__(self):
        self.errors: list[str] = []

    def on_console(self, message):
        if message.type == "error":
            location = message.location or {}
            self.errors.append(f"console: {message.text} ({location.get('url', '')})")

    def on_page_error(self, error):
        self.errors.append(f"uncaught: {error}")


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def page(context, console):
    page = context.new_page()
    page.on("console", console.on_console)  # CSP violations arrive here as errors too
    page.on("pageerror", console.on_page_error)
    yield page
    page.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go (gitignored), for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


CONTROLLED = "navigator.serviceWorker.controller !== null"


def eventually(page, expression: str, timeout: float = 15.0):
    """Poll an expression (its value may be a promise) until it is truthy. Not
    wait_for_function: once it has to poll, it evaluates the string with eval, which the
    app's content security policy refuses; and it takes a promise itself for a true value."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def wait_for_control(page, timeout: float = 15.0) -> None:
    """Until the service worker controls the page. A page whose navigation began while the
    worker was still installing stays uncontrolled even after clients.claim() (the claim can
    come before the new document exists): as a person would, open it again."""
    eventually(page, "navigator.serviceWorker.ready.then(() => true)", timeout)
    if not page.evaluate(CONTROLLED):
        page.reload()
        eventually(page, CONTROLLED, timeout)
