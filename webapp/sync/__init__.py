"""The JSON sync API, /api/v1/sync: a device pushes its outbox and pulls what changed.

The contract is DESIGN.md's "The sync contract". These views only parse the request, call the
core (`core.sync` for the request's shape, `core.store.push` and `core.store.pull` for the work)
and render JSON; errors are `{"error": {"code", "message"}}` with a 4xx status.

Sign-in is checked before the CSRF token: a phone whose session ended while it was offline has
no token either, and must be told 401 (sign in again, keep the outbox), not 400.
"""

from flask import Blueprint, current_app
from flask_login import current_user

from webapp.security import csrf

bp = Blueprint("sync", __name__, url_prefix="/api/v1/sync")
csrf.exempt(bp)  # checked below, after the sign-in check


@bp.before_request
def _signed_in_then_csrf():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    config = current_app.config
    if config["WTF_CSRF_ENABLED"] and config["WTF_CSRF_CHECK_DEFAULT"]:
        csrf.protect()  # the unsafe methods only, as the app-wide check would
    return None


from webapp.sync import views  # noqa: E402,F401  (the routes attach themselves to bp)
