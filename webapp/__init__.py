"""The Flask app: turns HTTP into calls on core/ and renders templates."""

import os

from flask import Flask
from flask_compress import Compress
from htmx_flask import Htmx

from core.store.db import database, open_database


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    from webapp.config import load_config

    load_config(app, overrides or {})
    open_database(app.config["DATABASE_URL"])
    Htmx(app)
    Compress(app)  # pages travel compressed: a treasurer on 2G waits for every byte

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(_exc):
        if not database.is_closed():
            database.close()

    from webapp import auth, errors, i18n, security

    security.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)

    from webapp import admin, books, entries, groups, home, loans, meetings, members

    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(groups.bp)
    app.register_blueprint(books.bp)
    app.register_blueprint(members.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(entries.bp)
    from webapp import reviews
    app.register_blueprint(reviews.bp)
    from webapp import audit  # a group's audit log, for its committee and field staff
    app.register_blueprint(audit.bp)
    app.register_blueprint(loans.bp)
    from webapp import welfare
    app.register_blueprint(welfare.bp)
    from webapp.sync import bp as sync_bp  # the JSON sync API, /api/v1/sync
    app.register_blueprint(sync_bp)
    from webapp.push import bp as push_bp  # Web Push: /api/v1/push and /account/devices
    from webapp.push import devices_bp
    app.register_blueprint(push_bp)
    app.register_blueprint(devices_bp)
    from webapp import pwa  # the manifest, the service worker, the offline page
    app.register_blueprint(pwa.bp)
    from webapp import staff  # the staff home, the network view, month-end charts
    app.register_blueprint(staff.bp)
    from webapp import notices  # the notice list and the meeting announcements
    app.register_blueprint(notices.bp)

    from webapp import yearend  # the year-end close and a VSLA's share-out
    app.register_blueprint(yearend.bp)
    from webapp import reports  # reports per group and network: pages, CSV, XLSX, print
    app.register_blueprint(reports.bp)
    from webapp.commands import register_commands

    register_commands(app)
    return app
