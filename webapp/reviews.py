"""The review queue of a group: what was flagged, by whom, from which device, when, and what
the books said; the committee or field staff confirm it or void it, with a reason."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import access
from core.store import reviews
from webapp.groups import group_in_scope
from webapp.i18n import pick
from webapp.render import page
from webapp.security import roles

bp = Blueprint("reviews", __name__, url_prefix="/groups/<group_id>/reviews")
REVIEWERS = (access.COMMITTEE, access.STAFF)


@bp.route("")
@roles(*REVIEWERS)
def index(group_id):
    group = group_in_scope(group_id)
    return page("reviews/index.html", group=group, items=reviews.open_reviews(group.id),
                errors={})


@bp.route("/<int:item_id>", methods=["POST"])
@roles(*REVIEWERS)
def resolve(group_id, item_id):
    group = group_in_scope(group_id)
    problem = reviews.resolve(item_id, group.id, current_user.model,
                              request.form.get("action", ""), request.form.get("note", ""),
                              device_id="web")
    if problem is None:
        flash(_("The review item was resolved."))
        return redirect(url_for("reviews.index", group_id=group.id))
    return page("reviews/index.html", group=group, items=reviews.open_reviews(group.id),
                errors={item_id: pick(problem)}), 400
