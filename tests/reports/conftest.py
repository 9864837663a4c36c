"""A small group's books, entered through the one operation, with figures worked by hand.

World's group (fiscal year from January), member A (the world's member, joined 2025-01-15)
and member B. Amounts in satang:

  2026-07-01  A deposits 1,000.00                    cash +100,000
  2026-07-16  A borrows 600.00, flat 1 %/month, 3 months (first due 2026-08-16, unpaid)
                                                     cash  -60,000
  2026-09-01  B deposits 2,000.00                    cash +200,000
  2026-09-01  A buys 2 shares of 50.00               cash  +10,000
  2026-09-01  A pays a welfare contribution of 30.00 cash   +3,000
  2026-09-02  B borrows 1,000.00, flat 1 %, 3 months (due 2 Oct, 2 Nov, 2 Dec)
                                                     cash -100,000
  2026-09-05  A is fined 20.00 and pays it           cash   +2,000
  2026-09-10  an expense of 150.00                   cash  -15,000
  2026-10-02  B repays 343.33: interest 10.00, principal 333.33
                                                     cash  +34,333
  2026-10-05  the local government gives the welfare fund 1,000.00
                                                     cash +100,000
  2026-10-06  A claims the birth benefit; approved 1,000.00 on 10-07, paid 10-08
                                                     cash -100,000

September 2569: income 20.00 (fines), expenses 150.00, net -130.00. At 30 Sep: cash
1,400.00, loans 1,600.00 (assets 3,000.00) = savings 3,000.00 + shares 100.00 + welfare
30.00 - 130.00. A's loan is 45 days late (31-60), B's current: PAR30 = 600/1,600 = 37.50 %.
"""

import uuid
from dataclasses import dataclass

import pytest

from core.store import groups


@dataclass
class Books:
    world: object
    a: str
    b: str
    loan_a: str
    loan_b: str
    claim: str


def entry(world, op_type, payload, day, by="treasurer", group=None):
    result = world.apply(op_type, payload, business_date=day, by=by, group=group)
    assert result.applied, (op_type, result)
    return result


def lend(world, member_id, principal, day, product_id, group=None, by="committee"):
    loan_id = str(uuid.uuid4())
    entry(world, "loan.apply", {"loan_id": loan_id, "member_id": member_id,
                                "product_id": product_id, "principal_satang": principal,
                                "months": 3}, day, group=group)
    entry(world, "loan.approve", {"loan_id": loan_id}, day, by=by, group=group)
    entry(world, "loan.disburse", {"loan_id": loan_id}, day, group=group)
    return loan_id


@pytest.fixture
def small_books(world):
    a = world.member_id
    b = world.add_member("สมชาย รักออม", joined_on="2026-01-10")
    product = groups.create_product(world.group.id, "สามัญ", method="flat",
                                    monthly_rate_bp=100, max_months=12)
    entry(world, "savings.deposit", {"member_id": a, "amount_satang": 100_000}, "2026-07-01")
    loan_a = lend(world, a, 60_000, "2026-07-16", product.id)
    entry(world, "savings.deposit", {"member_id": b, "amount_satang": 200_000}, "2026-09-01")
    entry(world, "shares.buy", {"member_id": a, "shares": 2}, "2026-09-01")
    entry(world, "welfare.contribute", {"member_id": a, "amount_satang": 3_000}, "2026-09-01")
    loan_b = lend(world, b, 100_000, "2026-09-02", product.id)
    entry(world, "fine.charge", {"member_id": a, "amount_satang": 2_000, "reason": "มาสาย"},
          "2026-09-05")
    entry(world, "fine.pay", {"member_id": a, "amount_satang": 2_000}, "2026-09-05")
    entry(world, "group.expense", {"amount_satang": 15_000, "category": "stationery"},
          "2026-09-10")
    entry(world, "loan.repay", {"loan_id": loan_b, "amount_satang": 34_333}, "2026-10-02")
    entry(world, "group.income", {"amount_satang": 100_000, "category": "welfare",
                                  "source": "local_government"}, "2026-10-05")
    claim = str(uuid.uuid4())
    entry(world, "welfare.claim", {"claim_id": claim, "member_id": a, "benefit_type": "birth",
                                   "event_date": "2026-10-06"}, "2026-10-06")
    entry(world, "welfare.approve", {"claim_id": claim, "amount_satang": 100_000,
                                     "reason": "คณะกรรมการเห็นชอบ"},
          "2026-10-07", by="committee")
    entry(world, "welfare.pay", {"claim_id": claim}, "2026-10-08")
    return Books(world, a, b, loan_a, loan_b, claim)
