"""A savings day on a phone: the treasurer opens a meeting, records the usual savings of 20
members with one tap each, closes with the cash count, and the server's books agree."""

import pytest
from playwright.sync_api import expect

from core import books
from core.store import ledger
from core.store.ledger import audit
from core.store.models import Meeting, SyncOp
from tests.conftest import World

pytestmark = pytest.mark.browser


def test_twenty_members_one_tap_each_then_cash_count(page, console, world, artifacts):
    for number in range(2, 21):
        world.add_member(f"สมาชิกคนที่ {number} ทดสอบ")
    page.goto("/login")
    page.locator('input[name="username"]').fill("treasurer")
    page.locator('input[name="password"]').fill(World.PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.get_by_role("link", name="วันออม", exact=True).click()
    page.get_by_role("button", name="เปิดการประชุม").click()
    rows = page.locator("li.mrow")
    expect(rows).to_have_count(20)

    for index in range(20):
        row = rows.nth(index)
        row.get_by_role("button", name="เงินออม ฿100").click()
        expect(row.locator(".chip")).to_have_count(1)  # the row came back recorded

    expect(page.locator("#totals")).to_contain_text("฿2,000.00")
    expect(page.locator("#expected-cash")).to_have_text("฿2,000.00")
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(
        e => e.getBoundingClientRect().right > 360).slice(0, 5).map(
        e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
    page.screenshot(path=str(artifacts / "meeting-20-members.png"), full_page=False)

    page.locator('input[name="counted_cash"]').fill("1,990")
    page.get_by_role("button", name="ปิดการประชุม").click()
    expect(page.locator("#close")).to_contain_text("ขาด")
    expect(page.locator("#close")).to_contain_text("฿10.00")
    page.locator("#close").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "meeting-closed.png"), full_page=False)

    assert SyncOp.select().where(SyncOp.type == "savings.deposit").count() == 20
    meeting = Meeting.get()
    assert (meeting.status, meeting.expected_cash, meeting.counted_cash) == (
        "closed", 200_000, 199_000)
    assert ledger.balance_of(world.group.id, books.CASH) == 199_000
    assert audit() == ([], [])
    errors = [e for e in console.errors if "favicon" not in e]
    assert not errors, "\n".join(errors)
