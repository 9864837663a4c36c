"""Sign-in, sign-out and password change; sessions that survive a week offline and can be
revoked everywhere by raising the user's session version."""

from flask import Blueprint, Flask, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)

from core.errors import OpRefused
from core.store import users
from core.store.models import User
from webapp.i18n import pick
from webapp.render import page

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


class SignedIn(UserMixin):
    """The signed-in person: the stored user, with an id that carries the session version."""

    def __init__(self, model: User):
        self.model = model

    def __getattr__(self, name):
        return getattr(self.model, name)

    def get_id(self) -> str:
        return f"{self.model.id}:{self.model.session_version}"

    @property
    def is_active(self) -> bool:
        return self.model.active


@login_manager.user_loader
def _load(session_id: str):
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None  # revoked: signed out everywhere, deactivated, or password changed
    return SignedIn(user)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/api/"):
            from webapp.errors import json_error
            return json_error(401, "unauthorized", _("Please sign in again."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def _must_change_password():
        if (current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in ("auth.change_password", "auth.logout", "static",
                                             "home.language")):
            if request.path.startswith("/api/"):
                from webapp.errors import json_error
                return json_error(403, "must_change_password",
                                  _("Please choose a new password before you go on."))
            return redirect(url_for("auth.change_password"))
        return None


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, username, status = None, "", 200
    if request.method == "POST":
        username = request.form.get("username", "")
        result = users.sign_in(username, request.form.get("password", ""),
                               request.remote_addr or "")
        if result.user:
            session.permanent = True
            login_user(SignedIn(result.user), remember=False)
            session["lang"] = result.user.language
            return redirect(_safe_next(request.args.get("next")))
        error = pick(result.problem)
        status = 429 if result.problem.reason == "rate_limited" else 401
    return page("auth/login.html", error=error, username=username), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.pop("lang", None)
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors = {}
    if request.method == "POST":
        new = request.form.get("new_password", "")
        check = users.sign_in(current_user.username, request.form.get("current_password", ""),
                              request.remote_addr or "")
        if check.user is None:
            errors["current_password"] = pick(check.problem)
        elif new != request.form.get("confirm_password", ""):
            errors["confirm_password"] = _("The two new passwords differ.")
        else:
            try:
                users.set_password(current_user.model, new)
            except OpRefused as refusal:
                errors["new_password"] = pick(refusal.problem)
            else:
                fresh = User.get_by_id(current_user.id)
                login_user(SignedIn(fresh))  # the old session version is gone everywhere else
                flash(_("Your password was changed."))
                return redirect(url_for("home.index"))
    return page("auth/password.html", errors=errors), 400 if errors else 200


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    users.sign_out_everywhere(current_user.model)
    logout_user()
    return redirect(url_for("auth.login"))
