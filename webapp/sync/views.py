"""POST /push and GET /pull: parse, call the core, answer JSON."""

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from core import access, sync
from core.errors import Problem
from core.store import pull as pull_store
from core.store import push as push_store
from core.store import rate_limits
from core.store.operations import BUSY, Actor
from webapp.errors import json_error
from webapp.i18n import current_language
from webapp.security import json_body, roles
from webapp.sync import bp


def _error(problem: Problem):
    return json_error(sync.http_status(problem), problem.reason,
                      problem.message(current_language()))


def _rate_limited(keys: list[tuple[str, str]]):
    """A 429 with Retry-After when any (key, config name) passed its limit this minute."""
    config = current_app.config
    retry_after = rate_limits.hit([(key, config[name]) for key, name in keys])
    if retry_after is None:
        return None
    response = json_error(429, "rate_limited",
                          _("Too many requests; please wait a moment."))
    response[0].headers["Retry-After"] = str(retry_after)
    return response


@bp.post("/push")
def push():
    body, problem = json_body()
    parsed = problem or sync.parse_push(body)
    if isinstance(parsed, Problem):
        return _error(parsed)
    user = current_user.model
    # the device's count is the user's own: nobody else can use up a phone's budget by naming it
    limited = _rate_limited([(f"push:device:{user.id}:{parsed.device_id}",
                              "SYNC_PUSHES_PER_DEVICE"),
                             (f"push:user:{user.id}", "SYNC_PUSHES_PER_USER")])
    if limited:
        return limited
    device = push_store.record_device(user, parsed.device_id)
    if device == push_store.FOREIGN:
        return _error(sync.DEVICE_TAKEN)
    if device == push_store.BUSY_DEVICE:
        results = [push_store.later(op) for op in parsed.ops]
    else:
        results = push_store.push(Actor(user, parsed.device_id), parsed.ops,
                                  device_now=parsed.device_now)
    lang = current_language()
    return jsonify({"results": [result.as_json(lang) for result in results]})


@bp.get("/pull")
@roles(access.STAFF, access.COMMITTEE, access.TREASURER, access.MEMBER)  # not an admin: no books
def pull():
    cursor = sync.parse_cursor(request.args.get("cursor"))
    if isinstance(cursor, Problem):
        return _error(cursor)
    device_id = sync.parse_device_id(request.args.get("device_id"), required=False)
    if isinstance(device_id, Problem):
        return _error(device_id)
    user = current_user.model
    limited = _rate_limited([(f"pull:user:{user.id}", "SYNC_PULLS_PER_USER")])
    if limited:
        return limited
    if device_id is not None and push_store.device_owner(device_id) not in (None, user.id):
        return _error(sync.DEVICE_TAKEN)
    answer = pull_store.pull(user, cursor, device_id, current_language())
    if answer is None:
        response = json_error(503, BUSY.reason, BUSY.message(current_language()))
        response[0].headers["Retry-After"] = "5"
        return response
    return jsonify(answer)
