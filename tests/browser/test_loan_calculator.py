"""The loan calculator on a phone: a member chooses the flat product, types 10,000 and 12 months
and sees the schedule as they type (htmx), the total interest, the effective annual rate and
the legal-ceiling warning; the page never scrolls sideways. Without JavaScript the button does
the same.

By hand: flat 1 % a month on 10,000.00 is 100.00 interest a month, 1,200.00 over 12 months;
the effective rate of such a loan is 21.46 % a year, above the 15 % ceiling.
"""

import pytest
from playwright.sync_api import expect

from core.store import groups
from tests.browser.conftest import PHONE
from tests.conftest import World

pytestmark = pytest.mark.browser


def _products(world):
    groups.create_product(world.group.id, "เงินกู้ลดต้นลดดอก", method="declining",
                          monthly_rate_bp=100, max_months=24)
    return groups.create_product(world.group.id, "เงินกู้สามัญ (ดอกเบี้ยคงที่)", method="flat",
                                 monthly_rate_bp=100, max_months=12)


def _sign_in_as_member(page):
    page.goto("/login")
    page.locator('input[name="username"]').fill("member")
    page.locator('input[name="password"]').fill(World.MEMBER_PIN)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.locator("#passbook")).to_be_visible()


def _check_result(result):
    expect(result.locator("tbody tr")).to_have_count(12)
    expect(result).to_contain_text("฿1,200.00")  # total interest
    expect(result).to_contain_text("21.46 %")
    expect(result.locator(".warning")).to_contain_text("15 %")


def test_the_calculator_works_out_a_flat_loan_as_you_type(page, console, world, artifacts):
    flat = _products(world)
    _sign_in_as_member(page)
    page.get_by_role("link", name="คำนวณเงินกู้").click()
    calculator = f"/groups/{world.group.id}/loans/calculator"
    assert page.url.endswith(calculator)
    page.locator('select[name="product"]').select_option(flat.id)
    page.locator('input[name="amount"]').fill("10,000")
    page.locator('input[name="months"]').fill("12")
    result = page.locator("#result")
    _check_result(result)
    assert page.url.endswith(calculator), "typing reloaded the page instead of the result"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "loan-calculator.png"), full_page=True)
    page.locator('input[name="months"]').fill("13")  # beyond the product's 12 months
    expect(result).to_contain_text("12")
    expect(result.locator("tbody tr")).to_have_count(0)
    assert not console.errors, console.errors


def test_the_calculator_works_without_javascript(browser, live_server, world, artifacts):
    flat = _products(world)
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  **{k: v for k, v in PHONE.items() if k != "service_workers"})
    try:
        page = context.new_page()
        _sign_in_as_member(page)
        page.goto(f"/groups/{world.group.id}/loans/calculator")
        page.locator('select[name="product"]').select_option(flat.id)
        page.locator('input[name="amount"]').fill("10000")
        page.locator('input[name="months"]').fill("12")
        page.get_by_role("button", name="คำนวณ").click()
        _check_result(page.locator("#result"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
