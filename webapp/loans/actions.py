"""What is done to a loan from its page: approve (the committee, never whoever recorded the
application), pay out, repay, reschedule and write off (the committee, with a reason).

Each is one op through the one core operation; a refusal shows its reason beside the field on
the loan's page, and nothing is written."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from core import access
from core.money import MoneyError, parse_baht
from core.store import loan_views
from webapp.groups import BOOKKEEPERS, group_in_scope
from webapp.i18n import current_language
from webapp.loans import bp
from webapp.loans.common import field_of, find_loan, message, typed_date
from webapp.loans.pages import render_loan
from webapp.operations import submit
from webapp.security import roles


def _done(group, loan, form: str, op_type: str, payload: dict, errors: dict, done: str):
    """Submit the op unless the form already has errors; redirect, or show the page again."""
    if not errors:
        day = typed_date(group, request.form.get("business_date"), errors)
        if not errors:
            result = submit(group, op_type, {"loan_id": loan.id, **payload},
                            business_date=day.isoformat())
            if result.applied or result.status == "duplicate":
                flash(done)
                return redirect(url_for("loans.show", group_id=group.id, loan_id=loan.id))
            errors[field_of(result)] = result.message(current_language())
    return render_loan(group, find_loan(group, loan.id), errors={form: errors}, status=400)


def _reason(errors: dict) -> str:
    reason = " ".join(request.form.get("reason", "").split())[:500]
    if not reason:
        errors["reason"] = _("Say why.")
    return reason


@bp.route("/<loan_id>/approve", methods=["POST"])
@roles(access.COMMITTEE)
def approve(group_id, loan_id):
    group = group_in_scope(group_id)
    loan = find_loan(group, loan_id)
    return _done(group, loan, "approve", "loan.approve", {}, {}, _("The loan was approved."))


@bp.route("/<loan_id>/disburse", methods=["POST"])
@roles(*BOOKKEEPERS)
def disburse(group_id, loan_id):
    group = group_in_scope(group_id)
    loan = find_loan(group, loan_id)
    return _done(group, loan, "disburse", "loan.disburse", {}, {},
                 _("The loan was paid out from the cash box."))


@bp.route("/<loan_id>/repay", methods=["POST"])
@roles(*BOOKKEEPERS)
def repay(group_id, loan_id):
    group = group_in_scope(group_id)
    loan = find_loan(group, loan_id)
    errors, amount = {}, None
    if request.form.get("payoff"):
        day = typed_date(group, request.form.get("business_date"), errors)
        amount = loan_views.settle_amount(loan, day) or None
        if amount is None:
            errors["amount"] = _("Nothing is owed on this loan.")
    else:
        try:
            amount = parse_baht(request.form.get("amount", ""))
        except MoneyError as error:
            errors["amount"] = message(error)
    return _done(group, loan, "repay", "loan.repay", {"amount_satang": amount}, errors,
                 _("The repayment was recorded."))


@bp.route("/<loan_id>/reschedule", methods=["POST"])
@roles(access.COMMITTEE)
def reschedule(group_id, loan_id):
    group = group_in_scope(group_id)
    loan = find_loan(group, loan_id)
    errors = {}
    typed = request.form.get("months", "").strip()
    months = int(typed) if typed.isdigit() and len(typed) < 5 and int(typed) > 0 else None
    if months is None:
        errors["months"] = _("Type the number of months, 1 or more.")
    reason = _reason(errors)
    return _done(group, loan, "reschedule", "loan.reschedule",
                 {"months": months, "reason": reason}, errors,
                 _("The loan was rescheduled."))


@bp.route("/<loan_id>/write-off", methods=["POST"])
@roles(access.COMMITTEE)
def write_off(group_id, loan_id):
    group = group_in_scope(group_id)
    loan = find_loan(group, loan_id)
    errors = {}
    reason = _reason(errors)
    return _done(group, loan, "write_off", "loan.write_off", {"reason": reason}, errors,
                 _("The loan was written off."))
