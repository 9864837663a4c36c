"""The person's own notice list (/notices), its unread count in the header, and the meeting
announcements the committee writes to a group's members."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from core import access
from core.store import announcements, inbox
from core.thaidate import today_in
from webapp.groups import group_in_scope
from webapp.i18n import current_language, pick
from webapp.render import page
from webapp.security import roles

bp = Blueprint("notices", __name__)
ANNOUNCERS = (access.COMMITTEE, access.STAFF, access.TREASURER)


@bp.app_context_processor
def _unread():
    """A callable, so the count is asked only when the header is drawn, not for fragments."""
    def unread_notices() -> int:
        if not current_user.is_authenticated:
            return 0
        return inbox.unread_count(current_user.id)
    return {"unread_notices": unread_notices}


@bp.route("/notices")
@login_required
def index():
    number = request.args.get("page", "1")
    number = int(number) if number.isdigit() else 1
    listing = inbox.inbox(current_user.id, current_language(), number)
    return page("notices/index.html", listing=listing)


@bp.route("/groups/<group_id>/announcements", methods=["GET", "POST"])
@roles(*ANNOUNCERS)
def announcements_page(group_id):
    group = group_in_scope(group_id)
    form, errors = {"kind": "meeting"}, {}
    if request.method == "POST":
        form = request.form
        announcement, problems = announcements.check(form, today_in(group.timezone))
        if announcement is not None:
            count = announcements.announce(group, current_user.model, announcement,
                                           device_id="web")
            flash(ngettext("The announcement was sent to %(num)d member.",
                           "The announcement was sent to %(num)d members.", count))
            return redirect(url_for("notices.announcements_page", group_id=group.id))
        errors = {name: pick(problem) for name, problem in problems.items()}
    return page("notices/announcements.html", group=group, form=form, errors=errors,
                kinds=announcements.KINDS, reach=len(announcements.audience(group.id)),
                past=announcements.past(group), today=today_in(group.timezone),
                title=_("Announcements")), 400 if errors else 200
