"""The savings day's repayment button: each borrower's row offers what is due on the meeting's
date, one tap records it as `loan.repay`, and voiding it puts the loan back as it was.

The loan (worked out by hand): 3,000.00 over 3 months, flat 1 % a month, paid out on
20 Aug 2026: 1,000.00 + 30.00 = 1,030.00 due on 20 Sep, 20 Oct and 20 Nov 2026.
"""

import re
import uuid

from core import books
from core.store import groups, ledger
from core.store.ledger import audit
from core.store.models import Loan
from tests.conftest import csrf_token, sign_in


def _loan(world) -> str:
    product = groups.create_product(world.group.id, "สามัญ", method="flat", monthly_rate_bp=100,
                                    max_months=12)
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000},
                business_date="2026-08-01")
    loan_id = str(uuid.uuid4())
    assert world.apply("loan.apply", {
        "loan_id": loan_id, "member_id": world.member_id, "product_id": product.id,
        "principal_satang": 300_000, "months": 3}, business_date="2026-08-18").applied
    assert world.apply("loan.approve", {"loan_id": loan_id}, by="committee").applied
    assert world.apply("loan.disburse", {"loan_id": loan_id},
                       business_date="2026-08-20").status == "accepted"
    return loan_id


def _row(html: str, member_id: str) -> str:
    row = rf'<li class="mrow[^"]*" id="m-{member_id}">(.*?)</li>\s*(?=<li class="mrow|</ul>)'
    return re.search(row, html, re.S).group(1)


def test_the_repayment_button_is_prefilled_with_what_is_due(client, world):
    loan_id = _loan(world)
    saver = world.add_member("บุญมี ศรีสุข")
    sign_in(client, "treasurer")
    page = f"/groups/{world.group.id}/meetings"
    meeting_id = str(uuid.uuid4())
    response = client.post(page, data={"csrf_token": csrf_token(client, page),
                                       "meeting_id": meeting_id, "date": "2026-09-20"})
    assert response.status_code == 302
    screen = f"{page}/{meeting_id}"
    html = client.get(screen).get_data(as_text=True)
    row = _row(html, world.member_id)
    assert f'value="loan.repay:{loan_id}"' in row and "ชำระคืน ฿1,030" in row
    assert "loan.repay" not in _row(html, saver)  # no loan, no button
    seed = re.search(r'name="seed" value="([^"]+)"', html).group(1)
    tap = client.post(f"{screen}/members/{world.member_id}", data={
        "csrf_token": csrf_token(client, screen), "seed": seed,
        "type": f"loan.repay:{loan_id}", "amount": ""},
        headers={"HX-Request": "true", "HX-Target": f"m-{world.member_id}"})
    assert tap.status_code == 200
    loan = Loan.get_by_id(loan_id)
    assert (loan.paid_principal, loan.paid_interest) == (100_000, 3_000)
    assert ledger.balance_of(world.group.id, books.CASH) == 500_000 - 300_000 + 103_000
    # nothing more is due on 20 Sep: the button now offers the next instalment, 20 Oct's
    fragment = tap.get_data(as_text=True)
    assert "ชำระคืน ฿1,030" in fragment and "ชำระคืนเงินกู้ ฿1,030.00" in fragment
    assert audit() == ([], [])

    # voiding the repayment puts the loan back as it was
    from core.store.models import SyncOp

    op = SyncOp.get(SyncOp.type == "loan.repay")
    voided = client.post(f"{screen}/void", data={
        "csrf_token": csrf_token(client, screen), "target_op_id": op.op_id,
        "member_id": world.member_id})
    assert voided.status_code == 302
    loan = Loan.get_by_id(loan_id)
    assert (loan.paid_principal, loan.paid_interest, loan.status) == (0, 0, "disbursed")
    assert ledger.balance_of(world.group.id, books.account_key(books.LOANS, loan_id)) == 300_000
    assert audit() == ([], [])


def test_a_repayment_that_closed_a_loan_reopens_it_when_voided(world):
    loan_id = _loan(world)
    paid = world.apply("loan.repay", {"loan_id": loan_id, "amount_satang": 309_000},
                       business_date="2026-11-20")
    assert Loan.get_by_id(loan_id).status == "closed"
    # a disbursement with repayments on it cannot be voided first
    disbursed = [r for r in Loan.get_by_id(loan_id).member.group.ops
                 if r.type == "loan.disburse"][0]
    refused = world.apply("void", {"target_op_id": disbursed.op_id, "reason": "ผิด"},
                          by="committee", business_date="2026-11-21")
    assert refused.status == "rejected" and "void them first" in refused.message_en
    assert world.apply("void", {"target_op_id": paid.op_id, "reason": "ผิดคน"}, by="committee",
                       business_date="2026-11-21").applied
    loan = Loan.get_by_id(loan_id)
    assert (loan.status, loan.closed_on, loan.paid_principal) == ("disbursed", None, 0)
    assert world.apply("void", {"target_op_id": disbursed.op_id, "reason": "ผิด"},
                       by="committee", business_date="2026-11-21").applied
    loan = Loan.get_by_id(loan_id)
    assert (loan.status, loan.disbursed_on) == ("approved", None)
    assert ledger.balance_of(world.group.id, books.account_key(books.LOANS, loan_id)) == 0
    assert audit() == ([], [])
