"""GET /api/v1/push/key, POST and DELETE /api/v1/push/subscriptions, /account/devices."""

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core import webpush
from core.errors import Problem
from core.store import push_subscriptions
from webapp.errors import json_error
from webapp.i18n import current_language
from webapp.push import bp, devices_bp
from webapp.push.keys import public_key_of, vapid_of
from webapp.render import page


def _error(problem: Problem, status: int = 400):
    return json_error(status, problem.reason, problem.message(current_language()))


@bp.get("/key")
def key():
    """The applicationServerKey a browser subscribes with."""
    response = jsonify({"public_key": public_key_of(vapid_of())})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/subscriptions", methods=["POST", "DELETE"])
def subscriptions():
    body = request.get_json(force=True, silent=True)
    if request.method == "DELETE":
        endpoint = webpush.parse_endpoint(body.get("endpoint") if isinstance(body, dict)
                                          else None)
        if isinstance(endpoint, Problem):
            return _error(endpoint)
        removed = push_subscriptions.remove_endpoint(current_user.id, endpoint)
        return jsonify({"removed": removed})
    parsed = webpush.parse_subscription(body)
    if isinstance(parsed, Problem):
        return _error(parsed)
    saved = push_subscriptions.save(current_user.id, parsed,
                                    webpush.device_label(request.headers.get("User-Agent")))
    return jsonify({"id": saved.id, "label": saved.label}), 201


@devices_bp.route("/account/devices", methods=["GET", "POST"])
@login_required
def index():
    """The person's phones that receive notices; each can be removed (a form, no script)."""
    if request.method == "POST":
        chosen = request.form.get("remove", "")
        if chosen.isdigit() and push_subscriptions.remove_device(current_user.id, int(chosen)):
            flash(_("This device will no longer receive notices."))
        return redirect(url_for("devices.index"))
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return page("account/devices.html", devices=push_subscriptions.devices_of(current_user.id),
                local=lambda moment: moment.replace(tzinfo=UTC).astimezone(zone))
