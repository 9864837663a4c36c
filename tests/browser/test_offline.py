"""The offline client in a real browser (DESIGN.md "The offline client"): the service worker
serves the meeting screen without a signal, taps go to the IndexedDB outbox and show as waiting,
and the outbox reaches the server exactly once however the sending goes: the `online` handler
and Background Sync racing, a 500 after the server committed, a session that ended offline."""

import json
import re
import struct
import time
import uuid

import pytest
from playwright.sync_api import expect

from core import books
from core.store import ledger, users
from core.store.ledger import audit
from core.store.models import SyncOp
from tests.browser.conftest import eventually, wait_for_control
from tests.conftest import World, today_iso

pytestmark = pytest.mark.browser

PUSH = "**/api/v1/sync/push"

# The outbox as the page's IndexedDB holds it; never creates the database by looking.
OUTBOX_OPS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("sajja");
  open.onupgradeneeded = () => open.transaction.abort();
  open.onerror = () => resolve([]);
  open.onsuccess = () => {
    const db = open.result;
    const read = db.transaction("outbox").objectStore("outbox").getAll();
    read.onsuccess = () => { db.close(); resolve(read.result); };
    read.onerror = () => { db.close(); reject(read.error); };
  };
})"""

# An op recorded four days ago, written straight into the outbox.
OLD_OP = """([groupId, memberId, day]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("sajja");
  open.onsuccess = () => {
    const db = open.result;
    const tx = db.transaction("outbox", "readwrite");
    const then = new Date(Date.now() - 4 * 24 * 3600 * 1000);
    tx.objectStore("outbox").put({op_id: crypto.randomUUID(), device_seq: 1000000,
      group_id: groupId, type: "savings.deposit", business_date: day,
      recorded_at: then.toISOString().replace("Z", "+00:00"),
      payload: {member_id: memberId, amount_satang: 10000}, base_version: null,
      local: {queued_at: then.getTime(), label: "old"}});
    tx.oncomplete = () => { db.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
  open.onerror = () => reject(open.error);
})"""


def sign_in(page, next_path: str = "") -> None:
    page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    page.locator('input[name="username"]').fill("treasurer")
    page.locator('input[name="password"]').fill(World.PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()


def open_meeting(world, members: int) -> str:
    for number in range(2, members + 1):
        world.add_member(f"สมาชิกคนที่ {number} ทดสอบ")
    meeting_id = str(uuid.uuid4())
    result = world.apply("meeting.open", {"meeting_id": meeting_id, "date": today_iso(world.group)})
    assert result.status == "accepted", result
    return f"/groups/{world.group.id}/meetings/{meeting_id}"


def offline_meeting(page, context, world, members: int):
    """Signed in, the meeting screen stored by the worker, then the signal gone and the page
    reloaded from the worker; returns the rows."""
    path = open_meeting(world, members)
    sign_in(page, path)
    expect(page.locator("li.mrow")).to_have_count(members)
    wait_for_control(page)
    page.reload()  # through the worker, which stores the page
    eventually(page, "caches.open('sajja-pages').then(c => c.match(location.href)).then(Boolean)")
    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    rows = page.locator("li.mrow")
    expect(rows).to_have_count(members)
    return rows


def tap_savings(rows, count: int) -> None:
    for index in range(count):
        row = rows.nth(index)
        row.get_by_role("button", name="เงินออม ฿100").click()
        expect(row.locator(".chip.pending")).to_have_count(1)  # waiting, at once


def op_ids(page) -> list[str]:
    """The waiting op_ids in the order they were recorded."""
    ops = sorted(page.evaluate(OUTBOX_OPS), key=lambda op: op["device_seq"])
    return [op["op_id"] for op in ops]


def wait_until_sent(page, timeout: float = 15.0) -> None:
    eventually(page, f"({OUTBOX_OPS})().then(ops => ops.length === 0)", timeout)


def assert_each_once(ids: list[str], op_type: str = "savings.deposit") -> None:
    stored = [row.op_id for row in SyncOp.select().where(SyncOp.type == op_type)]
    assert sorted(stored) == sorted(ids), (len(stored), len(ids))
    assert len(set(stored)) == len(stored)


def real_errors(console, allowed: tuple[str, ...] = ()) -> list[str]:
    return [e for e in console.errors
            if "favicon" not in e and not any(text in e for text in allowed)]


def test_a_meeting_recorded_offline_reaches_the_books_once(page, context, console, world,
                                                           artifacts):
    rows = offline_meeting(page, context, world, members=10)
    tap_savings(rows, 10)
    header = page.locator("#syncbar")
    expect(header).to_be_visible()
    expect(header.locator(".sync-state")).to_contain_text("รอซิงก์ 10 รายการ")
    expect(page.locator("#totals")).to_contain_text("฿1,000.00")  # the running totals, locally
    ids = op_ids(page)
    assert len(ids) == 10 and len(set(ids)) == 10
    assert SyncOp.select().where(SyncOp.type == "savings.deposit").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "offline-meeting-pending.png"))
    page.locator("#top").screenshot(path=str(artifacts / "offline-header.png"))

    context.set_offline(False)  # the `online` handler and Background Sync both flush
    wait_until_sent(page)
    assert_each_once(ids)
    assert ledger.balance_of(world.group.id, books.CASH) == 10 * 10_000
    assert audit() == ([], [])
    expect(header.locator(".sync-state")).to_have_text("ซิงก์ครบแล้ว")
    expect(page.locator(".chip.pending")).to_have_count(0)  # the rows, as the server has them
    expect(page.locator("li.mrow .chip")).to_have_count(10)
    page.screenshot(path=str(artifacts / "offline-meeting-synced.png"))
    assert not real_errors(console), "\n".join(console.errors)


def test_b_a_500_after_the_server_committed_then_the_replay(page, context, console, world):
    rows = offline_meeting(page, context, world, members=3)
    tap_savings(rows, 3)
    ids = op_ids(page)
    failed, replies, losing = [], [], [True]

    def commit_then_fail(route):
        response = route.fetch()  # the server applies the ops and commits ...
        if losing[0]:
            route.fulfill(status=500, body="lost on the way back")  # ... the phone hears a 500
            failed.append(response.status)
        else:  # one handler throughout: a retry the outbox makes by itself is seen too
            replies.append(response.json())
            route.fulfill(response=response)

    context.route(PUSH, commit_then_fail)
    context.set_offline(False)
    deadline = time.monotonic() + 15
    while not failed and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert failed == [200] or failed[:1] == [200], failed
    assert_each_once(ids)  # the books have them ...
    assert sorted(op_ids(page)) == sorted(ids)  # ... and the phone keeps every one
    expect(page.locator(".sync-state")).to_contain_text("รอซิงก์ 3 รายการ")

    losing[0] = False
    page.locator(".sync-now").click()  # the replay
    wait_until_sent(page)
    statuses = [result["status"] for reply in replies for result in reply["results"]]
    assert statuses and set(statuses) == {"duplicate"}, statuses
    assert_each_once(ids)
    assert ledger.balance_of(world.group.id, books.CASH) == 3 * 10_000
    assert audit() == ([], [])
    assert not real_errors(console, ("status of 500",)), "\n".join(console.errors)


def test_c_background_sync_and_the_online_handler_racing(page, context, console, world):
    rows = offline_meeting(page, context, world, members=3)
    tap_savings(rows, 3)
    ids = op_ids(page)
    sent = []  # every op_id any push carried, from the page or the worker
    context.on("request", lambda request: sent.extend(
        op["op_id"] for op in (request.post_data_json or {}).get("ops", []))
        if request.url.endswith("/api/v1/sync/push") else None)
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    registration = registrations[0]["registrationId"]

    context.set_offline(False)  # the `online` handler and Background Sync both start a flush,
    page.locator(".sync-now").click()  # so does the button,
    cdp.send("ServiceWorker.dispatchSyncEvent", {  # and the worker's sync handler once more
        "origin": page.url.split("/groups/")[0], "registrationId": registration,
        "tag": "sajja-outbox", "lastChance": False})
    wait_until_sent(page)
    assert_each_once(ids)
    assert sorted(sent) == sorted(ids), "one flush at a time: no op was sent twice"
    assert ledger.balance_of(world.group.id, books.CASH) == 3 * 10_000
    assert audit() == ([], [])
    expect(page.locator(".sync-state")).to_have_text("ซิงก์ครบแล้ว")
    assert not real_errors(console), "\n".join(console.errors)


def test_d_session_ended_while_offline(page, context, console, world, artifacts):
    rows = offline_meeting(page, context, world, members=3)
    meeting_path = page.url.split(page.url.split("/groups/")[0])[1]
    tap_savings(rows, 3)
    ids = op_ids(page)
    users.sign_out_everywhere(world.users["treasurer"])  # e.g. revoked from the office

    context.set_offline(False)
    signin = page.locator(".sync-signin")
    expect(signin).to_be_visible()  # 401: sign in again; nothing is lost
    assert sorted(op_ids(page)) == sorted(ids)
    assert SyncOp.select().where(SyncOp.type == "savings.deposit").count() == 0
    expect(page.locator(".sync-state")).to_contain_text("รอซิงก์ 3 รายการ")
    page.locator("#top").screenshot(path=str(artifacts / "offline-sign-in-again.png"))

    signin.get_by_role("link", name="เข้าสู่ระบบอีกครั้ง").click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.locator(".sync-state")).to_contain_text("รอซิงก์ 3 รายการ")  # still visible here
    page.locator('input[name="username"]').fill("treasurer")
    page.locator('input[name="password"]').fill(World.PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page).to_have_url(re.compile(re.escape(meeting_path) + "$"))
    wait_until_sent(page)  # the flush resumed when the app opened again
    assert_each_once(ids)
    expect(signin).to_be_hidden()
    assert ledger.balance_of(world.group.id, books.CASH) == 3 * 10_000
    assert audit() == ([], [])
    assert not real_errors(console, ("status of 401",)), "\n".join(console.errors)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_e_manifest_icons_and_the_warning_for_old_entries(page, context, console, world,
                                                          artifacts):
    answer = page.request.get("/manifest.webmanifest")
    assert answer.ok and answer.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(answer.text())
    assert (manifest["name"], manifest["short_name"]) == ("สัจจะ — บัญชีกลุ่มออมทรัพย์", "สัจจะ")
    assert (manifest["start_url"], manifest["display"], manifest["theme_color"]) == (
        "/", "standalone", "#0f6b4f")
    seen = set()
    for icon in manifest["icons"]:
        data = page.request.get(icon["src"])
        assert data.ok, icon
        width, height = _png_size(data.body())
        assert f"{width}x{height}" == icon["sizes"], icon
        seen.add((width, icon["purpose"]))
    assert seen == {(192, "any"), (512, "any"), (192, "maskable"), (512, "maskable")}

    rows = offline_meeting(page, context, world, members=1)
    assert page.locator('link[rel="manifest"]').get_attribute("href") == "/manifest.webmanifest"
    expect(page.locator(".sync-old")).to_be_hidden()
    page.evaluate(OLD_OP, [world.group.id, world.member_id, today_iso(world.group)])
    page.reload()  # offline: from the worker
    expect(page.locator(".sync-state")).to_have_text("รอซิงก์ 1 รายการ · 4 วัน")
    expect(page.locator(".sync-old")).to_be_visible()
    expect(rows).to_have_count(1)
    page.locator("#top").screenshot(path=str(artifacts / "offline-header-old-entries.png"))
    assert not real_errors(console), "\n".join(console.errors)


def test_f_a_wrong_tap_taken_back_before_it_is_sent(page, context, console, world):
    rows = offline_meeting(page, context, world, members=2)
    tap_savings(rows, 2)
    first, second = op_ids(page)
    rows.nth(1).locator(".chip.pending button.x").click()
    expect(rows.nth(1).locator(".chip.pending")).to_have_count(0)
    expect(page.locator("#totals")).to_contain_text("฿100.00")
    assert op_ids(page) == [first]
    context.set_offline(False)
    wait_until_sent(page)
    assert_each_once([first])
    assert second not in [row.op_id for row in SyncOp.select()]
    assert not real_errors(console), "\n".join(console.errors)


def test_g_an_entry_form_offline_parses_the_amount_as_the_server_does(page, context, console,
                                                                       world):
    path = f"/groups/{world.group.id}/entries/new?type=savings.deposit&member={world.member_id}"
    sign_in(page, path.replace("&", "%26"))
    expect(page.locator("form[data-outbox='entry']")).to_be_visible()
    wait_for_control(page)
    page.reload()
    context.set_offline(True)
    assert page.reload().from_service_worker
    amount = page.locator('input[name="amount"]')
    amount.fill("12.345")
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator(".has-error small.error")).to_have_text(
        "จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง")
    amount.fill("๑,๒๓๔.๕")  # Thai digits, as people type them
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator("p.outbox-saved")).to_contain_text("฿1,234.50")
    expect(page.locator(".sync-state")).to_contain_text("รอซิงก์ 1 รายการ")
    [op] = page.evaluate(OUTBOX_OPS)
    assert (op["type"], op["payload"]) == ("savings.deposit", {
        "amount_satang": 123_450, "member_id": world.member_id})
    context.set_offline(False)
    wait_until_sent(page)
    assert_each_once([op["op_id"]])
    assert audit() == ([], [])
    assert not real_errors(console), "\n".join(console.errors)


def test_h_background_sync_sends_with_no_page_open(page, context, console, world):
    rows = offline_meeting(page, context, world, members=2)
    tap_savings(rows, 2)
    ids = op_ids(page)
    pushes = []
    context.on("request", lambda request: pushes.append(bool(request.service_worker))
               if request.url.endswith("/api/v1/sync/push") else None)
    page.close()  # the treasurer put the phone away; only the worker is left
    blank = context.new_page()  # about:blank: no app page, only lets Playwright hear events
    context.set_offline(False)
    deadline = time.monotonic() + 15
    while SyncOp.select().where(SyncOp.type == "savings.deposit").count() < 2:
        assert time.monotonic() < deadline, "Background Sync did not send the outbox"
        blank.wait_for_timeout(100)
    blank.wait_for_timeout(100)
    assert_each_once(ids)
    assert pushes and all(pushes), pushes  # sent by the service worker
    assert audit() == ([], [])


def test_i_a_long_flush_goes_in_batches_of_500_with_progress(page, context, console, world):
    offline_meeting(page, context, world, members=1)
    page.evaluate("""async ([groupId, memberId, day]) => {
      window.progressSeen = [];
      SajjaOutbox.on(e => {
        if (e.type === "progress") window.progressSeen.push([e.done, e.total]);
      });
      for (let i = 1; i <= 520; i++) {
        await SajjaOutbox.add({group_id: groupId, type: "savings.deposit", business_date: day,
          payload: {member_id: memberId, amount_satang: i}, local: {label: "batch"}});
      }
    }""", [world.group.id, world.member_id, today_iso(world.group)])
    ids = op_ids(page)
    assert len(ids) == 520
    expect(page.locator(".sync-state")).to_contain_text("รอซิงก์ 520 รายการ")
    batches = []
    context.on("request", lambda request: batches.append(len(request.post_data_json["ops"]))
               if request.url.endswith("/api/v1/sync/push") else None)
    context.set_offline(False)
    wait_until_sent(page, timeout=120)
    assert batches == [500, 20], batches
    seen = page.evaluate("window.progressSeen")
    assert [500, 520] in seen or any(done == 500 for done, _ in seen), seen
    assert_each_once(ids)
    assert ledger.balance_of(world.group.id, books.CASH) == sum(range(1, 521))
    assert not real_errors(console), "\n".join(console.errors)


def test_j_what_the_server_flags_or_refuses_stays_in_sight(page, context, console, world,
                                                            artifacts):
    from datetime import date, timedelta

    offline_meeting(page, context, world, members=1)
    tomorrow = (date.fromisoformat(today_iso(world.group)) + timedelta(days=1)).isoformat()
    page.evaluate("""async ([groupId, memberId, stranger, today, tomorrow]) => {
      await SajjaOutbox.add({group_id: groupId, type: "savings.deposit", business_date: tomorrow,
        payload: {member_id: memberId, amount_satang: 5000}, local: {label: "future"}});
      await SajjaOutbox.add({group_id: groupId, type: "savings.deposit", business_date: today,
        payload: {member_id: stranger, amount_satang: 5000}, local: {label: "stranger"}});
    }""", [world.group.id, world.member_id, str(uuid.uuid4()), today_iso(world.group), tomorrow])
    ids = op_ids(page)
    context.set_offline(False)
    wait_until_sent(page)
    results = page.locator(".sync-results")
    expect(results.locator("summary")).to_have_text("ไม่ผ่าน 1 รายการ · รอตรวจสอบ 1 รายการ")
    results.locator("summary").click()
    items = results.locator("li")
    expect(items).to_have_count(2)
    expect(items.filter(has_text="รอตรวจสอบ")).to_contain_text("future")
    expect(items.filter(has_text="ไม่ผ่าน")).to_contain_text("stranger")
    for item in (items.nth(0), items.nth(1)):  # each with the server's reason
        assert item.locator(".reason").inner_text().strip()
    page.locator("#top").screenshot(path=str(artifacts / "offline-results.png"))
    stored = {row.op_id: row.status for row in SyncOp.select().where(SyncOp.op_id.in_(ids))}
    assert stored == {ids[0]: "needs_review", ids[1]: "rejected"}
    items.filter(has_text="ไม่ผ่าน").get_by_role("button", name="รับทราบ").click()
    expect(items).to_have_count(1)  # gone only when the person says so
    assert not real_errors(console), "\n".join(console.errors)


INSTALLED = """(() => {
  const real = window.matchMedia.bind(window);
  window.matchMedia = (query) => query.includes("display-mode: standalone")
    ? real("(min-width: 0px)") : real(query);
})()"""


def test_k_installed_every_tap_goes_through_the_outbox(page, context, console, world):
    context.add_init_script(INSTALLED)  # as if opened from the home screen
    path = open_meeting(world, 2)
    sign_in(page, path)
    wait_for_control(page)
    posts = []
    context.on("request", lambda request: posts.append(request.url)
               if request.method == "POST" and "/meetings/" in request.url else None)
    row = page.locator("li.mrow").first
    row.get_by_role("button", name="เงินออม ฿100").click()
    [op] = page.evaluate(OUTBOX_OPS) or [None]  # written before it is sent ...
    assert op is None or op["type"] == "savings.deposit"
    expect(row.locator(".chip")).to_have_count(1)
    wait_until_sent(page)  # ... and sent at once, online
    expect(row.locator(".chip.pending")).to_have_count(0)  # the row as the server has it
    expect(row.locator(".chip form button.x")).to_have_count(1)  # voidable, as any entry
    assert posts == [], "no form post: the op went through the outbox"
    [stored] = SyncOp.select().where(SyncOp.type == "savings.deposit")
    assert stored.device != "web"
    assert audit() == ([], [])
    assert not real_errors(console), "\n".join(console.errors)


def test_l_sync_now_stores_the_pages_for_the_next_meeting(page, context, console, world):
    second = world.add_member("สมชาย รักออม")
    path = open_meeting(world, 1)
    sign_in(page)  # lands on the group's summary
    expect(page.locator(".group-name")).to_be_visible()
    wait_for_control(page)
    page.reload()  # the summary stored: this phone works in this group
    page.locator(".sync-now").click()  # sync: the member list, each member, the forms
    base = f"/groups/{world.group.id}"
    wanted = [f"{base}/members", f"{base}/members/{world.member_id}", f"{base}/members/{second}",
              f"{base}/meetings", path, f"{base}/entries/new?type=group.expense"]
    for url in wanted:
        eventually(page, f"caches.open('sajja-pages').then(c => c.match({url!r}))"
                         ".then(Boolean)")
    context.set_offline(True)
    response = page.goto(f"{base}/members/{second}")
    assert response.from_service_worker
    expect(page.locator("h1")).to_have_text("สมชาย รักออม")
    # No form was stored for this member: the worker shows the one stored for another member
    # and the page puts this member in, from the member list the sync brought.
    page.goto(f"{base}/entries/new?type=fine.pay&member={second}")
    expect(page.locator(".entry-member")).to_contain_text("สมชาย รักออม")
    page.locator('input[name="amount"]').fill("20")
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator("p.outbox-saved")).to_contain_text("สมชาย รักออม")
    [op] = page.evaluate(OUTBOX_OPS)
    assert op["payload"] == {"amount_satang": 2000, "member_id": second}
    context.set_offline(False)
    wait_until_sent(page)
    [stored] = SyncOp.select().where(SyncOp.type == "fine.pay")
    assert stored.op_id == op["op_id"]
    assert not real_errors(console), "\n".join(console.errors)


def test_m_a_stale_csrf_token_is_renewed_and_the_flush_goes_on(page, context, console, world):
    rows = offline_meeting(page, context, world, members=1)
    tap_savings(rows, 1)
    ids = op_ids(page)
    page.evaluate("SajjaOutbox.setMeta('csrf_token', 'stale-token')")  # e.g. a new session
    statuses = []
    context.on("response", lambda response: statuses.append(response.status)
               if response.url.endswith("/api/v1/sync/push") else None)
    context.set_offline(False)
    wait_until_sent(page)
    assert 400 in statuses and statuses[-1] == 200, statuses
    assert_each_once(ids)
    assert not real_errors(console, ("status of 400",)), "\n".join(console.errors)
