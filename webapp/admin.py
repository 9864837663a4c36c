"""Admin pages: groups, user accounts and their roles."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import access
from core.errors import OpRefused
from core.store import groups as group_store
from core.store import users
from core.store.models import Group, Member, Network, User, UserGroup
from webapp.i18n import pick
from webapp.render import page
from webapp.security import roles

bp = Blueprint("admin", __name__, url_prefix="/admin")
KINDS = ("savings", "welfare", "vsla")


@bp.route("/")
@roles(access.ADMIN)
def index():
    return page("admin/index.html",
                groups=list(Group.select().order_by(Group.name)),
                users=list(User.select().order_by(User.role, User.username)))


@bp.route("/groups/new", methods=["GET", "POST"])
@roles(access.ADMIN)
def new_group():
    form, errors = request.form, {}
    if request.method == "POST":
        name = form.get("name", "").strip()
        kind = form.get("kind", "savings")
        network_id = form.get("network") or None
        if not name:
            errors["name"] = _("Please enter the group's name.")
        if kind not in KINDS:
            errors["kind"] = _("Choose a kind of group.")
        if network_id and not Network.get_or_none(Network.id == network_id):
            errors["network"] = _("Choose a network from the list.")
        if not errors:
            try:
                group = group_store.create_group(name, kind=kind, network_id=network_id,
                                                 province=form.get("province", ""),
                                                 created_by=current_user.model)
            except OpRefused as refusal:
                errors[refusal.problem.field or "name"] = pick(refusal.problem)
            else:
                flash(_("Group %(name)s was created.", name=group.name))
                return redirect(url_for("admin.index"))
    return page("admin/group_form.html", form=form, errors=errors, kinds=KINDS,
                networks=list(Network.select().order_by(Network.name))), 400 if errors else 200


@bp.route("/users/new", methods=["GET", "POST"])
@roles(access.ADMIN)
def new_user():
    form, errors = request.form, {}
    if request.method == "POST":
        role = form.get("role", "")
        group_ids = [g for g in form.getlist("group") if g]
        try:
            user = users.create_user(form.get("username", ""), form.get("password", ""), role,
                                     group_ids=group_ids, display_name=form.get("name", ""),
                                     language=form.get("language", "th"),
                                     member_id=form.get("member") or None,
                                     created_by=current_user.model)
        except OpRefused as refusal:
            errors[refusal.problem.field or "username"] = pick(refusal.problem)
        else:
            flash(_("Account %(username)s was created.", username=user.username))
            return redirect(url_for("admin.index"))
    return page("admin/user_form.html", form=form, errors=errors, roles=access.ROLES,
                groups=list(Group.select().order_by(Group.name)),
                members=list(Member.select().where(Member.status == "active")
                             .order_by(Member.group, Member.member_no))), \
        400 if errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles(access.ADMIN)
def user(user_id):
    person = User.get_or_none(User.id == user_id)
    if person is None:
        abort(404)
    if request.method == "POST":
        action = request.form.get("action")
        if action == "deactivate" and person.id != current_user.id:
            users.set_active(person, False, current_user.model)
            flash(_("The account was switched off and signed out everywhere."))
        elif action == "activate":
            users.set_active(person, True, current_user.model)
            flash(_("The account was switched on."))
        elif action == "sign_out":
            users.sign_out_everywhere(person, current_user.model)
            flash(_("The account was signed out on every device."))
        else:
            abort(400)
        return redirect(url_for("admin.user", user_id=person.id))
    links = [link.group for link in UserGroup.select().where(UserGroup.user == person.id)]
    return page("admin/user.html", person=person, groups=links)
