"""The group's loans with their arrears, the application form with its eligibility, and a
loan's own page."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import access
from core.loan_status import quote
from core.money import MoneyError, parse_baht
from core.store import groups as group_store
from core.store import loan_views
from core.store import loans as loan_store
from core.store import members as member_store
from core.store.operations import Actor
from core.thaidate import DateError, parse_date, today_in
from webapp.groups import BOOKKEEPERS, group_in_scope
from webapp.i18n import current_language
from webapp.loans import bp
from webapp.loans.common import field_of, find_loan, message, typed_date
from webapp.operations import new_op_id, submit
from webapp.render import page
from webapp.security import roles

MAX_GUARANTOR_FIELDS = 10


@bp.route("")
@roles(*BOOKKEEPERS)
def index(group_id):
    group = group_in_scope(group_id)
    today = today_in(group.timezone)
    as_of, error = today, None
    if request.args.get("as_of", "").strip():
        try:
            as_of = parse_date(request.args["as_of"])
        except DateError as problem:
            error = message(problem)
    show = "all" if request.args.get("show") == "all" else "open"
    lines = loan_store.portfolio(group.id, as_of, loan_store.LIVE if show == "open"
                                 else loan_store.STATUSES)
    return page("loans/index.html", group=group, lines=lines, as_of=as_of, today=today,
                error=error, show=show, par30=loan_store.par(lines, 30),
                par90=loan_store.par(lines, 90), ageing=loan_store.ageing(lines),
                running=[line for line in lines if line.loan.status == "disbursed"])


@bp.route("/late-fines", methods=["POST"])
@roles(*BOOKKEEPERS)
def late_fines(group_id):
    group = group_in_scope(group_id)
    charged = loan_store.charge_late_fines(Actor(current_user.model, device_id="web"), group,
                                           today_in(group.timezone))
    flash(_("Late fines charged: %(count)d.", count=charged))
    return redirect(url_for("loans.index", group_id=group.id))


# ----------------------------------------------------------------------------- applying


def _read_application(group, source, *, strict: bool) -> tuple[dict, dict]:
    """What the form says, and errors beside the fields. Not strict (a check while typing):
    a field left empty is no error yet."""
    values, errors = {}, {}
    member = member_store.member_of(group.id, source.get("member", ""))
    if member is not None and member.status != "active":
        member = None
    if member is None and (strict or source.get("member")):
        errors["member"] = _("Choose the borrower.")
    values["member"] = member
    product = group_store.product_of(group.id, source.get("product", ""))
    if product is not None and not product.active:
        product = None
    if product is None and (strict or source.get("product")):
        errors["product"] = _("Choose a loan product.")
    values["product"] = product
    typed = source.get("principal", "").strip()
    values["principal"] = None
    if typed or strict:
        try:
            values["principal"] = parse_baht(typed)
        except MoneyError as error:
            errors["principal"] = message(error)
    typed = source.get("months", "").strip()
    values["months"] = int(typed) if typed.isdigit() and len(typed) < 5 else None
    if (typed or strict) and not values["months"]:
        errors["months"] = _("Type the number of months, 1 or more.")
    chosen = [g for g in source.getlist("guarantor") if g][:MAX_GUARANTOR_FIELDS]
    values["guarantors"] = list(dict.fromkeys(chosen))
    values["purpose"] = " ".join(source.get("purpose", "").split())[:500]
    values["business_date"] = typed_date(group, source.get("business_date"), errors)
    return values, errors


def _check(group, values: dict, errors: dict) -> tuple[list, object, int | None]:
    """The core's reasons against the application, the quote, and the borrower's limit."""
    member, product = values["member"], values["product"]
    limit = loan_store.borrowing_limit(member.id, product) if member and product else None
    if not (member and product and values["principal"] and values["months"]):
        return [], None, limit
    problems = loan_store.application_problems(
        member.id, product, values["principal"], values["months"], values["guarantors"],
        values["business_date"])
    offer = None
    if values["months"] <= product.max_months:
        offer = quote(values["principal"], product.monthly_rate_bp, values["months"],
                      product.method, values["business_date"], product.rounding)
    for problem in problems:
        name = field_of(problem, "member")
        errors[name] = f"{errors[name]} · {message(problem)}" if name in errors \
            else message(problem)
    return problems, offer, limit


@bp.route("/apply", methods=["GET", "POST"])
@roles(*BOOKKEEPERS)
def apply(group_id):
    group = group_in_scope(group_id)
    posted = request.method == "POST"
    source = request.form if posted else request.args
    values, errors = _read_application(group, source, strict=posted)
    reasons = list(errors.values())
    problems, offer, limit = _check(group, values, errors) if values["member"] or \
        values["product"] else ([], None, None)
    loan_id = source.get("loan_id") or new_op_id()
    if posted and not errors:
        payload = {"loan_id": loan_id, "member_id": values["member"].id,
                   "product_id": values["product"].id, "principal_satang": values["principal"],
                   "months": values["months"], "guarantor_ids": values["guarantors"],
                   "purpose": values["purpose"]}
        result = submit(group, "loan.apply", payload,
                        business_date=values["business_date"].isoformat())
        if result.applied or result.status == "duplicate":
            flash(_("The application was recorded; it now waits for the committee."))
            return redirect(url_for("loans.show", group_id=group.id, loan_id=loan_id))
        errors[field_of(result)] = result.message(current_language())
        reasons.append(result.message(current_language()))
    reasons += [message(problem) for problem in problems]
    products = group_store.products_of(group.id, active_only=True)
    needed = max([p.guarantors_needed for p in products] + [2])
    guarantor_fields = max(needed, len(values["guarantors"]))
    return page("loans/apply.html", fragment="eligibility", group=group, form=source,
                values=values, errors=errors, reasons=reasons, offer=offer, limit=limit,
                products=products, members=member_store.search(group.id, "", "active"),
                guarantor_fields=min(guarantor_fields, MAX_GUARANTOR_FIELDS),
                checked=bool(values["member"] and values["product"] and values["principal"]
                             and values["months"]),
                op_id=source.get("op_id") or new_op_id(), loan_id=loan_id,
                today=today_in(group.timezone)), 400 if posted and errors else 200


# ---------------------------------------------------------------------------- the loan


# The fields each action's form shows on the loan's page, and when the form is there
FORM_FIELDS = {"approve": (), "disburse": ("business_date",),
               "repay": ("amount", "business_date"),
               "reschedule": ("months", "reason", "business_date"),
               "write_off": ("reason", "business_date")}


def _forms_on_display(loan, committee: bool) -> set[str]:
    if loan.status == "applied":
        return {"approve"}
    if loan.status == "approved":
        return {"disburse"}
    if loan.status == "disbursed":
        return {"repay", "reschedule", "write_off"} if committee else {"repay"}
    return set()


def _alerts(errors: dict, on_display: set[str]) -> list[str]:
    """Messages with no field on the page to sit beside: a whole-form refusal, or one for a
    form the loan no longer shows (repaying a loan written off since the page was opened)."""
    return [text for form, by_field in errors.items() for name, text in by_field.items()
            if form not in on_display or name not in FORM_FIELDS.get(form, ())]


def render_loan(group, loan, *, errors: dict | None = None, status: int = 200):
    """The loan's page; ``errors`` by form ("repay", "approve", ...) then by field."""
    today = today_in(group.timezone)
    user = current_user.model
    committee = user.role == access.COMMITTEE
    errors = errors or {}
    return page("loans/show.html", group=group, loan=loan, today=today,
                detail=loan_views.detail(loan, today), errors=errors,
                alerts=_alerts(errors, _forms_on_display(loan, committee)),
                committee=committee, own_application=loan.applied_by_id == user.id,
                op_id=new_op_id()), status


@bp.route("/<loan_id>")
@roles(*BOOKKEEPERS)
def show(group_id, loan_id):
    group = group_in_scope(group_id)
    return render_loan(group, find_loan(group, loan_id))
