"""The fund: its scheme, who is behind with contributions, its income by source and matching
round, and the yearly figures for the funders (page, CSV, XLSX)."""

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from core import welfare
from core.money import MoneyError, parse_baht
from core.store import welfare as store
from core.thaidate import DateError, be_year, parse_date, today_in
from webapp.groups import BOOKKEEPERS, group_in_scope
from webapp.i18n import current_language
from webapp.operations import new_op_id, submit
from webapp.render import page
from webapp.security import roles
from webapp.welfare import bp
from webapp.welfare.export import csv_bytes, report_rows, xlsx_bytes
from webapp.welfare.words import PER, SOURCES, benefit_name

YEARS_SHOWN = 10


@bp.route("")
@roles(*BOOKKEEPERS)
def index(group_id):
    group = group_in_scope(group_id)
    policy = store.scheme(group)
    today = today_in(group.timezone)
    return page("welfare/index.html", group=group, policy=policy, per=PER,
                period_amount=welfare.period_amount(policy),
                period_months=welfare.period_months(policy),
                fund=store.fund_balance(group.id), name_of=benefit_name,
                waiting=len(store.claims_of(group.id, "claimed")),
                to_pay=len(store.claims_of(group.id, "approved")), today=today)


@bp.route("/contributions")
@roles(*BOOKKEEPERS)
def contributions(group_id):
    group = group_in_scope(group_id)
    today = today_in(group.timezone)
    rows = store.contribution_status(group, today)
    return page("welfare/contributions.html", group=group, rows=rows, today=today,
                behind=[r for r in rows if r.behind], total=sum(r.behind for r in rows),
                lapse_after=store.scheme(group)["lapse_after_missed"])


def _read_funding(form) -> tuple[dict, dict, str | None]:
    payload, errors, business_date = {"category": "welfare"}, {}, None
    try:
        payload["amount_satang"] = parse_baht(form.get("amount", ""))
    except MoneyError as error:
        errors["amount"] = error.message(current_language())
    if form.get("source") not in SOURCES:
        errors["source"] = _("Choose where the money comes from.")
    payload["source"] = form.get("source")
    typed = form.get("matching_round", "").strip()
    if typed:
        if typed.isdigit() and 0 < int(typed) <= 99:
            payload["matching_round"] = int(typed)
        else:
            errors["matching_round"] = _("Type the round as a number: 1, 2, 3…")
    if form.get("note", "").strip():
        payload["note"] = form["note"].strip()[:500]
    try:
        business_date = parse_date(form.get("business_date", "")).isoformat()
    except DateError as error:
        errors["business_date"] = error.message(current_language())
    return payload, errors, business_date


@bp.route("/funding", methods=["GET", "POST"])
@roles(*BOOKKEEPERS)
def funding(group_id):
    group = group_in_scope(group_id)
    today = today_in(group.timezone)
    errors, form = {}, request.form
    if request.method == "POST":
        payload, errors, business_date = _read_funding(form)
        if not errors:
            result = submit(group, "group.income", payload, business_date=business_date)
            if result.applied or result.status == "duplicate":
                flash(_("The income is recorded in the welfare fund."))
                return redirect(url_for("welfare.funding", group_id=group.id))
            field = {"amount_satang": "amount", "source": "source"}.get(result.field, "_form")
            errors[field] = result.message(current_language())
    year = welfare.year_of(today, store.year_start_month(group))
    first, last = welfare.year_bounds(year, store.year_start_month(group))
    entries = store.funding_of(group.id, first, last)
    totals = {source: sum(e.amount for e in entries if e.source == source)
              for source in SOURCES}
    return page("welfare/funding.html", group=group, form=form, errors=errors, today=today,
                sources=SOURCES, entries=entries, totals=totals, year=year,
                op_id=form.get("op_id") or new_op_id()), 400 if errors else 200


def _year(group) -> int:
    this_year = welfare.year_of(today_in(group.timezone), store.year_start_month(group))
    typed = request.args.get("year", "")
    if typed.isdigit() and len(typed) == 4:
        year = int(typed) - 543 if int(typed) > 2400 else int(typed)  # a Buddhist-Era year
        if this_year - 50 <= year <= this_year:
            return year
    return this_year


@bp.route("/report")
@roles(*BOOKKEEPERS)
def report(group_id):
    group = group_in_scope(group_id)
    year = _year(group)
    this_year = welfare.year_of(today_in(group.timezone), store.year_start_month(group))
    figures = store.yearly_figures(group, year)
    return page("welfare/report.html", group=group, figures=figures, year=year,
                rows=report_rows(figures, store.scheme(group)["benefits"]),
                years=list(range(this_year, this_year - YEARS_SHOWN, -1)))


def _export(group_id, kind: str) -> Response:
    group = group_in_scope(group_id)
    year = _year(group)
    figures = store.yearly_figures(group, year)
    rows = report_rows(figures, store.scheme(group)["benefits"])
    name = f"welfare-{be_year(figures.last)}"
    if kind == "csv":
        body, mimetype = csv_bytes(rows), "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(rows, group.name, figures)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{kind}"',
        "Cache-Control": "no-store"})


@bp.route("/report.csv")
@roles(*BOOKKEEPERS)
def report_csv(group_id):
    return _export(group_id, "csv")


@bp.route("/report.xlsx")
@roles(*BOOKKEEPERS)
def report_xlsx(group_id):
    return _export(group_id, "xlsx")
