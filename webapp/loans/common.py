"""What the loan pages share: the names people read for states and methods, finding a loan of
the group, and where a refusal of the core is shown."""

from datetime import date

from flask import abort
from flask_babel import lazy_gettext as _l

from core.loan_products import rate_text, times_text
from core.money import format_baht
from core.store.loan_views import loan_of
from core.store.models import Loan, LoanProduct
from core.thaidate import DateError, parse_date, today_in
from webapp.i18n import current_language
from webapp.loans import bp

STATUS_NAMES = {
    "applied": _l("Waiting for approval"),
    "approved": _l("Approved, not paid out yet"),
    "disbursed": _l("Being repaid"),
    "closed": _l("Repaid in full"),
    "written_off": _l("Written off"),
}
METHOD_NAMES = {"flat": _l("Flat interest (on the original principal)"),
                "declining": _l("Declining balance")}
BUCKET_NAMES = {"current": _l("Up to date"), "1-30": _l("1–30 days overdue"),
                "31-90": _l("31–90 days overdue"), "90+": _l("Over 90 days overdue")}
STATE_NAMES = {"paid": _l("Settled"), "part_paid": _l("Partly paid"), "overdue": _l("Overdue"),
               "due": _l("Due today"), "upcoming": _l("Upcoming")}
EVENT_NAMES = {
    "loan.apply": _l("Application recorded"),
    "loan.approve": _l("Approved"),
    "loan.disburse": _l("Loan paid out"),
    "loan.repay": _l("Loan repayment"),
    "loan.reschedule": _l("Rescheduled"),
    "loan.write_off": _l("Written off"),
    "fine.charge": _l("Late fine charged"),
    "void": _l("Voided"),
}
# Fields of an op's payload -> the form field a refusal is shown beside.
FIELD_OF = {"principal_satang": "principal", "months": "months", "guarantor_ids": "guarantors",
            "member_id": "member", "product_id": "product", "amount_satang": "amount",
            "reason": "reason", "business_date": "business_date"}


def product_name(product: LoanProduct) -> str:
    if current_language() == "en" and product.name_en:
        return product.name_en
    return product.name_th


@bp.app_context_processor
def _names():
    return {
        "loan_status": lambda status: str(STATUS_NAMES.get(status, status)),
        "loan_method": lambda method: str(METHOD_NAMES.get(method, method)),
        "ageing_name": lambda bucket: str(BUCKET_NAMES.get(bucket, bucket)),
        "instalment_state": lambda state: str(STATE_NAMES.get(state, state)),
        "loan_event": lambda kind: str(EVENT_NAMES.get(kind, kind)),
        "product_name": product_name,
        "rate_text": rate_text,
        "times_text": times_text,
    }


def find_loan(group, loan_id: str) -> Loan:
    loan = loan_of(group.id, loan_id)
    if loan is None:
        abort(404)
    return loan


def message(error) -> str:
    """A rule module's error (MoneyError, DateError, Problem) in the person's language."""
    return error.message(current_language())


def field_of(result, default: str = "form") -> str:
    if result.reason in ("clock", "closed_period"):
        return "business_date"
    return FIELD_OF.get(result.field or "", default)


def typed_date(group, text: str | None, errors: dict, name: str = "business_date") -> date:
    """The business date typed in a form (today in the group's zone when left empty)."""
    if not (text or "").strip():
        return today_in(group.timezone)
    try:
        return parse_date(text)
    except DateError as error:
        errors[name] = message(error)
        return today_in(group.timezone)


@bp.app_template_filter("baht_figure")
def baht_figure(satang) -> str:
    """An amount in a column headed "baht": 123450 -> "1,234.50"."""
    return format_baht(int(satang or 0), sign=False)
