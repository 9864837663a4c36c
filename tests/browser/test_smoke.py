"""Smoke: the treasurer signs in on a phone-sized screen, reads the group page in Thai, switches
to English, and nothing overflows, breaks the content security policy or logs an error."""

import pytest
from playwright.sync_api import expect

from tests.conftest import World

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the phone (0 = no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth") - PHONE_WIDTH


def test_treasurer_signs_in_reads_thai_then_english(page, console, world, artifacts):
    group_page = f"/groups/{world.group.id}"

    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    assert horizontal_overflow(page) <= 0, "the sign-in page scrolls sideways on a phone"
    page.locator('input[name="username"]').fill("treasurer")
    page.locator('input[name="password"]').fill(World.PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(f"**{group_page}")

    main = page.locator("main")
    expect(main).to_contain_text("เงินสดในมือ")
    expect(main).to_contain_text(world.group.name)
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    assert horizontal_overflow(page) <= 0, "the Thai group page scrolls sideways on a phone"
    page.screenshot(path=str(artifacts / "smoke-group-th.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_url(f"**{group_page}")
    expect(main).to_contain_text("Cash box")
    expect(main).not_to_contain_text("เงินสดในมือ")
    assert horizontal_overflow(page) <= 0, "the English group page scrolls sideways on a phone"
    page.screenshot(path=str(artifacts / "smoke-group-en.png"), full_page=True)

    # a missing icon shows up here too: Chromium then asks for /favicon.ico and logs the 404
    assert not console.errors, "the browser reported errors:\n" + "\n".join(console.errors)
