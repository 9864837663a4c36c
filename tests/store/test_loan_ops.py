"""A loan's life through the one core operation, with the figures worked out by hand.

Product: flat 1 % a month, at most 12 months, no guarantors. The member saves 5,000.00, so
may borrow up to 3 × 5,000.00 = 15,000.00. Loan: 3,000.00 over 3 months, paid out on
20 Aug 2026: each month 1,000.00 principal + 30.00 interest = 1,030.00, due 20 Sep, 20 Oct and
20 Nov 2026.
"""

import uuid

from core import books
from core.store import groups, ledger
from core.store.models import Loan, ReviewItem
from core.store.summaries import member_figures


def _product(world, **terms):
    return groups.create_product(world.group.id, "สามัญ", method="flat", monthly_rate_bp=100,
                                 max_months=12, **terms)


def _apply(world, product, principal=300_000, months=3, by="treasurer", **extra):
    loan_id = str(uuid.uuid4())
    result = world.apply("loan.apply", {"loan_id": loan_id, "member_id": world.member_id,
                                        "product_id": product.id, "principal_satang": principal,
                                        "months": months, **extra},
                         by=by, business_date="2026-08-18")
    return loan_id, result


def _cash(world):
    return ledger.balance_of(world.group.id, books.CASH)


def test_apply_approve_disburse_repay_to_closed(world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000},
                business_date="2026-08-01")
    product = _product(world)
    loan_id, applied = _apply(world, product)
    assert applied.status == "accepted"
    own = world.apply("loan.approve", {"loan_id": loan_id}, by="treasurer")
    assert (own.status, own.reason) == ("rejected", "forbidden")  # approving is the committee's
    assert world.apply("loan.approve", {"loan_id": loan_id}, by="committee").status == "accepted"
    again = world.apply("loan.approve", {"loan_id": loan_id}, by="committee")
    assert (again.status, again.reason) == ("rejected", "invalid")
    paid_out = world.apply("loan.disburse", {"loan_id": loan_id}, business_date="2026-08-20")
    assert paid_out.status == "accepted"
    assert _cash(world) == 500_000 - 300_000
    assert member_figures([world.member_id])[world.member_id]["loan_outstanding"] == 300_000

    for day in ("2026-09-20", "2026-10-20"):
        result = world.apply("loan.repay", {"loan_id": loan_id, "amount_satang": 103_000},
                             business_date=day)
        assert result.status == "accepted"
    loan = Loan.get_by_id(loan_id)
    assert (loan.paid_principal, loan.paid_interest, loan.status) == (200_000, 6_000,
                                                                      "disbursed")
    last = world.apply("loan.repay", {"loan_id": loan_id, "amount_satang": 103_000},
                       business_date="2026-11-20")
    assert last.status == "accepted"
    loan = Loan.get_by_id(loan_id)
    assert (loan.status, str(loan.closed_on)) == ("closed", "2026-11-20")
    assert _cash(world) == 200_000 + 3 * 103_000  # 5,090.00
    assert ledger.balance_of(world.group.id, books.INTEREST_INCOME) == -9_000
    assert member_figures([world.member_id])[world.member_id]["loan_outstanding"] == 0
    closed = world.apply("loan.repay", {"loan_id": loan_id, "amount_satang": 1_000},
                         business_date="2026-11-21")
    assert (closed.status, closed.reason) == ("needs_review", "loan_state")
    assert ledger.balance_of(world.group.id, books.SUSPENSE) == -1_000


def test_a_partial_payment_goes_to_fines_then_interest_then_principal(world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000},
                business_date="2026-08-01")
    loan_id, _ = _apply(world, _product(world))
    world.apply("loan.approve", {"loan_id": loan_id}, by="committee")
    world.apply("loan.disburse", {"loan_id": loan_id}, business_date="2026-08-20")
    world.apply("fine.charge", {"member_id": world.member_id, "amount_satang": 2_000},
                business_date="2026-09-25")
    # 150.00 on 26 Sep: fine 20.00, interest due 30.00, principal 100.00
    world.apply("loan.repay", {"loan_id": loan_id, "amount_satang": 15_000},
                business_date="2026-09-26")
    loan = Loan.get_by_id(loan_id)
    assert (loan.paid_interest, loan.paid_principal) == (3_000, 10_000)
    assert ledger.balance_of(world.group.id, books.account_key(
        books.FINES_DUE, world.member_id)) == 0


def test_early_payoff_of_a_flat_loan_waives_future_interest_and_overpayment_is_held(world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000},
                business_date="2026-08-01")
    loan_id, _ = _apply(world, _product(world))
    world.apply("loan.approve", {"loan_id": loan_id}, by="committee")
    world.apply("loan.disburse", {"loan_id": loan_id}, business_date="2026-08-20")
    # on 21 Sep one instalment is due: payoff = 3,000.00 + 30.00 interest due = 3,030.00;
    # 3,100.00 paid leaves 70.00 over, held in suspense and flagged
    result = world.apply("loan.repay", {"loan_id": loan_id, "amount_satang": 310_000},
                         business_date="2026-09-21")
    assert (result.status, result.reason) == ("needs_review", "overpaid")
    assert Loan.get_by_id(loan_id).status == "closed"
    assert ledger.balance_of(world.group.id, books.SUSPENSE) == -7_000
    assert ledger.balance_of(world.group.id, books.INTEREST_INCOME) == -3_000
    assert ReviewItem.select().count() == 1


def test_application_limits_are_refused_with_every_reason(world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 100_000},
                business_date="2026-08-01")
    product = _product(world, guarantors_needed=1)
    loan_id, result = _apply(world, product, principal=400_000, months=24)
    assert (result.status, result.reason) == ("rejected", "invalid")
    assert "24" in result.message_en or "12" in result.message_en  # months over the term
    assert "3" in result.message_th  # the savings multiple, read aloud
    assert Loan.select().count() == 0


def test_disbursing_before_approval_holds_the_cash_in_suspense(world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000},
                business_date="2026-08-01")
    loan_id, _ = _apply(world, _product(world))
    early = world.apply("loan.disburse", {"loan_id": loan_id}, business_date="2026-08-20")
    assert (early.status, early.reason) == ("needs_review", "loan_state")
    assert ledger.balance_of(world.group.id, books.SUSPENSE) == 300_000
    assert Loan.get_by_id(loan_id).status == "applied"
    assert _cash(world) == 200_000


def test_a_welfare_fund_never_lends(world):
    from core.store.models import Group

    Group.update(kind="welfare").where(Group.id == world.group.id).execute()
    _loan_id, result = _apply(world, _product(world))
    assert (result.status, result.reason) == ("rejected", "invalid")
    assert "never lends" in result.message_en
