"""Meeting announcements: who may write them, the form's errors beside their fields, one
notice per member sign-in of the group, and the list of past announcements."""

import re
from datetime import timedelta

from core.store import users
from core.store.models import AuditLog, Notice
from core.thaidate import today_in
from tests.conftest import World, csrf_token, sign_in


def _url(world, group=None):
    return f"/groups/{(group or world.group).id}/announcements"


def _next_week(world) -> str:
    return (today_in(world.group.timezone) + timedelta(days=7)).isoformat()


def _post(client, world, **fields):
    form = {"kind": "meeting", "date": _next_week(world), "time": "09:30",
            "place": "ศาลาประชาคมหมู่ 3", "message": "นำสมุดบัญชีมาด้วย",
            "csrf_token": csrf_token(client, _url(world)), **fields}
    return client.post(_url(world), data=form)


def _member_sign_in(world, name, username, group=None):
    group = group or world.group
    member_id = world.add_member(name, group=group,
                                 by="treasurer" if group == world.group else "other-treasurer")
    return users.create_user(username, World.MEMBER_PIN, "member", group_ids=[group.id],
                             member_id=member_id)


def test_the_committee_announces_a_meeting_to_each_member_with_a_sign_in(client, world):
    second = _member_sign_in(world, "สมหมาย สองบัญชี", "second")
    world.add_member("สมชาย ไม่มีบัญชี")  # no sign-in: nobody to tell
    elsewhere = _member_sign_in(world, "สมใจ กลุ่มอื่น", "elsewhere", group=world.other)
    sign_in(client, "committee")
    page = client.get(_url(world)).get_data(as_text=True)
    reach = page.split('id="reach"')[1].split("</p>")[0]
    assert re.findall(r"\d+", reach) == ["2"]  # the preview: two members will hear of it
    response = _post(client, world)
    assert response.status_code == 302
    queued = list(Notice.select().where(Notice.kind == "announcement").order_by(Notice.user))
    assert [n.user_id for n in queued] == sorted([world.users["member"].id, second.id])
    notice = queued[0]
    assert notice.payload["title"]["th"] == "ประชุมประจำเดือน"
    assert notice.payload["body"]["th"].startswith("วันที่ ")
    assert notice.payload["body"]["th"].endswith(
        " เวลา 09:30 น. ที่ ศาลาประชาคมหมู่ 3 · นำสมุดบัญชีมาด้วย")
    assert Notice.select().where(Notice.user == elsewhere.id).count() == 0
    audit = AuditLog.get(AuditLog.action == "notice.announcement")
    assert audit.group_id == world.group.id and audit.detail["recipients"] == 2
    after = client.get(_url(world)).get_data(as_text=True)
    assert "ศาลาประชาคมหมู่ 3" in after  # the form is empty again: this is the past list


def test_field_errors_sit_beside_their_fields_and_nothing_is_sent(client, world):
    sign_in(client, "committee")
    response = _post(client, world, kind="party", date="2020-01-01", time="25:00", place=" ")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for name in ("kind", "date", "time", "place"):
        assert f'id="{name}-error"' in html, name
    assert "วันประชุมผ่านมาแล้ว" in html
    assert Notice.select().count() == 0
    assert AuditLog.select().where(AuditLog.action == "notice.announcement").count() == 0


def test_thai_dates_and_times_are_understood(client, world):
    sign_in(client, "staff")
    day = today_in(world.group.timezone) + timedelta(days=3)
    typed = f"{day.day}/{day.month}/{day.year + 543}"
    response = _post(client, world, kind="annual_meeting", date=typed, time="13.00 น.")
    assert response.status_code == 302
    (notice,) = Notice.select().where(Notice.kind == "announcement")
    assert notice.payload["title"]["en"] == "Annual general meeting"
    assert " เวลา 13:00 น. " in notice.payload["body"]["th"]


def test_only_the_groups_own_bookkeepers_may_announce(client, world):
    for who, status in (("member", 403), ("admin", 403), ("other-treasurer", 403)):
        fresh = client.application.test_client()
        sign_in(fresh, who, World.MEMBER_PIN if who == "member" else World.PASSWORD)
        assert fresh.get(_url(world)).status_code == status, who
        token = csrf_token(fresh, "/notices")
        assert fresh.post(_url(world), data={"csrf_token": token, "kind": "meeting",
                                             "date": _next_week(world), "time": "09:00",
                                             "place": "วัด"}).status_code == status, who
    assert Notice.select().count() == 0
    sign_in(client, "treasurer")
    assert client.get(_url(world)).status_code == 200
