"""Where a loan stands instalment by instalment, what to ask for, the calculator's quote, and
the product settings form. Figures worked out by hand (satang; 100 bp = 1 % a month).

The loan of most cases: 3,000.00 flat 1 % over 3 months paid out on 20 Aug 2026, so each
instalment is 100,000 principal + 3,000 interest = 103,000, due 20 Sep, 20 Oct, 20 Nov 2026.
"""

from datetime import date
from decimal import Decimal

import pytest

from core.loan_products import product_form, read_product_form
from core.loan_status import amount_to_collect, instalment_states, quote
from core.loans import schedule

pytestmark = pytest.mark.rules
LOAN = schedule(300_000, 100, 3, "flat", date(2026, 8, 20))

STATES = {
    # paid (principal, interest), as of -> states, left on each instalment
    "nothing paid, before the first due date": (
        (0, 0), date(2026, 9, 1), ["upcoming"] * 3, [103_000] * 3),
    "nothing paid, on the first due date": (
        (0, 0), date(2026, 9, 20), ["due", "upcoming", "upcoming"], [103_000] * 3),
    "nothing paid, a day late": (
        (0, 0), date(2026, 9, 21), ["overdue", "upcoming", "upcoming"], [103_000] * 3),
    # 150.00 = 120.00 principal + 30.00 interest: instalment 1 still owes 880.00 principal
    "part of the first, late": (
        (12_000, 3_000), date(2026, 10, 1), ["overdue", "upcoming", "upcoming"],
        [88_000, 103_000, 103_000]),
    # the first in full and 500.00 of principal ahead: instalment 2 owes 500.00 + 30.00
    "paid ahead": (
        (150_000, 3_000), date(2026, 10, 1), ["paid", "part_paid", "upcoming"],
        [0, 53_000, 103_000]),
    "all paid": ((300_000, 9_000), date(2027, 1, 1), ["paid"] * 3, [0, 0, 0]),
}


@pytest.mark.parametrize("case", STATES)
def test_instalment_states(case):
    (principal, interest), as_of, states, left = STATES[case]
    found = instalment_states(LOAN, principal, interest, as_of)
    assert [s.state for s in found] == states
    assert [s.left for s in found] == left


COLLECT = {
    "nothing due yet: the next instalment": ((0, 0), date(2026, 9, 1), 103_000),
    "two instalments due": ((0, 0), date(2026, 10, 20), 206_000),
    "part of the first paid, late": ((12_000, 3_000), date(2026, 10, 1), 88_000),
    "paid ahead: what is left of the next": ((150_000, 3_000), date(2026, 10, 1), 53_000),
    "all paid": ((300_000, 9_000), date(2027, 1, 1), 0),
}


@pytest.mark.parametrize("case", COLLECT)
def test_amount_to_collect(case):
    (principal, interest), as_of, amount = COLLECT[case]
    assert amount_to_collect(LOAN, principal, interest, as_of) == amount


def test_a_quote_of_the_calculator():
    """10,000.00 flat 1 % over 12 months: 100.00 interest a month, 1,200.00 in all; 833.33
    principal a month (833.37 the last); 21.46 % a year effective, above the 15 % ceiling.
    Declining 1 % is 12.00 % a year: not above it."""
    offer = quote(1_000_000, 100, 12, "flat", date(2026, 11, 26))
    assert (offer.total_interest, offer.total_repaid) == (120_000, 1_120_000)
    assert offer.instalments[0].total == 93_333 and offer.instalments[-1].principal == 83_337
    assert (offer.annual_rate_pct, offer.above_legal_cap) == (Decimal("21.46"), True)
    declining = quote(1_000_000, 100, 12, "declining", date(2026, 11, 26))
    assert (declining.annual_rate_pct, declining.above_legal_cap) == (Decimal("12.00"), False)


GOOD_FORM = {"name_th": " สามัญ ", "name_en": "Ordinary", "method": "flat", "monthly_rate": "1.25",
             "max_months": "12", "max_savings_multiple": "2.5", "guarantors_needed": "2",
             "guarantor_limit_multiple": "", "guarantor_limit": "30,000", "late_fine": "50",
             "grace_days": "๕", "rounding": "baht", "count_shares": "1", "active": "on"}


def test_a_product_form_is_read_into_the_products_fields():
    values, problems = read_product_form(GOOD_FORM)
    assert problems == {}
    assert values == {
        "name_th": "สามัญ", "name_en": "Ordinary", "method": "flat", "rounding": "baht",
        "monthly_rate_bp": 125, "max_months": 12, "max_savings_multiple_pct": 250,
        "guarantors_needed": 2, "guarantor_limit_multiple_pct": None,
        "guarantor_limit_satang": 3_000_000, "late_fine_satang": 5_000, "grace_days": 5,
        "count_shares": True, "waive_future_interest": False, "one_loan_at_a_time": False,
        "active": True}

    class Product:
        pass

    product = Product()
    for name, value in values.items():
        setattr(product, name, value)
    assert read_product_form(product_form(product))[0] == values  # and back again


@pytest.mark.parametrize(("field", "typed"), [
    ("name_th", ""), ("method", "weekly"), ("monthly_rate", "1,5"), ("monthly_rate", "11"),
    ("max_months", "0"), ("max_months", "361"), ("max_savings_multiple", "0"),
    ("guarantors_needed", "11"), ("guarantor_limit_multiple", "-1"), ("late_fine", "abc"),
    ("grace_days", "366"), ("rounding", "tenth")])
def test_a_wrong_product_setting_is_refused_beside_its_field(field, typed):
    _values, problems = read_product_form({**GOOD_FORM, field: typed})
    assert list(problems) == [field]
    assert problems[field].message_th and problems[field].message_en
