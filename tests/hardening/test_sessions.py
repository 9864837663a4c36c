"""Headers and sessions: the content security policy allows no inline script, cookies are
HttpOnly and SameSite (and Secure behind TLS), frames are denied, sign-in and the sync API are
rate-limited, and revoking a user or signing out everywhere ends every session at once."""

import re

import pytest
from flask_login import encode_cookie

from core.store.models import JournalTxn
from tests.conftest import csrf_token
from tests.hardening.conftest import fingerprint, signed_in
from tests.sync.phones import PULL, Phone, deposit
from tests.webapp.test_access_matrix import ROUTES, _url

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _script_src(csp: str) -> str:
    return next(part for part in csp.split(";") if part.strip().startswith("script-src"))


def test_every_page_has_the_policy_and_no_inline_script(app, world):
    client, _token = signed_in(app, "committee")
    pages = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint not in ROUTES:
            continue
        response = client.get(_url(rule, world, world.group))
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, rule.endpoint
        assert _script_src(csp).split() == ["script-src", "'self'"], rule.endpoint
        assert "frame-ancestors 'none'" in csp and headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        if response.status_code == 200 and response.mimetype == "text/html":
            pages += 1
            html = response.get_data(as_text=True)
            for tag in re.findall(r"<script\b[^>]*>", html, re.IGNORECASE):
                assert "src=" in tag, (rule.endpoint, tag)  # never a script in the page
            assert not INLINE_HANDLER.search(html), (rule.endpoint,
                                                     INLINE_HANDLER.search(html).group(0))
            assert "javascript:" not in html.lower(), rule.endpoint
    assert pages >= 25


def test_api_answers_and_errors_carry_the_headers_too(app, world):
    client = app.test_client()
    for path in (PULL, "/no-such-page", "/static/app.css"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Frame-Options"] == "DENY", path


def test_session_cookie_is_httponly_and_samesite_and_not_secure_on_plain_http(app, world):
    client = app.test_client()
    response = client.post("/login", data={"username": "treasurer",
                                           "password": "correct horse 1",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert "Secure" not in session  # http://127.0.0.1 in development must still sign in
    assert not any(c.startswith("remember_token=") for c in cookies)


@pytest.mark.parametrize("variable, value", [("SAJJA_SECURE_COOKIES", "1"),
                                             ("PREFERRED_URL_SCHEME", "https")])
def test_behind_tls_every_cookie_is_secure(db_url, tmp_path, monkeypatch, variable, value,
                                           world):
    from webapp import create_app

    monkeypatch.setenv(variable, value)
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "s" * 32})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login", base_url="https://sajja.example", data={
        "username": "treasurer", "password": "correct horse 1", "csrf_token": token})
    session = next(c for c in response.headers.getlist("Set-Cookie")
                   if c.startswith("session="))
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session


# --- rate limits ------------------------------------------------------------------------------

@pytest.fixture
def frozen_minute(monkeypatch):
    """Every request of the test falls in one window: no flake at a minute's turn."""
    from types import SimpleNamespace

    from core.store import rate_limits

    monkeypatch.setattr(rate_limits, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))


def test_pushes_are_limited_per_device_with_a_retry_after(app, world, frozen_minute):
    app.config.update(SYNC_PUSHES_PER_DEVICE=3, SYNC_PUSHES_PER_USER=6)
    phone = Phone(app, "treasurer", "phone-a")
    for _ in range(3):
        (result,) = phone.push([deposit(world.group, world.member_id, 1000)])
        assert result["status"] == "accepted"
    before, txns = fingerprint(), JournalTxn.select().count()
    response = phone.post({"device_id": "phone-a",
                           "ops": [deposit(world.group, world.member_id, 1000)]})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert response.get_json()["error"]["message"]
    assert response.headers["Retry-After"] == "30"  # the rest of the minute
    assert (fingerprint(), JournalTxn.select().count()) == (before, txns)
    # the same person's other phone has its own budget, until the person's own limit (6;
    # the refused push counted too)
    tablet = Phone(app, "treasurer", "tablet-b")
    assert tablet.push([deposit(world.group, world.member_id, 1100)])[0]["status"] == "accepted"
    assert tablet.push([deposit(world.group, world.member_id, 1200)])[0]["status"] == "accepted"
    assert tablet.post({"device_id": "tablet-b", "ops": []}).status_code == 429
    # someone else is not slowed down by them
    staff = Phone(app, "staff", "staff-phone")
    assert staff.push([deposit(world.group, world.member_id, 1300)])[0]["status"] == "accepted"


def test_the_limit_opens_again_in_the_next_minute(app, world):
    from core.store import rate_limits

    keys = [("push:device:x", 2)]
    assert rate_limits.hit(keys, now=120.0) is None
    assert rate_limits.hit(keys, now=150.0) is None
    assert rate_limits.hit(keys, now=170.0) == 10  # 10 s to the next window
    assert rate_limits.hit(keys, now=180.0) is None


def test_pulls_are_limited_per_user(app, world, frozen_minute):
    app.config.update(SYNC_PULLS_PER_USER=2)
    phone = Phone(app, "treasurer", "phone-a")
    phone.pull()
    phone.pull()
    response = phone.client.get(PULL)
    assert response.status_code == 429 and response.headers["Retry-After"]


def test_the_limits_are_generous_by_default(db_url):
    from webapp import create_app

    config = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "s" * 32}).config
    # a treasurer syncing after every entry of a busy savings day stays far below these
    assert config["SYNC_PUSHES_PER_DEVICE"] >= 60 and config["SYNC_PULLS_PER_USER"] >= 60


# --- revocation -------------------------------------------------------------------------------

def _remember_cookie(app, world, username):
    """The remember-me cookie Flask-Login would set for the user's current session."""
    from webapp.auth import SignedIn

    with app.test_request_context():
        return encode_cookie(SignedIn(world.users[username].__class__.get_by_id(
            world.users[username].id)).get_id())


def _signed_in_everywhere(app, world, username):
    """Two phones with a session, one with only a remember-me cookie."""
    phone, office = Phone(app, username, "phone-1"), Phone(app, username, "office-1")
    remembered = app.test_client()
    remembered.set_cookie("remember_token", _remember_cookie(app, world, username))
    home = f"/groups/{world.group.id}"
    for client in (phone.client, office.client, remembered):
        assert client.get(home).status_code == 200
    assert phone.client.get(PULL).status_code == 200
    return phone, office, remembered


def _all_signed_out(world, phone, office, remembered):
    home = f"/groups/{world.group.id}"
    for client in (phone.client, office.client, remembered):
        response = client.get(home)
        assert response.status_code == 302 and "/login" in response.location
    for device in (phone, office):
        response = device.post({"device_id": device.device_id,
                                "ops": [deposit(world.group, world.member_id, 500)]})
        assert response.status_code == 401  # the outbox keeps the op; sign in again
        assert device.client.get(PULL).status_code == 401


def test_sign_out_everywhere_ends_every_device_at_once(app, world):
    phone, office, remembered = _signed_in_everywhere(app, world, "treasurer")
    before = JournalTxn.select().count()
    token = csrf_token(office.client, f"/groups/{world.group.id}")
    office.client.post("/account/sign-out-everywhere", data={"csrf_token": token})
    _all_signed_out(world, phone, office, remembered)
    assert JournalTxn.select().count() == before


def test_deactivating_a_user_ends_every_device_at_once(app, world):
    phone, office, remembered = _signed_in_everywhere(app, world, "treasurer")
    admin, token = signed_in(app, "admin")
    page = f"/admin/users/{world.users['treasurer'].id}"
    response = admin.post(page, data={"action": "deactivate", "csrf_token": csrf_token(admin,
                                                                                        page)})
    assert response.status_code in (200, 302)
    _all_signed_out(world, phone, office, remembered)


def test_a_password_change_ends_the_other_devices(app, world):
    phone, office, remembered = _signed_in_everywhere(app, world, "treasurer")
    token = csrf_token(office.client, "/account/password")
    response = office.client.post("/account/password", data={
        "current_password": "correct horse 1", "new_password": "a new one 2345",
        "confirm_password": "a new one 2345", "csrf_token": token})
    assert response.status_code == 302
    assert office.client.get(f"/groups/{world.group.id}").status_code == 200  # this one stays
    for client in (phone.client, remembered):
        assert client.get(f"/groups/{world.group.id}").status_code == 302
    assert phone.client.get(PULL).status_code == 401


def test_a_push_with_the_wrong_device_owner_changes_nothing(app, world):
    mine = Phone(app, "treasurer", "phone-x")
    mine.push([deposit(world.group, world.member_id, 100)])
    staff = Phone(app, "staff", "staff-phone")
    before = fingerprint()
    response = staff.post({"device_id": "phone-x", "ops": [deposit(world.group,
                                                                   world.member_id, 100)]})
    assert response.status_code == 403
    assert fingerprint() == before


def test_nobody_else_can_use_up_a_phones_budget_by_naming_it(app, world, frozen_minute):
    app.config.update(SYNC_PUSHES_PER_DEVICE=2, SYNC_PUSHES_PER_USER=0)
    phone = Phone(app, "treasurer", "phone-a")
    phone.push([deposit(world.group, world.member_id, 1000)])
    staff = Phone(app, "staff", "staff-phone")
    for _ in range(3):
        response = staff.post({"device_id": "phone-a", "ops": []})
        assert response.status_code in (403, 429)  # not theirs, then too many
    assert phone.push([deposit(world.group, world.member_id, 1001)])[0]["status"] == "accepted"
