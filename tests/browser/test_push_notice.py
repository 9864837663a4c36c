"""Push notices in a real browser (TESTING.md "Web Push"): a receipt the server pushed, read back
by the local push service with the phone's own keys, is handed to the service worker through
CDP and shows as a notification; the subscribe button says clearly when it cannot work here."""

import time

import pytest
from playwright.sync_api import expect

from bench.pushservice import PushService
from core.store import notices
from core.store.models import PushSubscription
from tests.browser.conftest import PHONE, wait_for_control
from tests.conftest import World
from tests.notices.conftest import subscribe

pytestmark = pytest.mark.browser

NOTIFICATIONS = """() => navigator.serviceWorker.ready
  .then((registration) => registration.getNotifications())
  .then((list) => list.map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data,
                                    icon: n.icon})))"""
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")


def sign_in_member(page, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.locator('input[name="username"]').fill("member")
    page.locator('input[name="password"]').fill(World.MEMBER_PIN)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url(f"**{next_path}")


def controlled(page) -> None:
    wait_for_control(page)


def registration_id(context, page, live_server) -> tuple:
    cdp = context.new_cdp_session(page)
    found = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: found.extend(
        r["registrationId"] for r in event["registrations"]
        if r["scopeURL"].startswith(live_server) and not r.get("isDeleted")))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not found:
        assert time.monotonic() < deadline, "no service worker registration reported"
        page.wait_for_timeout(50)
    return cdp, found[-1]


def notifications(page, count: int) -> list:
    deadline = time.monotonic() + 10
    while True:
        shown = page.evaluate(NOTIFICATIONS)
        if len(shown) == count or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(50)


def test_a_pushed_receipt_shows_as_a_thai_notification(world, context, page, live_server):
    from py_vapid import Vapid

    from core.store.notice_sender import NoticeSender

    vapid = Vapid()
    vapid.generate_keys()
    member = world.users["member"]
    with PushService() as service:
        subscribe(member, service.add("phone"))
        for satang in (30_000, 20_000):  # the balance is then ฿500.00
            result = world.apply("savings.deposit", {"member_id": world.member_id,
                                                     "amount_satang": satang})
            assert result.status == "accepted", result
        for when in ("10:00", "13:30"):  # a meeting moved: the newer notice replaces the older
            notices.queue(member.id, "announcement", title=("นัดประชุม", "Meeting"),
                          body=(f"ประชุมกลุ่มเวลา {when} น.", f"Group meeting at {when}"),
                          url="/notices", topic="meeting-2026-12-05")
        NoticeSender(vapid, "mailto:treasurer@example.org", timeout=5).send_due()
        first, second, meeting, moved = service.pushes("phone")

    context.grant_permissions(["notifications"], origin=live_server)
    sign_in_member(page, "/me")
    controlled(page)
    cdp, rid = registration_id(context, page, live_server)

    def deliver(push):
        # The bytes the push service decrypted, as the browser's push service hands them on.
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": live_server, "registrationId": rid, "data": push.plaintext.decode()})

    deliver(first)
    [shown] = notifications(page, 1)
    assert shown["title"] == first.message["title"] == "รับเงินออมแล้ว"
    assert "฿300.00" in shown["body"]
    assert shown["tag"] == first.message["tag"] and shown["data"]["url"] == "/me"
    assert shown["icon"].endswith("/static/icons/icon-192.png")
    deliver(second)
    shown = notifications(page, 2)
    assert "฿200.00" in shown[1]["body"] and "฿500.00" in shown[1]["body"]

    deliver(meeting)
    deliver(moved)
    deadline = time.monotonic() + 10
    while True:
        about_meeting = [n for n in page.evaluate(NOTIFICATIONS)
                         if n["tag"] == moved.message["tag"]]
        if (about_meeting and "13:30" in about_meeting[0]["body"]) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(50)
    assert [n["body"] for n in about_meeting] == ["ประชุมกลุ่มเวลา 13:30 น."]
    assert len(page.evaluate(NOTIFICATIONS)) == 3


def test_a_push_without_a_tag_or_json_still_shows(world, context, page, live_server):
    context.grant_permissions(["notifications"], origin=live_server)
    sign_in_member(page, "/me")
    controlled(page)
    cdp, rid = registration_id(context, page, live_server)
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server, "registrationId": rid, "data": "มีข่าวจากกลุ่ม"})
    [shown] = notifications(page, 1)
    assert shown["title"] == "สัจจะ" and shown["body"] == "มีข่าวจากกลุ่ม"


def test_the_subscribe_button_says_clearly_when_no_push_service_answers(
        world, context, page, live_server, console, artifacts):
    context.grant_permissions(["notifications"], origin=live_server)
    sign_in_member(page, "/account/devices")
    controlled(page)
    status = page.locator("[data-push-status]")
    page.evaluate("document.querySelector('[data-push]').dataset.timeoutMs = '3000'")
    page.get_by_role("button", name="เปิดการแจ้งเตือนบนมือถือเครื่องนี้").click()
    expect(status).to_have_attribute("data-state", "timeout", timeout=15_000)
    expect(status).to_contain_text("ติดต่อบริการแจ้งเตือนไม่ได้")
    page.screenshot(path=artifacts / "push-devices-no-service.png", full_page=True)
    expect(page.locator("[data-push-ios]")).to_be_hidden()
    expect(page.get_by_role("button", name="เปิดการแจ้งเตือนบนมือถือเครื่องนี้")).to_be_enabled()
    assert PushSubscription.select().count() == 0
    # Chromium's own note on why subscribe() failed here (a throw-away profile) is no defect
    assert [e for e in console.errors if "Push API in incognito" not in e] == []


def test_without_permission_the_button_says_notices_are_blocked(world, context, page):
    sign_in_member(page, "/account/devices")
    page.get_by_role("button", name="เปิดการแจ้งเตือนบนมือถือเครื่องนี้").click()
    status = page.locator("[data-push-status]")
    expect(status).to_have_attribute("data-state", "denied")
    expect(status).to_contain_text("ถูกปิดกั้น")


def test_on_an_iphone_outside_the_home_screen_the_page_explains(world, browser, live_server):
    context = browser.new_context(base_url=live_server, **{**PHONE, "user_agent": IPHONE_SAFARI})
    try:
        page = context.new_page()
        sign_in_member(page, "/account/devices")
        expect(page.locator("[data-push-ios]")).to_be_visible()
        expect(page.locator("[data-push-ios]")).to_contain_text("หน้าจอโฮม")
    finally:
        context.close()
