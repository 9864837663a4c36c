"""The year-end page on a phone-sized screen: the committee chooses the year (htmx swaps the
figures), reads the per-member table without the page scrolling sideways, and closes."""

import pytest
from playwright.sync_api import expect

from tests.conftest import World
from tests.yearend.scenario import savings_year

pytestmark = pytest.mark.browser


def test_the_committee_closes_the_year_on_a_phone(page, console, world, artifacts):
    savings_year(world)
    page.goto("/login")
    page.locator('input[name="username"]').fill("committee")
    page.locator('input[name="password"]').fill(World.PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_load_state()
    page.goto(f"/groups/{world.group.id}/year-end?year=2569")
    body = page.locator("#year-end-body")
    expect(body).to_contain_text("2569")
    page.locator('select[name="year"]').select_option("2568")
    expect(body).to_contain_text("฿1,060.00")  # swapped in by htmx, no reload
    expect(body).to_contain_text("฿202.97")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "year-end-preview-th.png"), full_page=True)
    page.get_by_role("button", name="ยืนยันปิดปีบัญชี 2568").click()
    expect(page.locator("main")).to_contain_text("ปิดปีบัญชี 2568 แล้ว")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert console.errors == []
