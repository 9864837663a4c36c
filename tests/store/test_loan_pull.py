"""The loans a device pulls: each with its schedule, for the groups the user may see (a member:
only their own), and after a cursor only the loans that changed.

The loan (worked out by hand): 3,000.00 over 3 months, flat 1 % a month, paid out on
20 Aug 2026: 1,000.00 + 30.00 interest due on 20 Sep, 20 Oct and 20 Nov 2026.
"""

import uuid

from core.store import groups
from core.store.counters import SERVER_SEQ, current_value
from core.store.models import User
from core.store.pull import pull


def _loan(world, member_id, *, group=None, by="treasurer", paid_out="2026-08-20"):
    group = group or world.group
    product = groups.create_product(group.id, "สามัญ", method="flat", monthly_rate_bp=100,
                                    max_months=12)
    world.apply("savings.deposit", {"member_id": member_id, "amount_satang": 500_000},
                business_date="2026-08-01", group=group, by=by)
    loan_id = str(uuid.uuid4())
    assert world.apply("loan.apply", {
        "loan_id": loan_id, "member_id": member_id, "product_id": product.id,
        "principal_satang": 300_000, "months": 3}, business_date="2026-08-18", group=group,
        by=by).applied
    return loan_id, product


def test_a_full_pull_carries_each_loan_with_its_schedule(world):
    loan_id, product = _loan(world, world.member_id)
    other = world.add_member("บุญมี ศรีสุข")
    other_loan, _ = _loan(world, other)
    stranger = world.add_member("มานี มีนา", group=world.other, by="other-treasurer")
    _loan(world, stranger, group=world.other, by="other-treasurer")
    world.apply("loan.approve", {"loan_id": loan_id}, by="committee")
    world.apply("loan.disburse", {"loan_id": loan_id}, business_date="2026-08-20")
    world.apply("loan.repay", {"loan_id": loan_id, "amount_satang": 103_000},
                business_date="2026-09-20")

    answer = pull(world.users["treasurer"], 0)
    loans = {loan["id"]: loan for loan in answer["loans"]}
    assert set(loans) == {loan_id, other_loan}  # not the other group's
    loan = loans[loan_id]
    assert {k: loan[k] for k in ("member_id", "product_id", "principal_satang",
                                 "outstanding_satang", "status")} == {
        "member_id": world.member_id, "product_id": product.id, "principal_satang": 300_000,
        "outstanding_satang": 200_000, "status": "disbursed"}
    assert loan["schedule"] == [
        {"number": n, "due_date": day, "principal_satang": 100_000, "interest_satang": 3_000}
        for n, day in ((1, "2026-09-20"), (2, "2026-10-20"), (3, "2026-11-20"))]
    assert (loan["paid_principal_satang"], loan["paid_interest_satang"]) == (100_000, 3_000)
    assert loans[other_loan]["schedule"] == [] and loans[other_loan]["status"] == "applied"

    member = User.get(User.username == "member")
    assert [loan["id"] for loan in pull(member, 0)["loans"]] == [loan_id]  # only their own


def test_after_a_cursor_only_the_loans_that_changed(world):
    loan_id, _ = _loan(world, world.member_id)
    other = world.add_member("บุญมี ศรีสุข")
    other_loan, _ = _loan(world, other)
    world.apply("loan.approve", {"loan_id": loan_id}, by="committee")
    world.apply("loan.disburse", {"loan_id": loan_id}, business_date="2026-08-20")
    cursor = current_value(SERVER_SEQ)
    treasurer = world.users["treasurer"]
    assert pull(treasurer, cursor)["loans"] == []

    repaid = world.apply("loan.repay", {"loan_id": loan_id, "amount_satang": 103_000},
                         business_date="2026-09-20")
    answer = pull(treasurer, cursor)
    assert [(loan["id"], loan["outstanding_satang"]) for loan in answer["loans"]] == [
        (loan_id, 200_000)]
    cursor = answer["cursor"]
    # a void names no loan, but moves its account: the loan comes again, as it now stands
    world.apply("void", {"target_op_id": repaid.op_id, "reason": "ผิด"}, by="committee",
                business_date="2026-09-21")
    answer = pull(treasurer, cursor)
    assert [(loan["id"], loan["outstanding_satang"], loan["paid_principal_satang"])
            for loan in answer["loans"]] == [(loan_id, 300_000, 0)]
    world.apply("loan.approve", {"loan_id": other_loan}, by="committee")
    assert [loan["id"] for loan in pull(treasurer, answer["cursor"])["loans"]] == [other_loan]
