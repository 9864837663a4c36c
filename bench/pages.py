"""Page figures on a generated database: server time of the pages people use most, and the
compressed bytes a phone downloads.

The pages are those of the reference group (150 members at every size; see bench/generate.py),
signed in as its treasurer, and the staff home of `bench-staff` (10 groups at every size): so
the same pages can be compared between a small database and a large one. Bytes are counted as
served, with the Accept-Encoding a phone's Chromium sends, through the app's own Flask-Compress.
"""

import re
import time
import uuid

from bench.common import summary, timings_ms
from bench.generate import PASSWORD, read_progress

REPEAT = 40
PHONE_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium on Android sends
ICONS = (".png", ".svg", ".ico")


def _app(database_url: str):
    from webapp import create_app

    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": uuid.uuid4().hex,
                       "TESTING": True, "WTF_CSRF_ENABLED": False})


def _signed_in(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def _reference(app) -> dict:
    from core.store.db import database

    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            reference = read_progress("reference")
        finally:
            database.close()
    if not reference:
        raise SystemExit("the database holds no generated network: run bench.generate first")
    return reference


def page_urls(app, reference: dict) -> dict[str, tuple[str, str]]:
    """name -> (who signs in, url). The staff home is wherever `/` sends field staff."""
    group, member = reference["group_id"], reference["member_id"]
    staff = _signed_in(app, "bench-staff")
    landing = staff.get("/")
    staff_home = landing.headers.get("Location", "/") if landing.status_code in (301, 302) \
        else "/"
    return {
        "member_page": ("bench-treasurer", f"/groups/{group}/members/{member}"),
        "meeting_screen": ("bench-treasurer",
                           f"/groups/{group}/meetings/{reference['open_meeting_id']}"),
        "passbook": ("bench-treasurer", f"/groups/{group}/members/{member}/passbook"),
        "staff_home": ("bench-staff", staff_home),
    }


def _answers(client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except Exception:  # noqa: BLE001 - a page that fails is reported, not measured
        return False


def measure_pages(database_url: str, repeat: int = REPEAT, notes: list | None = None) -> dict:
    """p50 and p95 of each page, in milliseconds, on this database."""
    app = _app(database_url)
    reference = _reference(app)
    clients, figures = {}, {}
    for name, (who, url) in page_urls(app, reference).items():
        client = clients.get(who) or clients.setdefault(who, _signed_in(app, who))
        if name == "staff_home" and url != "/groups" and not _answers(client, url):
            if notes is not None:
                notes.append(f"staff_home: {url} failed; measured the groups list instead")
            url = "/groups"
        if not _answers(client, url):
            if notes is not None:
                notes.append(f"{name}: {url} failed; not measured")
            figures[name] = {"p50_ms": None, "p95_ms": None}
            continue

        def get(client=client, url=url, name=name):
            response = client.get(url)
            assert response.status_code == 200, f"{name} {url}: {response.status_code}"

        figures[name] = summary(timings_ms(get, repeat))
    return figures


def _served_kb(client, url: str, **headers) -> tuple[float, str]:
    response = client.get(url, headers={"Accept-Encoding": PHONE_ENCODINGS, **headers})
    assert response.status_code == 200, f"{url}: {response.status_code}"
    body = response.get_data()
    return len(body) / 1024, response.headers.get("Content-Encoding", "identity")


def download_sizes(database_url: str, notes: list | None = None) -> dict:
    """What a phone downloads, compressed as served: the first visit (the sign-in page, the
    service worker and everything it stores for the app shell but icons) and the next page
    (the treasurer's landing page after signing in; the shell comes from the cache)."""
    from webapp.pwa import shell_urls

    app = _app(database_url)
    client = app.test_client()
    with app.test_request_context():
        shell = [url for url in shell_urls() if not url.endswith(ICONS)]
    login_html = client.get("/login").get_data(as_text=True)
    linked = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', login_html)
    parts = {}
    for url in ["/login", "/sw.js", *dict.fromkeys(linked + shell)]:
        parts[url] = _served_kb(client, url)
    treasurer = _signed_in(app, "bench-treasurer")
    landing = treasurer.get("/").headers.get("Location", "/")
    if not _answers(treasurer, landing):
        reference = _reference(app)
        if notes is not None:
            notes.append(f"next_page: the landing page {landing} failed; counted the member "
                         "page instead")
        landing = f"/groups/{reference['group_id']}/members/{reference['member_id']}"
    next_kb, next_encoding = _served_kb(treasurer, landing)
    return {
        "first_visit_kb": round(sum(kb for kb, _ in parts.values()), 1),
        "first_visit_parts": {url: f"{kb:.1f} KB {enc}" for url, (kb, enc) in parts.items()},
        "next_page_kb": round(next_kb, 1),
        "next_page": f"{landing} ({next_encoding})",
    }


def run(database_url: str, repeat: int = REPEAT, notes: list | None = None) -> dict:
    start = time.perf_counter()
    figures = {"pages": measure_pages(database_url, repeat, notes)}
    figures |= download_sizes(database_url, notes)
    figures["seconds"] = round(time.perf_counter() - start, 1)
    return figures
