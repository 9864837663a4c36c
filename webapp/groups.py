"""A group's home page and the member's own passbook view."""

from datetime import date

from flask import Blueprint, abort, request
from flask_login import current_user

from core import access, books
from core.store import statements
from core.store.access import group_ids_of, in_group
from core.store.meetings import open_meeting_of
from core.store.models import Group, Member
from core.store.summaries import group_totals, groups_overview, member_figures
from core.thaidate import today_in
from webapp.render import page
from webapp.security import roles
from webapp.staff import month_end_charts

bp = Blueprint("groups", __name__)

BOOKKEEPERS = (access.STAFF, access.COMMITTEE, access.TREASURER)


def passbook_since(today: date) -> date | None:
    """The first day a passbook shows: `?since=` (a date, or `all` for the whole history), by
    default the first of the month a year back; a date that does not parse is the default."""
    asked = request.args.get("since", "")
    if asked == "all":
        return None
    try:
        return date.fromisoformat(asked).replace(day=1)
    except ValueError:
        return statements.passbook_opens(today)


def group_in_scope(group_id: str) -> Group:
    group = Group.get_or_none(Group.id == group_id)
    if group is None:
        abort(404)
    if not in_group(current_user.model, group.id):
        abort(403)
    return group


@bp.route("/groups")
@roles(*BOOKKEEPERS)
def index():
    return page("groups/index.html", overview=groups_overview(group_ids_of(current_user.model)))


@bp.route("/groups/<group_id>")
@roles(*BOOKKEEPERS)
def show(group_id):
    group = group_in_scope(group_id)
    members = list(Member.select().where(Member.group == group.id).order_by(Member.member_no))
    return page("groups/show.html", group=group, totals=group_totals(group.id), books=books,
                members=members, figures=member_figures([m.id for m in members]),
                open_meeting=open_meeting_of(group.id), charts=month_end_charts([group.id]))


@bp.route("/me")
@roles(access.MEMBER)
def my_passbook():
    member = Member.select(Member, Group).join(Group).where(
        Member.id == current_user.model.member_id).first()
    if member is None:
        abort(404)
    today = today_in(member.group.timezone)
    book = statements.passbook(member.id, since=passbook_since(today))
    return page("groups/passbook.html", book=book, today=today)
