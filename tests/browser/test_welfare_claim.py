"""A welfare claim on a phone: the rules' assessment appears in place as the fields change
(htmx), in words a committee member can read aloud; the pages fit 360 px and keep the content
security policy."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import World

pytestmark = pytest.mark.browser


def test_the_assessment_follows_the_fields_in_place(page, console, world, artifacts):
    world.apply("welfare.contribute", {"member_id": world.member_id, "amount_satang": 100_000},
                business_date="2025-01-15")
    paid = str(uuid.uuid4())
    world.apply("welfare.claim", {"claim_id": paid, "member_id": world.member_id,
                                  "benefit_type": "hospital", "event_date": "2026-03-02",
                                  "nights": 4}, business_date="2026-03-05")
    page.goto("/login")
    page.locator('input[name="username"]').fill("treasurer")
    page.locator('input[name="password"]').fill(World.PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    form = f"/groups/{world.group.id}/welfare/claims/new"
    page.goto(form)
    assessment = page.locator("#assessment")
    page.locator('select[name="member_id"]').select_option(world.member_id)
    page.locator('select[name="benefit_type"]').select_option("birth")
    page.locator('input[name="event_date"]').fill("2025-05-15")
    expect(assessment).to_contain_text("ระยะเวลารอสิทธิ์: 120 จาก 180 วัน")
    page.locator('input[name="event_date"]').fill("2025-08-20")
    expect(assessment).to_contain_text("ระยะเวลารอสิทธิ์ครบแล้ว")
    expect(assessment).to_contain_text("จำนวนเงินตามระเบียบ: 1,000 บาท")
    assert page.url.endswith(form), "the check reloaded the page instead of the assessment"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "welfare-claim.png"), full_page=True)

    page.get_by_role("button", name="บันทึกคำขอ").click()
    expect(page.locator("h1")).to_contain_text("คลอดบุตร")
    for path, name in (("/welfare", "welfare-scheme"), ("/welfare/contributions",
                                                        "welfare-contributions"),
                       ("/welfare/funding", "welfare-funding"),
                       (f"/welfare/claims/{paid}", "welfare-claim-page"),
                       ("/welfare/report?year=2026", "welfare-report")):
        page.goto(f"/groups/{world.group.id}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)

    page.get_by_role("button", name="ออกจากระบบ").click()
    page.locator('input[name="username"]').fill("committee")
    page.locator('input[name="password"]').fill(World.PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.goto(f"/groups/{world.group.id}/welfare/claims/{paid}")
    expect(page.locator('input[name="amount"]')).to_have_value("600.00")
    page.screenshot(path=str(artifacts / "welfare-decision.png"), full_page=True)
    page.get_by_role("button", name="อนุมัติ", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("อนุมัติคำขอรับสวัสดิการแล้ว")
    page.locator('input[name="business_date"]').fill("2026-03-10")
    page.get_by_role("button", name="จ่ายเงิน").click()
    expect(page.locator(".receipt-amount")).to_contain_text("600.00")
    page.screenshot(path=str(artifacts / "welfare-voucher.png"), full_page=True)
    assert not console.errors, console.errors
