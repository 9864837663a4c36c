"""The report routes. Who sees what: a group's reports, the bookkeepers of the group (its
treasurer and committee, and the field staff assigned to it); a network's reports, the field
staff looking after at least one of its groups (the same rule as the network view). A network
report shows group-level sums only, never a member."""

from flask import Response, abort, request, url_for
from flask_login import current_user

from core import access
from core.store import reports
from core.store.access import group_ids_of
from core.store.models import Group, Network
from core.store.reports.common import start_month
from core.store.reports.network import network_groups
from core.store.reports.period import Period, PeriodError, parse_period
from core.thaidate import format_date, today_in
from webapp.groups import BOOKKEEPERS, group_in_scope
from webapp.i18n import current_language, pick
from webapp.render import page
from webapp.reports import bp, tables
from webapp.reports.export import XLSX_TYPE, csv_bytes, xlsx_bytes
from webapp.reports.words import REPORT_NAMES, REPORTS
from webapp.security import roles

NAMES = "any(" + ", ".join(f'"{name}"' for name in REPORT_NAMES) + ")"
FILE_TYPES = 'any("csv", "xlsx")'
MONTHS_SHOWN, YEARS_SHOWN = 24, 6


def _period(today) -> tuple[Period, str | None]:
    """The period asked for, or this month and the reason the one asked for was refused."""
    default = Period.of_month(today)
    try:
        return parse_period(request.args.get("month"), request.args.get("year"),
                            default=default), None
    except PeriodError as error:
        return default, pick(error)


def _choices(today, fiscal_start: int, chosen: Period) -> dict:
    lang = current_language()
    this_month, this_year = Period.of_month(today), Period.fiscal_year_of(today, fiscal_start)
    months = [this_month.shifted(-n) for n in range(MONTHS_SHOWN)]
    years = [this_year.shifted(-n) for n in range(YEARS_SHOWN)]
    shown = months if chosen.is_month else years
    if chosen not in shown:  # a period further back, typed in the address
        shown.append(chosen)
    return {"months": [(p.query["month"], p.label(lang)) for p in months],
            "years": [(p.query["year"], p.label(lang)) for p in years],
            "chosen": chosen, "previous": chosen.shifted(-1),
            "following": chosen.shifted(1)}


def _context(period: Period, fiscal_start: int, today, error: str | None) -> dict:
    lang = current_language()
    return {"period": period, "period_label": period.label(lang),
            "span": period.span(fiscal_start, lang), "error": error,
            "printing": request.args.get("print") == "1", "reports": REPORTS,
            "printed_on": format_date(today, lang),
            **_choices(today, fiscal_start, period)}


# ------------------------------------------------------------------------------ a group


# A group's report by name: what builds its figures, and what lays them out as tables.
GROUP_REPORTS = {
    "income-statement": (reports.income_statement, tables.income_statement),
    "balance-sheet": (reports.balance_sheet, tables.balance_sheet),
    "trial-balance": (reports.trial_balance, tables.trial_balance),
    "cash-book": (reports.cash_book, tables.cash_book),
    "members": (reports.member_register, tables.member_register),
    "loans": (reports.portfolio, tables.loan_portfolio),
    "welfare": (reports.welfare_summary, tables.welfare_summary),
}


def _group_tables(group: Group, name: str, period: Period) -> list[tables.Table]:
    lang = current_language()
    if name in GROUP_REPORTS:
        build, lay_out = GROUP_REPORTS[name]
        return lay_out(build(group, period), lang)
    return tables.ratios(reports.figures([group], period)[group.id], lang)


@bp.route("/groups/<group_id>/reports")
@roles(*BOOKKEEPERS)
def group_index(group_id):
    group = group_in_scope(group_id)
    today = today_in(group.timezone)
    period, error = _period(today)
    return page("reports/index.html", fragment="report", group=group, network=None,
                **_context(period, start_month(group), today, error)), 400 if error else 200


@bp.route(f"/groups/<group_id>/reports/<{NAMES}:report_name>")
@roles(*BOOKKEEPERS)
def group_report(group_id, report_name):
    group = group_in_scope(group_id)
    today = today_in(group.timezone)
    period, error = _period(today)
    found = [] if error else _group_tables(group, report_name, period)
    return page("reports/report.html", fragment="report", group=group, network=None,
                name=report_name, title=REPORTS[report_name], tables=found,
                **_context(period, start_month(group), today, error)), 400 if error else 200


@bp.route(f"/groups/<group_id>/reports/<{NAMES}:report_name>.<{FILE_TYPES}:file_type>")
@roles(*BOOKKEEPERS)
def group_export(group_id, report_name, file_type):
    group = group_in_scope(group_id)
    period, error = _period(today_in(group.timezone))
    if error:
        return _refused(error)
    heading = [group.name, str(REPORTS[report_name]),
               f"{period.label(current_language())} "
               f"({period.span(start_month(group), current_language())})"]
    return _file(heading, _group_tables(group, report_name, period), report_name, period,
                 file_type)


# ---------------------------------------------------------------------------- a network


def network_in_scope(network_id: str) -> Network:
    """The network, when the person looks after at least one of its groups."""
    network = Network.get_or_none(Network.id == network_id)
    if network is None:
        abort(404)
    mine = set(group_ids_of(current_user.model))
    if not any(group.id in mine for group in network_groups(network.id)):
        abort(403)
    return network


def _network_start(network: Network) -> int:
    """For the picker's fiscal year: the start month most of the network's groups use."""
    months = [start_month(g) for g in network_groups(network.id)]
    return max(set(months), key=months.count) if months else 1


@bp.route("/networks/<network_id>/reports")
@roles(access.STAFF)
def network(network_id):
    found = network_in_scope(network_id)
    today = today_in()
    period, error = _period(today)
    report = None if error else reports.network_report(found.id, period)
    return page("reports/network.html", fragment="report", network=found, group=None,
                report=report, **_context(period, _network_start(found), today, error)
                ), 400 if error else 200


@bp.route(f"/networks/<network_id>/reports/<{NAMES}:report_name>")
@roles(access.STAFF)
def network_report(network_id, report_name):
    found = network_in_scope(network_id)
    today = today_in()
    period, error = _period(today)
    shown = [] if error else tables.network_tables(
        reports.network_report(found.id, period), report_name, current_language())
    return page("reports/report.html", fragment="report", network=found, group=None,
                name=report_name, title=REPORTS[report_name], tables=shown,
                **_context(period, _network_start(found), today, error)), 400 if error else 200


@bp.route(f"/networks/<network_id>/reports/<{NAMES}:report_name>.<{FILE_TYPES}:file_type>")
@roles(access.STAFF)
def network_export(network_id, report_name, file_type):
    found = network_in_scope(network_id)
    period, error = _period(today_in())
    if error:
        return _refused(error)
    heading = [found.name, str(REPORTS[report_name]),
               f"{period.label(current_language())} "
               f"({period.span(_network_start(found), current_language())})"]
    shown = tables.network_tables(reports.network_report(found.id, period), report_name,
                                  current_language())
    return _file(heading, shown, report_name, period, file_type)


# ---------------------------------------------------------------------------------- files


def _refused(error: str) -> Response:
    return Response(error, status=400, mimetype="text/plain")


def _file(heading, shown, report_name: str, period: Period, file_type: str) -> Response:
    if file_type == "csv":
        body, mimetype = csv_bytes(heading, shown), "text/csv; charset=utf-8"
    else:
        body, mimetype = xlsx_bytes(str(REPORTS[report_name]), heading, shown), XLSX_TYPE
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{report_name}-{period.slug}.{file_type}"',
        "Cache-Control": "no-store"})


@bp.app_context_processor
def _report_links():
    def report_url(name: str, period: Period, **extra) -> str:
        """A report of the page's group or network, for the period, as page or file."""
        args = {**period.query, **extra}
        group_id = request.view_args.get("group_id") if request.view_args else None
        if group_id:
            endpoint = "reports.group_export" if "file_type" in extra else "reports.group_report"
            return url_for(endpoint, group_id=group_id, report_name=name, **args)
        endpoint = "reports.network_export" if "file_type" in extra else "reports.network_report"
        return url_for(endpoint, network_id=request.view_args["network_id"], report_name=name,
                       **args)
    return {"report_url": report_url}
