"""Claims: the list, a new claim with the rules' assessment as the fields change (htmx; a
"check" button without JavaScript), the claim's page, and the committee's decision and the
payment. Each is an op through the one core operation."""

import uuid

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import access
from core.money import MoneyError, format_plain, parse_baht
from core.store import welfare as store
from core.store.members import member_of, search
from core.store.models import Group, WelfareClaim
from core.thaidate import DateError, parse_date, today_in
from core.welfare import benefit_of
from webapp.groups import BOOKKEEPERS, group_in_scope
from webapp.i18n import current_language
from webapp.operations import new_op_id, submit
from webapp.render import page
from webapp.security import roles
from webapp.welfare import bp
from webapp.welfare.words import STATUSES, benefit_name

CLAIM_FIELDS = ("member_id", "benefit_type", "event_date", "nights", "note")


@bp.app_context_processor
def _welfare_helpers():
    return {"claim_status": lambda code: str(STATUSES.get(code, code))}


def _lang() -> str:
    return current_language()


def _claim(group: Group, claim_id: str) -> WelfareClaim:
    claim = store.claim_of(group.id, claim_id)
    if claim is None:
        abort(404)
    return claim


@bp.route("/claims")
@roles(*BOOKKEEPERS)
def claims(group_id):
    group = group_in_scope(group_id)
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    policy = store.scheme(group)
    return page("welfare/claims.html", group=group, status=status, statuses=STATUSES,
                claims=store.claims_of(group.id, status or None),
                name_of=lambda code: benefit_name(benefit_of(policy, code), code))


def _read_claim(form, group: Group) -> tuple[dict, dict]:
    """The claim typed into the form: its payload so far, and errors beside the fields."""
    payload, errors = {}, {}
    member = member_of(group.id, form.get("member_id", ""))
    if member is not None:
        payload["member_id"] = member.id
    elif form.get("member_id"):
        errors["member_id"] = _("Choose a member.")
    if benefit_of(store.scheme(group), form.get("benefit_type", "")):
        payload["benefit_type"] = form["benefit_type"]
    typed = form.get("event_date", "").strip()
    if typed:
        try:
            payload["event_date"] = parse_date(typed).isoformat()
        except DateError as error:
            errors["event_date"] = error.message(_lang())
    nights = form.get("nights", "").strip()
    if nights:
        if nights.isdigit() and 0 < int(nights) <= 365:
            payload["nights"] = int(nights)
        else:
            errors["nights"] = _("Type the number of nights, 1 or more.")
    if form.get("note", "").strip():
        payload["note"] = form["note"].strip()[:500]
    return payload, errors


def _assessment(group: Group, payload: dict):
    """What the rules say of the claim typed so far; None until member, benefit and date are
    given."""
    if not all(payload.get(k) for k in ("member_id", "benefit_type", "event_date")):
        return None
    member = member_of(group.id, payload["member_id"])
    return store.assess(group, member, payload["benefit_type"],
                        parse_date(payload["event_date"]), payload.get("nights"),
                        today_in(group.timezone))


@bp.route("/claims/new", methods=["GET", "POST"])
@roles(*BOOKKEEPERS)
def new_claim(group_id):
    group = group_in_scope(group_id)
    form = request.form if request.method == "POST" else request.args
    payload, errors = _read_claim(form, group)
    claim_id = form.get("claim_id") or new_op_id()
    try:
        claim_id = str(uuid.UUID(claim_id))
    except ValueError:
        claim_id = new_op_id()
    if request.method == "POST" and form.get("action") != "check" and not errors:
        for name in ("member_id", "benefit_type", "event_date"):
            if name not in payload:
                errors[name] = _("Required.")
        if not errors:
            result = submit(group, "welfare.claim", {"claim_id": claim_id, **payload})
            if result.applied or result.status == "duplicate":
                flash(_("The claim is recorded; it now waits for the committee."))
                return redirect(url_for("welfare.claim", group_id=group.id, claim_id=claim_id))
            field = result.field if result.field in CLAIM_FIELDS else "_form"
            errors[field] = result.message(_lang())
    assessment = _assessment(group, payload) if not errors.get("event_date") else None
    return page("welfare/claim_form.html", fragment="assessment", group=group, form=form,
                errors=errors, assessment=assessment, claim_id=claim_id,
                op_id=form.get("op_id") or new_op_id(), today=today_in(group.timezone),
                members=search(group.id),  # a death is often recorded as leaving
                benefits=store.scheme(group)["benefits"]), \
        400 if errors and form.get("action") != "check" else 200


def _claim_page(group: Group, claim: WelfareClaim, errors=None, form=None, status=200):
    policy = store.scheme(group)
    benefit = benefit_of(policy, claim.benefit_type)
    today = today_in(group.timezone)
    now = None
    if claim.status == "claimed":
        now = store.assess(group, claim.member, claim.benefit_type, claim.event_date,
                           claim.nights, today, exclude=claim.id)
    suggested = now.suggested_satang if now else claim.suggested_satang
    user = current_user.model
    return page("welfare/claim.html", group=group, claim=claim, benefit=benefit,
                name=benefit_name(benefit, claim.benefit_type), now=now, errors=errors or {},
                form=form or {"amount": format_plain(suggested)}, suggested=suggested,
                may_decide=(user.role == access.COMMITTEE and claim.status == "claimed"
                            and claim.claimed_by_id != user.id),
                payment=store.payment_of(claim), today=today,
                op_ids={name: new_op_id() for name in ("approve", "refuse", "pay")}), status


@bp.route("/claims/<claim_id>")
@roles(*BOOKKEEPERS)
def claim(group_id, claim_id):
    group = group_in_scope(group_id)
    return _claim_page(group, _claim(group, claim_id))


def _decided(group, claim, result, form, fields: dict, other: str):
    """Back to the claim's page; a refusal is shown beside the field it is about."""
    if result.applied or result.status == "duplicate":
        return redirect(url_for("welfare.claim", group_id=group.id, claim_id=claim.id))
    errors = {fields.get(result.field, other): result.message(_lang())}
    return _claim_page(group, claim, errors, form, 400)


@bp.route("/claims/<claim_id>/approve", methods=["POST"])
@roles(access.COMMITTEE)
def approve(group_id, claim_id):
    group = group_in_scope(group_id)
    claim = _claim(group, claim_id)
    form = request.form
    try:
        amount = parse_baht(form.get("amount", ""))
    except MoneyError as error:
        return _claim_page(group, claim, {"amount": error.message(_lang())}, form, 400)
    payload = {"claim_id": claim.id, "amount_satang": amount}
    if form.get("reason", "").strip():
        payload["reason"] = form["reason"].strip()[:500]
    result = submit(group, "welfare.approve", payload)
    if result.applied:
        flash(_("The claim is approved."))
    return _decided(group, claim, result, form,
                    {"amount_satang": "amount", "reason": "reason"}, "decide")


@bp.route("/claims/<claim_id>/refuse", methods=["POST"])
@roles(access.COMMITTEE)
def refuse(group_id, claim_id):
    group = group_in_scope(group_id)
    claim = _claim(group, claim_id)
    result = submit(group, "welfare.refuse", {"claim_id": claim.id, "reason": request.form.get(
        "refuse_reason", "").strip()[:500]})
    if result.applied:
        flash(_("The claim is refused."))
    return _decided(group, claim, result, request.form, {"reason": "refuse_reason"}, "decide")


@bp.route("/claims/<claim_id>/pay", methods=["POST"])
@roles(*BOOKKEEPERS)
def pay(group_id, claim_id):
    group = group_in_scope(group_id)
    claim = _claim(group, claim_id)
    try:
        paid_on = parse_date(request.form.get("business_date") or
                             today_in(group.timezone).isoformat())
    except DateError as error:
        return _claim_page(group, claim, {"pay": error.message(_lang())}, request.form, 400)
    result = submit(group, "welfare.pay", {"claim_id": claim.id},
                    business_date=paid_on.isoformat())
    if result.applied or result.status == "duplicate":
        payment = store.payment_of(_claim(group, claim_id))
        flash(_("The benefit is paid."))
        if payment is not None and payment.receipt_no:
            return redirect(url_for("books.receipt", group_id=group.id,
                                    receipt_no=payment.receipt_no))
    return _decided(group, claim, result, request.form, {}, "pay")
