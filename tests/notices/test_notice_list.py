"""The in-app notice list: one's own notices only, newest first, read once seen, and the
unread count in the header of every page."""

import re
from datetime import timedelta

from core.store import notices
from core.store.inbox import PER_PAGE
from core.store.models import Notice, utcnow
from tests.conftest import World, sign_in


def _queue(world, who, text, **extra):
    return notices.queue(world.users[who].id, "receipt", group_id=world.group.id,
                         title=("แจ้งเตือน", "Notice"), body=(text, f"en: {text}"),
                         url="/me", **extra)


def _badge(html: str) -> str | None:
    match = re.search(r'id="notices-link">[^<]*(?:<span class="badge"[^>]*>(\d+)</span>)?', html)
    return match.group(1) if match else "missing"


def test_a_person_sees_only_their_own_notices_newest_first(client, world):
    _queue(world, "member", "เก่ากว่า")
    _queue(world, "member", "ใหม่กว่า")
    _queue(world, "treasurer", "ของเหรัญญิก")
    sign_in(client, "member", World.MEMBER_PIN)
    html = client.get("/notices").get_data(as_text=True)
    assert html.index("ใหม่กว่า") < html.index("เก่ากว่า")
    assert "ของเหรัญญิก" not in html
    assert 'href="/me"' in html


def test_seeing_the_list_marks_notices_read_and_the_header_counts_the_rest(client, world):
    for n in range(3):
        _queue(world, "member", f"รายการ {n}")
    _queue(world, "member", "พรุ่งนี้เช้า", due_at=utcnow() + timedelta(hours=5))
    sign_in(client, "member", World.MEMBER_PIN)
    me = client.get("/me").get_data(as_text=True)
    assert _badge(me) == "3"  # the one due tomorrow morning does not count yet
    first = client.get("/notices").get_data(as_text=True)
    assert first.count('class="card notice unread"') == 3 and "พรุ่งนี้เช้า" not in first
    unread = Notice.select().where(Notice.read_at.is_null()).count()
    assert unread == 1  # only the one not due yet
    assert _badge(client.get("/me").get_data(as_text=True)) is None
    second = client.get("/notices").get_data(as_text=True)
    assert 'class="card notice unread"' not in second


def test_the_list_is_paged(client, world):
    for n in range(PER_PAGE + 2):
        _queue(world, "treasurer", f"ข้อความที่ {n:02d}")
    sign_in(client, "treasurer")
    first = client.get("/notices").get_data(as_text=True)
    assert f"ข้อความที่ {PER_PAGE + 1:02d}" in first and "ข้อความที่ 00" not in first
    assert "page=2" in first
    second = client.get("/notices?page=2").get_data(as_text=True)
    assert "ข้อความที่ 00" in second and "ข้อความที่ 01" in second
    assert "page=3" not in second
    assert _badge(client.get("/notices?page=2").get_data(as_text=True)) is None


def test_a_notice_link_never_leaves_the_app(client, world):
    notices.queue(world.users["member"].id, "receipt", title=("a", "a"), body=("b", "b"),
                  url="https://evil.example/")
    sign_in(client, "member", World.MEMBER_PIN)
    assert "evil.example" not in client.get("/notices").get_data(as_text=True)


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/notices")
    assert response.status_code in (302, 401)
