"""Web Push for the app's pages: the JSON API a browser subscribes through (/api/v1/push) and
the page where a person sees and removes their devices (/account/devices).

The API works like the sync API: sign-in is checked before the CSRF token (X-CSRFToken), and
errors are `{"error": {"code", "message"}}` with a 4xx status.
"""

from flask import Blueprint, current_app
from flask_login import current_user

from webapp.security import csrf

bp = Blueprint("push", __name__, url_prefix="/api/v1/push")
csrf.exempt(bp)  # checked below, after the sign-in check

devices_bp = Blueprint("devices", __name__)


@bp.before_request
def _signed_in_then_csrf():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    config = current_app.config
    if config["WTF_CSRF_ENABLED"] and config["WTF_CSRF_CHECK_DEFAULT"]:
        csrf.protect()
    return None


from webapp.push import views  # noqa: E402,F401  (the routes attach themselves)
