"""Money entries outside the meeting screen: a member's deposit, withdrawal, shares, fines and
welfare contribution; the group's income and expenses; and voiding an entry with a reason."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.money import MoneyError, format_plain, parse_baht
from core.store.models import Member, SyncOp
from core.thaidate import DateError, parse_date, today_in
from webapp.entry_kinds import entry_kind
from webapp.groups import BOOKKEEPERS, group_in_scope
from webapp.i18n import current_language, pick
from webapp.operations import new_op_id, submit
from webapp.render import page
from webapp.security import roles

bp = Blueprint("entries", __name__, url_prefix="/groups/<group_id>/entries")

MEMBER_TYPES = ("savings.deposit", "savings.withdraw", "shares.buy", "fine.charge", "fine.pay",
                "welfare.contribute")
GROUP_TYPES = ("group.income", "group.expense")
CATEGORIES = {
    "group.income": {"bank_interest": _l("Bank interest"), "donation": _l("Donation"),
                     "local_government": _l("Local government support"),
                     "other": _l("Other")},
    "group.expense": {"stationery": _l("Stationery and copies"), "travel": _l("Travel"),
                      "meeting": _l("Meeting costs"), "bank_fee": _l("Bank fees"),
                      "other": _l("Other")},
}



def _parse(op_type: str, form) -> tuple[dict, dict, str | None]:
    """The payload and business date from the form, or the errors beside their fields."""
    errors, payload = {}, {}
    if op_type == "shares.buy":
        count = form.get("shares", "").strip()
        if not count.isdigit() or not 0 < int(count) <= 10_000:
            errors["shares"] = _("Type a whole number of shares, 1 or more.")
        else:
            payload["shares"] = int(count)
    else:
        try:
            payload["amount_satang"] = parse_baht(form.get("amount", ""))
        except MoneyError as error:
            errors["amount"] = pick(error)
    if op_type in GROUP_TYPES:
        category = form.get("category", "")
        if category not in CATEGORIES[op_type]:
            errors["category"] = _("Choose a category.")
        payload["category"] = category
        if form.get("note", "").strip():
            payload["note"] = form["note"].strip()[:500]
    if op_type == "fine.charge" and form.get("reason", "").strip():
        payload["reason"] = form["reason"].strip()[:500]
    business_date = None
    try:
        business_date = parse_date(form.get("business_date", "")).isoformat()
    except DateError as error:
        errors["business_date"] = pick(error)
    return payload, errors, business_date


@bp.route("/new", methods=["GET", "POST"])
@roles(*BOOKKEEPERS)
def new(group_id):
    group = group_in_scope(group_id)
    op_type = request.values.get("type", "")
    if op_type not in MEMBER_TYPES + GROUP_TYPES:
        abort(404)
    member = None
    if op_type in MEMBER_TYPES:
        member = Member.get_or_none((Member.id == request.values.get("member", ""))
                                    & (Member.group == group.id))
        if member is None:
            abort(404)
    errors, form = {}, request.form
    if request.method == "POST":
        payload, errors, business_date = _parse(op_type, form)
        if member is not None:
            payload["member_id"] = member.id
        if not errors:
            result = submit(group, op_type, payload, business_date=business_date)
            if result.applied or result.status == "duplicate":
                flash(_("%(kind)s recorded.", kind=entry_kind(op_type)))
                if member is not None and "members.show" in current_app.view_functions:
                    return redirect(url_for("members.show", group_id=group.id,
                                            member_id=member.id))
                return redirect(url_for("groups.show", group_id=group.id))
            errors[_field_of(result, op_type)] = result.message(current_language())
    return page("entries/form.html", group=group, member=member, op_type=op_type,
                errors=errors, form=form, op_id=form.get("op_id") or new_op_id(),
                today=today_in(group.timezone), categories=CATEGORIES.get(op_type, {}),
                format_plain=format_plain), 400 if errors else 200


def _field_of(result, op_type: str) -> str:
    """Where a refusal is shown: beside the amount when it is about the amount."""
    if result.field in ("amount_satang", "shares") or result.reason == "overdrawn":
        return "shares" if op_type == "shares.buy" else "amount"
    return "business_date" if result.reason in ("clock", "closed_period") else "form"


@bp.route("/<op_id>/void", methods=["GET", "POST"])
@roles(*BOOKKEEPERS)
def void(group_id, op_id):
    group = group_in_scope(group_id)
    target = SyncOp.get_or_none((SyncOp.op_id == op_id) & (SyncOp.group == group.id))
    if target is None:
        abort(404)
    errors = {}
    if request.method == "POST":
        reason = request.form.get("reason", "").strip()
        if not reason:
            errors["reason"] = _("Say why the entry is voided.")
        else:
            result = submit(group, "void", {"target_op_id": target.op_id,
                                            "reason": reason[:500]})
            if result.applied or result.status == "duplicate":
                flash(_("The entry was voided."))
                return redirect(url_for("groups.show", group_id=group.id))
            errors["reason"] = result.message(current_language())
    return page("entries/void.html", group=group, target=target, errors=errors,
                op_id=request.form.get("op_id") or new_op_id()), 400 if errors else 200
