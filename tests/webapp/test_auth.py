"""Sign-in, sign-out, sessions, CSRF and the language switch, through the test client."""

import re

from core.store.models import User
from core.store.users import LIMIT_PER_USERNAME
from tests.conftest import World, csrf_token, sign_in


def test_sign_in_lands_each_role_on_its_home(client, world):
    homes = {"admin": "/admin/", "staff": "/staff",
             "committee": f"/groups/{world.group.id}", "treasurer": f"/groups/{world.group.id}"}
    for username, home in homes.items():
        sign_in(client, username)
        response = client.get("/")
        assert response.status_code == 302 and response.location.endswith(home), username
        assert client.get(home).status_code == 200
        client.post("/logout", data={"csrf_token": csrf_token(client, home)})


def test_wrong_password_and_unknown_user_get_the_same_thai_message(client, world):
    token = csrf_token(client)
    wrong = client.post("/login", data={"username": "treasurer", "password": "nope",
                                        "csrf_token": token})
    unknown = client.post("/login", data={"username": "nobody", "password": "nope",
                                          "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 401
    message = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert 'value="treasurer"' in wrong.get_data(as_text=True)  # what was typed is kept


def test_sign_in_is_rate_limited_per_account(client, world):
    token = csrf_token(client)
    for _ in range(LIMIT_PER_USERNAME):
        client.post("/login", data={"username": "committee", "password": "bad",
                                    "csrf_token": token})
    blocked = client.post("/login", data={"username": "committee", "password": World.PASSWORD,
                                          "csrf_token": token})
    assert blocked.status_code == 429
    assert "15 นาที" in blocked.get_data(as_text=True)
    # another account from elsewhere is not affected
    sign_in(client, "treasurer")


def test_forms_without_csrf_token_are_refused(client, world):
    response = client.post("/login", data={"username": "treasurer",
                                           "password": World.PASSWORD})
    assert response.status_code == 400
    assert "แบบฟอร์มหมดอายุ" in response.get_data(as_text=True)


def test_every_page_carries_the_csrf_meta_and_security_headers(client, world):
    response = client.get("/login")
    assert re.search(r'<meta name="csrf-token" content="[^"]+"', response.get_data(as_text=True))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_lasts_thirty_days_and_cookie_is_httponly(client, world):
    response = sign_in(client, "treasurer")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_sign_out_everywhere_ends_other_sessions(app, world):
    phone, office = app.test_client(), app.test_client()
    sign_in(phone, "treasurer")
    sign_in(office, "treasurer")
    home = f"/groups/{world.group.id}"
    office.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(office, home)})
    assert phone.get(home).status_code == 302  # back to the sign-in page


def test_admin_switching_an_account_off_signs_it_out(app, world):
    treasurer, admin = app.test_client(), app.test_client()
    sign_in(treasurer, "treasurer")
    sign_in(admin, "admin")
    user_id = world.users["treasurer"].id
    page = f"/admin/users/{user_id}"
    admin.post(page, data={"action": "deactivate", "csrf_token": csrf_token(admin, page)})
    assert User.get_by_id(user_id).active is False
    assert treasurer.get(f"/groups/{world.group.id}").status_code == 302
    bad = treasurer.post("/login", data={"username": "treasurer", "password": World.PASSWORD,
                                         "csrf_token": csrf_token(treasurer)})
    assert bad.status_code == 401


def test_language_switch_turns_the_page_english(client, world):
    sign_in(client, "treasurer")
    home = f"/groups/{world.group.id}"
    assert "เงินสดในมือ" in client.get(home).get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": home,
                                   "csrf_token": csrf_token(client, home)})
    html = client.get(home).get_data(as_text=True)
    assert "Cash box" in html and "เงินสดในมือ" not in html
    assert User.get_by_id(world.users["treasurer"].id).language == "en"


def test_password_change_is_required_and_checked(client, world):
    from core.store import users

    member_user = world.users["treasurer"]
    User.update(must_change_password=True).where(User.id == member_user.id).execute()
    sign_in(client, "treasurer")
    assert client.get("/").location.endswith("/account/password")
    token = csrf_token(client, "/account/password")
    short = client.post("/account/password", data={
        "current_password": World.PASSWORD, "new_password": "short",
        "confirm_password": "short", "csrf_token": token})
    assert short.status_code == 400 and "อย่างน้อย 8" in short.get_data(as_text=True)
    done = client.post("/account/password", data={
        "current_password": World.PASSWORD, "new_password": "a much longer one",
        "confirm_password": "a much longer one", "csrf_token": token})
    assert done.status_code == 302
    assert users.sign_in("treasurer", "a much longer one", "x").user is not None


def test_sign_in_on_a_locked_sqlite_database_says_busy_not_500(client, world, db_url,
                                                               monkeypatch):
    import sqlite3

    import pytest

    from core.store.db import database

    if not db_url.startswith("sqlite:///"):
        pytest.skip("SQLite's file lock")
    monkeypatch.setattr(database.obj, "_timeout", 0.2)
    monkeypatch.setattr(database.obj, "_pragmas", [
        (k, 200 if k == "busy_timeout" else v) for k, v in database.obj._pragmas])
    database.close()
    token = csrf_token(client)
    holder = sqlite3.connect(db_url[len("sqlite:///"):], isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # a long write holds the file
        busy = client.post("/login", data={"username": "treasurer",
                                           "password": World.PASSWORD, "csrf_token": token})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert "เซิร์ฟเวอร์ไม่ว่างชั่วคราว" in busy.get_data(as_text=True)
    again = client.post("/login", data={"username": "treasurer", "password": World.PASSWORD,
                                        "csrf_token": token})
    assert again.status_code == 302
