"""The installable app's server side: the manifest, the service worker's script and version,
the offline page, the icons, and the hooks the outbox script reads from the pages."""

import json
import re

from tests.conftest import sign_in
from webapp import pwa_icons


def test_the_manifest_names_the_app_in_thai_with_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "สัจจะ — บัญชีกลุ่มออมทรัพย์"
    assert manifest["short_name"] == "สัจจะ"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/", "/", "standalone")
    assert manifest["theme_color"] == manifest["background_color"] == "#0f6b4f"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"),
                     ("512x512", "maskable")}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png", icon
        image.close()


def test_every_page_links_the_manifest_and_the_outbox_without_inline_script(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<script src="/static/outbox.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script (CSP)"
    assert 'id="syncbar" hidden' in html


def test_the_worker_is_served_at_the_root_with_its_version_filled_in(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    assert "__SAJJA_" not in source
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', source).group(1)
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", source).group(1))
    assert {"/static/app.css", "/static/app.js", "/static/outbox.js",
            "/static/vendor/htmx.min.js", "/manifest.webmanifest", "/offline"} <= set(shell)
    assert 'importScripts("/static/outbox.js")' in source
    for url in shell:
        answer = client.get(url)
        assert answer.status_code == 200, url
        answer.close()
    assert client.get("/sw.js").get_data(as_text=True).count(version) == 1  # stable


def test_the_version_follows_the_shell_files(app, monkeypatch):
    from webapp import pwa

    with app.test_request_context():
        before = pwa.shell_version()
        original = pwa.Path.read_bytes

        def changed(path):
            data = original(path)
            return data + b"/* changed */" if path.name == "app.css" else data

        monkeypatch.setattr(pwa.Path, "read_bytes", changed)
        assert pwa.shell_version() != before


def test_the_offline_page_and_the_token_for_the_outbox(client):
    page = client.get("/offline")
    assert page.status_code == 200 and "ไม่มีสัญญาณ" in page.get_data(as_text=True)
    token = client.get("/pwa/csrf-token")
    assert token.headers["Cache-Control"] == "no-store"
    assert token.get_json()["csrf_token"]


def test_the_meeting_screen_carries_what_the_outbox_needs(client, world):
    import uuid

    from tests.conftest import today_iso

    meeting_id = str(uuid.uuid4())
    world.apply("meeting.open", {"meeting_id": meeting_id, "date": today_iso(world.group)})
    sign_in(client, "treasurer")
    html = client.get(f"/groups/{world.group.id}/meetings/{meeting_id}").get_data(as_text=True)
    assert (f'data-group="{world.group.id}" data-meeting="{meeting_id}" '
            f'data-date="{today_iso(world.group)}"') in html
    assert f'data-member="{world.member_id}"' in html
    assert 'value="savings.deposit" class="tap" data-amount="10000"' in html
    assert 'data-total="savings.deposit"' in html and 'data-total="cash_in"' in html
    kinds = re.search(r"data-kinds='([^']*)'", html).group(1)
    assert json.loads(kinds)["savings.deposit"] == "ฝากเงินออม"


def test_the_entry_form_carries_what_the_outbox_needs(client, world):
    sign_in(client, "treasurer")
    html = client.get(f"/groups/{world.group.id}/entries/new?type=savings.deposit"
                      f"&member={world.member_id}").get_data(as_text=True)
    assert (f'data-outbox="entry" data-group="{world.group.id}" '
            f'data-type="savings.deposit"') in html
    assert f'data-member="{world.member_id}"' in html


def test_the_committed_icons_are_what_the_generator_draws():
    for name in ("icon-192.png", "maskable-192.png", "apple-touch-icon.png"):
        size, rounded = pwa_icons.ICONS[name]
        assert (pwa_icons.ICON_DIR / name).read_bytes() == pwa_icons.png(size, rounded), (
            f"{name} is stale: run `python -m webapp.pwa_icons`")
