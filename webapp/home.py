"""Where each person lands after signing in, and the language switch."""

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user, login_required

from core import access
from core.store.models import User
from webapp.i18n import LANGUAGES

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    role = current_user.role
    if role == access.ADMIN:
        return redirect(url_for("admin.index"))
    if role == access.MEMBER:
        return redirect(url_for("groups.my_passbook"))
    if role == access.STAFF:
        return redirect(url_for("staff.home"))
    group_ids = [link.group_id for link in current_user.model.group_links]
    if role in (access.TREASURER, access.COMMITTEE) and len(group_ids) == 1:
        return redirect(url_for("groups.show", group_id=group_ids[0]))
    return redirect(url_for("groups.index"))


@bp.route("/language", methods=["POST"])
def language():
    chosen = request.form.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        if current_user.is_authenticated:
            User.update(language=chosen).where(User.id == current_user.id).execute()
    target = request.form.get("next") or request.referrer or url_for("home.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("home.index")
    return redirect(target)
