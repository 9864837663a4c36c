"""The audit log page of a group: who did what, from which device, when (in the group's time
zone, Buddhist Era), newest first, a page at a time; one group's rows only."""

import re
import uuid
from datetime import datetime

from core.store.models import AuditLog
from tests.hardening.conftest import signed_in


def _rows(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r'<tr class="audit-row"[^>]*>(.*?)</tr>', html, re.S)]


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr class="audit-row" id="audit-(\d+)"', html)]


def test_committee_sees_who_did_what_from_which_device_and_when(app, world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 5000},
                device="phone-of-somsri")
    world.apply("savings.deposit", {"member_id": str(uuid.uuid4()), "amount_satang": 5000},
                by="staff", device="staff-tablet")  # an unknown member: not accepted
    newest = AuditLog.select().order_by(AuditLog.id.desc()).first()
    AuditLog.update(created_at=datetime(2026, 11, 20, 2, 15)).where(
        AuditLog.id == newest.id).execute()  # 09:15 in Bangkok
    other_id = world.add_member("คนนอก กลุ่มสอง", group=world.other, by="other-treasurer")
    assert other_id
    client, _token = signed_in(app, "committee")
    response = client.get(f"/groups/{world.group.id}/audit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = _rows(html)
    assert rows[0] == (
        "20 พ.ย. 2569 09:15 staff รายการไม่ได้รับการบันทึก (invalid) staff-tablet"), rows[0]
    assert "treasurer ฝากเงินออม (รับแล้ว)" in rows[1] and rows[1].endswith("phone-of-somsri"), rows[1]
    assert rows[-1].endswith("ระบบ สร้างกลุ่ม —")  # made by a command: no person, no device
    assert any("treasurer ลงทะเบียนสมาชิก" in row and row.endswith("test-device") for row in rows)
    assert "other-treasurer" not in html and "กลุ่มบ้านสอง" not in html


def test_the_log_pages_newest_first_and_filters_by_person(app, world):
    for amount in range(1, 61):
        world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": amount})
    world.apply("group.expense", {"amount_satang": 100, "category": "office"}, by="staff",
                device="staff-tablet")
    client, _token = signed_in(app, "staff")
    first = client.get(f"/groups/{world.group.id}/audit").get_data(as_text=True)
    assert len(_rows(first)) == 50 and "staff-tablet" in _rows(first)[0]
    older = re.search(r'href="([^"]+before=\d+[^"]*)" rel="next"', first).group(1)
    second = client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    total = AuditLog.select().where(AuditLog.group == world.group.id).count()
    assert len(_rows(second)) == total - 50
    ids = _ids(first) + _ids(second)
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == total  # newest first, all once
    staff_id = world.users["staff"].id
    mine = client.get(f"/groups/{world.group.id}/audit?user={staff_id}",
                      headers={"HX-Request": "true", "HX-Target": "audit-rows"})
    fragment = mine.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="audit-rows">')  # only the rows
    assert len(_rows(fragment)) == 1 and "staff-tablet" in fragment


def test_the_group_page_links_to_the_log_for_those_who_may_read_it(app, world):
    link = f'href="/groups/{world.group.id}/audit"'
    for role, shown in (("committee", True), ("staff", True), ("treasurer", False)):
        client, _token = signed_in(app, role)
        html = client.get(f"/groups/{world.group.id}").get_data(as_text=True)
        assert (link in html) is shown, role
        assert client.get(f"/groups/{world.group.id}/audit").status_code == (
            200 if shown else 403)
    client, _token = signed_in(app, "staff")
    assert client.get(f"/groups/{world.other.id}/audit").status_code == 403
