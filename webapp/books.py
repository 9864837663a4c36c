"""The books on paper: receipts, member passbooks, the cash book and the trial balance."""

import calendar
from datetime import date

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core import access, books
from core.store import statements
from core.thaidate import (
    BE_OFFSET,
    BE_THRESHOLD,
    EN_MONTHS,
    TH_MONTHS,
    DateError,
    add_months,
    be_year,
    parse_date,
    today_in,
)
from webapp.groups import BOOKKEEPERS, group_in_scope, passbook_since
from webapp.i18n import current_language, pick
from webapp.render import page
from webapp.security import roles

bp = Blueprint("books", __name__)

# The passbook's sections, by chart code (statements.PASSBOOK_CODES).
SECTION_NAMES = {
    books.SAVINGS: _l("Savings"),
    books.SHARES: _l("Shares"),
    books.WELFARE_FUND: _l("Welfare contributions"),
    books.FINES_DUE: _l("Fines due"),
    books.LOANS: _l("Loans"),
}
MONTHS_IN_PICKER = 120


@bp.app_context_processor
def _names():
    lang = current_language()
    return {"section_name": lambda code: str(SECTION_NAMES.get(code, code)),
            "account_name": lambda row: row.name_th if lang == "th" else row.name_en}


def month_label(first: date, lang: str) -> str:
    """"พฤศจิกายน 2568" in Thai (Buddhist Era), "November 2025" in English."""
    if lang == "th":
        return f"{TH_MONTHS[first.month - 1]} {be_year(first)}"
    return f"{EN_MONTHS[first.month - 1]} {first.year}"


def _month(text: str | None, fallback: date) -> date:
    """The first day of a month typed as YYYY-MM (a Buddhist-Era year is taken too)."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        year = year - BE_OFFSET if year > BE_THRESHOLD else year
        if not 1900 <= year <= 2400:  # months either side must exist too
            return fallback
        return date(year, month, 1)
    except ValueError:
        return fallback


@bp.route("/groups/<group_id>/cash-book")
@roles(*BOOKKEEPERS)
def cashbook(group_id):
    group = group_in_scope(group_id)
    today = today_in(group.timezone)
    this_month = today.replace(day=1)
    start = _month(request.args.get("month"), this_month)
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    first = statements.first_business_date(group.id) or today
    newest, oldest = max(this_month, start), min(first.replace(day=1), start)
    lang = current_language()
    months = []
    month = newest
    while month >= oldest and len(months) < MONTHS_IN_PICKER:
        months.append((month.strftime("%Y-%m"), month_label(month, lang)))
        month = add_months(month, -1)
    if (start.strftime("%Y-%m"), month_label(start, lang)) not in months:
        months.append((start.strftime("%Y-%m"), month_label(start, lang)))
    following = add_months(start, 1)
    return page("books/cashbook.html", fragment="cashbook", group=group,
                book=statements.cash_book(group.id, start, end), months=months,
                month=start.strftime("%Y-%m"), label=month_label(start, lang),
                previous=add_months(start, -1).strftime("%Y-%m"),
                following=following.strftime("%Y-%m") if following <= this_month else None)


@bp.route("/groups/<group_id>/trial-balance")
@roles(*BOOKKEEPERS)
def trial_balance(group_id):
    group = group_in_scope(group_id)
    typed, as_of, error = request.args.get("as_of", "").strip(), None, None
    if typed:
        try:
            as_of = parse_date(typed)
        except DateError as problem:
            error = pick(problem)
    today = today_in(group.timezone)
    return page("books/trial_balance.html", fragment="trial", group=group,
                tb=statements.trial_balance(group.id, as_of), typed=typed, error=error,
                today=today, example=f"{today.day}/{today.month}/{be_year(today)}")


@bp.route("/groups/<group_id>/receipts/<int:receipt_no>")
@roles(*BOOKKEEPERS, access.MEMBER)
def receipt(group_id, receipt_no):
    own = current_user.role == access.MEMBER
    if own:
        member = current_user.model.member
        if member is None or member.group_id != group_id:
            abort(403)
    else:
        group_in_scope(group_id)
    found = statements.receipt(group_id, receipt_no)
    if found is None:
        abort(404)
    if own and found.txn.member_id != current_user.model.member_id:
        abort(403)
    return page("books/receipt.html", receipt=found, group=found.group, own=own,
                title=_("Receipt no. %(no)d", no=found.receipt_no))


@bp.route("/groups/<group_id>/members/<member_id>/passbook")
@roles(*BOOKKEEPERS)
def passbook(group_id, member_id):
    group = group_in_scope(group_id)
    today = today_in(group.timezone)
    book = statements.passbook(member_id, since=passbook_since(today))
    if book is None or book.member.group_id != group.id:
        abort(404)
    return page("books/passbook.html", group=group, book=book, today=today)
