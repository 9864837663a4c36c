"""The year-end close: choose a fiscal year, see the profit and its allocation per member (or a
VSLA's share-out), and confirm. Field staff prepare it (they see the preview); the committee
confirms it and sets the allocation policy."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import access
from core.policy import with_defaults
from core.store import statements
from core.store import yearend as store
from core.thaidate import be_year, today_in
from core.yearend import PCT_KEYS
from webapp.groups import group_in_scope
from webapp.i18n import current_language
from webapp.operations import new_op_id, submit
from webapp.render import page
from webapp.security import roles

bp = Blueprint("yearend", __name__, url_prefix="/groups/<group_id>/year-end")

PREPARERS = (access.STAFF, access.COMMITTEE)
YEARS_SHOWN = 10


def _years(group) -> list[int]:
    """Fiscal years (BE) from the first in the books to the one running now, newest first."""
    start_month = with_defaults(group.policy)["fiscal_year_start_month"]
    today = today_in(group.timezone)
    current = be_year(today) + (1 if start_month != 1 and today.month >= start_month else 0)
    first_day = statements.first_business_date(group.id) or today
    first = be_year(first_day) + (1 if start_month != 1 and first_day.month >= start_month
                                  else 0)
    return list(range(current, max(first, current - YEARS_SHOWN + 1) - 1, -1))


def _chosen_year(group, years: list[int]) -> int:
    value = request.values.get("year", "")
    if value.isdigit() and int(value) in years:
        return int(value)
    return years[1] if len(years) > 1 else years[0]  # the last year that has ended


def _render(group, *, errors=None, policy_form=None, status=200):
    years = _years(group)
    year = _chosen_year(group, years)
    fig = store.figures(group, year)
    today = today_in(group.timezone)
    return page("yearend/show.html", fragment="year_end", group=group, years=years,
                year=year, fig=fig, problems=store.problems(fig, today),
                names={m.id: m for m in fig.members}, errors=errors or {},
                policy=store.year_end_policy(group), policy_form=policy_form,
                share_price=with_defaults(group.policy)["savings"]["share_price_satang"],
                pct_keys=PCT_KEYS, op_id=new_op_id(),
                may_confirm=current_user.role == access.COMMITTEE), status


@bp.route("")
@roles(*PREPARERS)
def show(group_id):
    return _render(group_in_scope(group_id))


@bp.route("/close", methods=["POST"])
@roles(access.COMMITTEE)
def close(group_id):
    group = group_in_scope(group_id)
    year = request.form.get("year", "")
    if not year.isdigit():
        return _render(group, errors={"close": _("Choose a fiscal year.")}, status=400)
    result = submit(group, "year.close", {"year_be": int(year),
                                          "books_hash": request.form.get("books_hash", "")[:64]})
    if result.applied or result.status == "duplicate":
        flash(_("The year %(year)s is closed.", year=year))
        return redirect(url_for("yearend.show", group_id=group.id, year=year))
    return _render(group, errors={"close": result.message(current_language())}, status=400)


@bp.route("/policy", methods=["POST"])
@roles(access.COMMITTEE)
def save_policy(group_id):
    group = group_in_scope(group_id)
    form, changes, errors = request.form, {}, {}
    for key in PCT_KEYS:
        value = form.get(key, "").strip()
        if not value.isdigit() or int(value) > 100:
            errors[key] = _("Type a whole percentage, 0 to 100.")
        else:
            changes[key] = int(value)
    cap = form.get("dividend_cap_pct", "").strip()
    if cap and (not cap.isdigit() or not 0 < int(cap) <= 100):
        errors["dividend_cap_pct"] = _("Type a whole percentage, 1 to 100, or leave it empty.")
    changes["dividend_cap_pct"] = int(cap) if cap.isdigit() and int(cap) > 0 else None
    changes["exclude_defaulters"] = form.get("exclude_defaulters") == "1"
    if not errors:
        problem = store.save_year_end_policy(group, changes, by=current_user.model)
        if problem is None:
            flash(_("The allocation policy is saved."))
            return redirect(url_for("yearend.show", group_id=group.id,
                                    year=form.get("year", "")))
        errors[problem.field if problem.field in PCT_KEYS + ("dividend_cap_pct",)
               else "policy"] = problem.message(current_language())
    return _render(group, errors=errors, policy_form=form, status=400)
