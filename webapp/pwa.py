"""The installable app: the web app manifest, the service worker, the offline page.

The service worker's source is webapp/templates/pwa/sw.js; it is served at /sw.js (scope "/")
with the cache version and the list of app-shell files filled in. The version is a hash of the
shell files and of the worker itself, so any change to them installs a new worker, which
precaches the new shell and deletes the old one. Pages and the worker share
webapp/static/outbox.js (the IndexedDB outbox and its flush).
"""

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, url_for
from flask_wtf.csrf import generate_csrf

from webapp.render import page

bp = Blueprint("pwa", __name__)

HERE = Path(__file__).resolve().parent
WORKER_SOURCE = HERE / "templates" / "pwa" / "sw.js"
THEME = "#0f6b4f"  # --brand in app.css

# The app shell: what the service worker stores when it installs (static files, by name).
SHELL_STATIC = ("app.css", "app.js", "outbox.js", "push.js", "vendor/htmx.min.js", "icon.svg",
                "icons/icon-192.png", "icons/icon-512.png", "icons/maskable-192.png",
                "icons/maskable-512.png", "icons/apple-touch-icon.png")
# Also hashed into the version: the templates of the shell's pages.
SHELL_TEMPLATES = ("base.html", "pwa/offline.html", "pwa/_syncbar.html")


def shell_urls() -> list[str]:
    return [url_for("static", filename=name) for name in SHELL_STATIC] + [
        url_for("pwa.manifest"), url_for("pwa.offline")]


def shell_version() -> str:
    """A short hash of every file the shell is made of, and of the worker's own source."""
    digest = hashlib.sha256()
    static = Path(current_app.static_folder)
    templates = HERE / "templates"
    for path in ([static / name for name in SHELL_STATIC]
                 + [templates / name for name in SHELL_TEMPLATES] + [WORKER_SOURCE]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    digest.update(json.dumps(manifest_data(), sort_keys=True).encode())
    return digest.hexdigest()[:16]


def manifest_data() -> dict:
    def icon(name, size, purpose):
        return {"src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}",
                "type": "image/png", "purpose": purpose}

    return {
        "id": "/",
        "name": "สัจจะ — บัญชีกลุ่มออมทรัพย์",
        "short_name": "สัจจะ",
        "description": "บัญชีกลุ่มออมทรัพย์และกองทุนสวัสดิการชุมชน บนมือถือของเหรัญญิก "
                       "ใช้ได้แม้ไม่มีสัญญาณ",
        "lang": "th",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": THEME,
        "categories": ["finance", "productivity"],
        "icons": [icon("icon-192.png", 192, "any"), icon("icon-512.png", 512, "any"),
                  icon("maskable-192.png", 192, "maskable"),
                  icon("maskable-512.png", 512, "maskable")],
    }


@bp.route("/manifest.webmanifest")
def manifest():
    response = Response(json.dumps(manifest_data(), ensure_ascii=False, indent=1),
                        mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
def service_worker():
    source = WORKER_SOURCE.read_text(encoding="utf-8")
    source = (source.replace('"__SAJJA_VERSION__"', json.dumps(shell_version()))
              .replace('["__SAJJA_SHELL__"]', json.dumps(shell_urls()))
              .replace('"__SAJJA_OUTBOX__"', json.dumps(url_for("static", filename="outbox.js")))
              .replace('"__SAJJA_OFFLINE__"', json.dumps(url_for("pwa.offline")))
              .replace('"__SAJJA_ICON__"',
                       json.dumps(url_for("static", filename="icons/icon-192.png"))))
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # the browser checks for a new worker
    return response


@bp.route("/offline")
def offline():
    """Shown by the service worker for a page that is not stored on the phone."""
    return page("pwa/offline.html")


@bp.route("/pwa/csrf-token")
def csrf_token():
    """A fresh CSRF token for the outbox when the one it copied from a page has gone stale.
    Same-origin only (no CORS), so another site cannot read it."""
    response = current_app.json.response({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


OUTBOX_KINDS = ("savings.deposit", "savings.withdraw", "shares.buy", "fine.charge", "fine.pay",
                "welfare.contribute", "loan.repay", "group.income", "group.expense")


@bp.app_context_processor
def _outbox_words():
    """The names of entries, from the catalog, for the outbox script to show (data-kinds)."""
    from webapp.entry_kinds import entry_kind

    return {"outbox_kinds": lambda: {kind: entry_kind(kind) for kind in OUTBOX_KINDS}}
