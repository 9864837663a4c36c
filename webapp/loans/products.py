"""The group's loan products (its lending policy) and the loan calculator.

A product's settings are the committee's (or field staff's) to change; every change is kept in
the audit log. The calculator works out a loan before anyone applies: every person of the
group may open it, a member too."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import access
from core.loan_products import product_form, read_product_form
from core.loan_status import quote
from core.money import MoneyError, parse_baht
from core.store import groups as group_store
from core.thaidate import today_in
from webapp.groups import BOOKKEEPERS, group_in_scope
from webapp.loans import bp
from webapp.loans.common import message, product_name
from webapp.render import page
from webapp.security import roles

POLICY_MAKERS = (access.COMMITTEE, access.STAFF)
TYPICAL_PRINCIPAL = 1_000_000  # 10,000.00 baht
TYPICAL_MONTHS = 12
DEFAULT_FORM = {"method": "flat", "monthly_rate": "1", "max_months": "12",
                "max_savings_multiple": "3", "guarantors_needed": "2", "grace_days": "0",
                "rounding": "satang", "count_shares": "1", "one_loan_at_a_time": "1",
                "waive_future_interest": "1", "active": "1"}


def typical_quote(product, start):
    """The product's answer for a typical loan: 10,000 baht over 12 months (or its longest)."""
    return quote(TYPICAL_PRINCIPAL, product.monthly_rate_bp,
                 min(TYPICAL_MONTHS, product.max_months), product.method, start,
                 product.rounding)


@bp.route("/products")
@roles(*BOOKKEEPERS)
def products(group_id):
    group = group_in_scope(group_id)
    today = today_in(group.timezone)
    rows = [(p, typical_quote(p, today)) for p in group_store.products_of(group.id)]
    return page("loans/products.html", group=group, rows=rows,
                may_edit=current_user.role in POLICY_MAKERS, typical=TYPICAL_PRINCIPAL,
                typical_months=TYPICAL_MONTHS)


def _product_form(group, product=None):
    form = request.form if request.method == "POST" else (
        product_form(product) if product else DEFAULT_FORM)
    errors = {}
    if request.method == "POST":
        values, problems = read_product_form(request.form)
        errors = {name: message(problem) for name, problem in problems.items()}
        if not errors:
            saved = group_store.save_product(group.id, values, by=current_user.model,
                                             product_id=product.id if product else None)
            flash(_("The loan product %(name)s was saved.", name=product_name(saved)))
            return redirect(url_for("loans.products", group_id=group.id))
    return page("loans/product_form.html", group=group, product=product, form=form,
                errors=errors), 400 if errors else 200


@bp.route("/products/new", methods=["GET", "POST"])
@roles(*POLICY_MAKERS)
def new_product(group_id):
    return _product_form(group_in_scope(group_id))


@bp.route("/products/<product_id>/edit", methods=["GET", "POST"])
@roles(*POLICY_MAKERS)
def edit_product(group_id, product_id):
    group = group_in_scope(group_id)
    product = group_store.product_of(group.id, product_id)
    if product is None:
        abort(404)
    return _product_form(group, product)


@bp.route("/calculator")
@roles(*BOOKKEEPERS, access.MEMBER)
def calculator(group_id):
    group = group_in_scope(group_id)
    today = today_in(group.timezone)
    choices = group_store.products_of(group.id, active_only=True)
    chosen = request.args.get("product", "")
    product = next((p for p in choices if p.id == chosen), choices[0] if choices else None)
    errors, amount, months, offer = {}, None, None, None
    typed = request.args.get("amount", "").strip()
    if typed:
        try:
            amount = parse_baht(typed)
        except MoneyError as error:
            errors["amount"] = message(error)
    typed = request.args.get("months", "").strip()
    if typed:
        months = int(typed) if typed.isdigit() and len(typed) < 5 else 0
        if months < 1:
            errors["months"] = _("Type the number of months, 1 or more.")
        elif product and months > product.max_months:
            errors["months"] = _("This product lends for at most %(months)d months.",
                                 months=product.max_months)
    if product and amount and months and not errors:
        offer = quote(amount, product.monthly_rate_bp, months, product.method, today,
                      product.rounding)
    layout = "loans/member_layout.html" if current_user.role == access.MEMBER \
        else "groups/layout.html"
    return page("loans/calculator.html", fragment="result", group=group, layout=layout,
                products=choices, product=product, form=request.args, errors=errors,
                offer=offer, today=today)
