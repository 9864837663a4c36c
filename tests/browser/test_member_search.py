"""The member list on a phone: typing in the search box narrows the list in place (htmx), the
page never scrolls sideways, and nothing breaks the content security policy."""

import pytest
from playwright.sync_api import expect

from tests.conftest import World

pytestmark = pytest.mark.browser


def test_search_as_you_type_narrows_the_list_in_place(page, console, world, artifacts):
    for name in ("มะลิ ใจงาม", "กุหลาบ แดงดี"):
        world.add_member(name)
    members = f"/groups/{world.group.id}/members"
    page.goto("/login")
    page.locator('input[name="username"]').fill("treasurer")
    page.locator('input[name="password"]').fill(World.PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.goto(members)
    results = page.locator("#results")
    expect(results).to_contain_text("กุหลาบ แดงดี")

    page.locator('input[name="q"]').fill("ใจ")
    expect(results).not_to_contain_text("กุหลาบ แดงดี")
    expect(results).to_contain_text("มะลิ ใจงาม")
    assert page.url.endswith(members), "the search reloaded the page instead of the list"
    page.locator('input[name="q"]').fill("3")
    expect(results).to_contain_text("กุหลาบ แดงดี")
    expect(results).not_to_contain_text("มะลิ ใจงาม")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "members-search.png"), full_page=True)
    assert not console.errors, console.errors
