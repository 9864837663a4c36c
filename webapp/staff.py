"""The staff home (every group one looks after, with its health mark), the network view that
rolls the same figures up by network and province, and the month-end charts."""

from __future__ import annotations

import datetime

from flask import Blueprint, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from core import access, health
from core.money import format_baht
from core.store import network_figures, staff_home
from core.store.access import group_ids_of
from core.store.models import Group, Network, utcnow
from core.thaidate import format_date, today_in
from webapp import charts
from webapp.i18n import current_language
from webapp.render import page
from webapp.security import roles

bp = Blueprint("staff", __name__)

BOOKKEEPERS = (access.STAFF, access.COMMITTEE, access.TREASURER)


# A card's labels, translated once per page rather than once per card (200 cards).
CARD_LABELS = {
    "members": _l("Members"), "savings": _l("Savings"), "shares": _l("Shares"),
    "loans": _l("Loans outstanding"), "welfare": _l("Welfare fund"),
    "synced": _l("Last synced"), "reviews": _l("Waiting for review"),
    "meetings": _l("Meetings"), "regular": _l("regular"),
}
MARK_WORDS = {health.GREEN: _l("Good"), health.AMBER: _l("Watch"), health.RED: _l("Act now"),
              health.UNKNOWN: _l("No figure")}


def card_labels() -> dict[str, str]:
    return {key: str(text) for key, text in CARD_LABELS.items()}


@bp.app_template_global("mark_word")
def _mark_word(colour: str) -> str:
    return str(MARK_WORDS[colour])


@bp.app_template_filter("pct")
def _pct(value):
    return charts.pct_text(value)


def _today():
    return today_in()


@bp.route("/staff")
@roles(*BOOKKEEPERS)
def home():
    sort = request.args.get("sort", "mark")
    if sort not in staff_home.SORTS:
        sort = "mark"
    rows = staff_home.staff_home(group_ids_of(current_user.model), _today())
    return page("staff/home.html", fragment="table", rows=staff_home.sort_rows(rows, sort),
                sort=sort, sorts=staff_home.SORTS, legend=health.legend(current_language()),
                ago=ago, now=utcnow(), labels=card_labels())


@bp.route("/networks")
@roles(access.STAFF)
def networks():
    rows = staff_home.staff_home(group_ids_of(current_user.model), _today())
    return page("networks/index.html", networks=network_figures.rollup(rows, "network"),
                provinces=network_figures.rollup(rows, "province"))


@bp.route("/networks/<network_id>")
@roles(access.STAFF)
def network(network_id):
    found = Network.get_or_none(Network.id == network_id)
    if found is None:
        abort(404)
    in_network = [g.id for g in Group.select(Group.id).where(
        Group.id.in_(group_ids_of(current_user.model)) & (Group.network == found.id))]
    rows = staff_home.staff_home(in_network, _today())
    if not rows:
        abort(403)  # none of this person's groups is in the network
    total = network_figures.rollup(rows, "network")[0]
    return page("networks/show.html", network=found, total=total,
                rows=staff_home.sort_rows(rows, "mark"),
                provinces=network_figures.rollup(rows, "province"),
                charts=month_end_charts(total.group_ids), ago=ago,
                now=utcnow(), labels=card_labels(), report_url=_report_url(found.id))


def _report_url(network_id: str) -> str | None:
    """The network's reports page, when the app has one."""
    if "reports.network" in current_app.view_functions:
        return url_for("reports.network", network_id=network_id)
    return None


def month_end_charts(group_ids: list[str]) -> dict:
    """Savings, loans outstanding and PAR30 at each of the last twelve month-ends, drawn."""
    points = network_figures.series(group_ids, _today())
    lang = current_language()
    labels = [format_date(p.day, lang) for p in points]

    def draw(values, shown, title, css):
        return charts.sparkline(values, labels, shown, title, css)

    return {
        "points": points,
        "savings": draw([p.savings for p in points], [format_baht(p.savings) for p in points],
                        _("Savings, last 12 month-ends"), "savings"),
        "loans": draw([p.loans_outstanding for p in points],
                      [format_baht(p.loans_outstanding) for p in points],
                      _("Loans outstanding, last 12 month-ends"), "loans"),
        "par30": draw([p.par30 for p in points], [charts.pct_text(p.par30) for p in points],
                      _("PAR30, last 12 month-ends"), "par"),
    }


def ago(when: datetime.datetime | None, now: datetime.datetime) -> str:
    """How long ago, as a person says it: "3 วันที่แล้ว"."""
    if when is None:
        return _("never")
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 3600:
        minutes = seconds // 60
        return _("just now") if minutes < 1 else ngettext(
            "%(num)d minute ago", "%(num)d minutes ago", minutes)
    if seconds < 86400:
        return ngettext("%(num)d hour ago", "%(num)d hours ago", seconds // 3600)
    return ngettext("%(num)d day ago", "%(num)d days ago", seconds // 86400)
