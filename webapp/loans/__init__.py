"""Loans: the group's loans and arrears, applications with their eligibility, each loan's page
and what the committee and the treasurer do with it, the loan products and the calculator.

Every change is an op through the one core operation; the queries live in core.store.
"""

from flask import Blueprint

bp = Blueprint("loans", __name__, url_prefix="/groups/<group_id>/loans")

from webapp.loans import actions, common, pages, products  # noqa: E402,F401 (their routes)
