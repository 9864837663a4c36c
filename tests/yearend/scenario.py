"""A 5-member savings group's year 2568 (calendar 2025; share price 50.00), built through the
one core operation, and a 3-member VSLA's cycle. The hand-worked figures are in the tests.

Savings group (members m1 = the world's สมศรี, who has a sign-in, and m2..m5):
- Deposits on 20 Jan 2025: m1 10,000.00, m2 3,000.00, m3 2,000.00, m4 1,000.00.
- Shares: m1 10 shares (500.00) on 20 Jan; m2 20 (1,000.00) on 20 Jan; m3 10 on 20 Jan and
  10 more on 5 Jul; m4 10 on 10 Oct; m5 none.
- Loans, flat 1 % a month:
  m3 5,000.00 over 5 months paid out 1 Feb: 1,000.00 + 50.00 due 1 Mar..1 Jul; the May
  instalment paid on 20 May, 19 days late (in default that year); interest paid 250.00.
  m2 10,000.00 over 10 months paid out 1 Mar: 1,000.00 + 100.00 due 1 Apr..1 Jan 2026; nine
  paid on their due dates in 2025; interest paid 900.00.
  m4 2,000.00 over 2 months paid out 1 Jun: 1,000.00 + 20.00 due 1 Jul, 1 Aug; interest 40.00.
- m5 fined 20.00 on 1 May and pays it. Stationery 150.00 on 15 Dec.
"""

import uuid

from core.store import groups, users

SHARE = 5_000


def on(world, op_type, payload, day, by="treasurer", group=None):
    result = world.apply(op_type, payload, business_date=day, by=by, group=group)
    assert result.status == "accepted", (op_type, day, result)
    return result


def _loan(world, member_id, product, principal, months, paid_out_on, payments, group=None,
          by="treasurer", approver="committee"):
    loan_id = str(uuid.uuid4())
    on(world, "loan.apply", {"loan_id": loan_id, "member_id": member_id,
                             "product_id": product.id, "principal_satang": principal,
                             "months": months}, paid_out_on, group=group, by=by)
    on(world, "loan.approve", {"loan_id": loan_id}, paid_out_on, by=approver, group=group)
    on(world, "loan.disburse", {"loan_id": loan_id}, paid_out_on, group=group, by=by)
    for day, amount in payments:
        on(world, "loan.repay", {"loan_id": loan_id, "amount_satang": amount}, day, group=group,
           by=by)
    return loan_id


def savings_year(world) -> dict[str, str]:
    """The members' ids by name m1..m5, after the whole of 2025 is recorded."""
    ids = {"m1": world.member_id}
    for name in ("m2", "m3", "m4", "m5"):
        ids[name] = world.add_member(f"สมาชิก {name}", joined_on="2025-01-10")
    for name, baht in (("m1", 10_000), ("m2", 3_000), ("m3", 2_000), ("m4", 1_000)):
        on(world, "savings.deposit", {"member_id": ids[name], "amount_satang": baht * 100},
           "2025-01-20")
    for name, shares, day in (("m1", 10, "2025-01-20"), ("m2", 20, "2025-01-20"),
                              ("m3", 10, "2025-01-20"), ("m3", 10, "2025-07-05"),
                              ("m4", 10, "2025-10-10")):
        on(world, "shares.buy", {"member_id": ids[name], "shares": shares}, day)
    product = groups.create_product(world.group.id, "สามัญ", method="flat", monthly_rate_bp=100,
                                    max_months=12)
    _loan(world, ids["m3"], product, 500_000, 5, "2025-02-01",
          [("2025-03-01", 105_000), ("2025-04-01", 105_000), ("2025-05-20", 105_000),
           ("2025-06-01", 105_000), ("2025-07-01", 105_000)])
    _loan(world, ids["m2"], product, 1_000_000, 10, "2025-03-01",
          [(f"2025-{month:02d}-01", 110_000) for month in range(4, 13)])
    _loan(world, ids["m4"], product, 200_000, 2, "2025-06-01",
          [("2025-07-01", 102_000), ("2025-08-01", 102_000)])
    on(world, "fine.charge", {"member_id": ids["m5"], "amount_satang": 2_000}, "2025-05-01")
    on(world, "fine.pay", {"member_id": ids["m5"], "amount_satang": 2_000}, "2025-05-01")
    on(world, "group.expense", {"amount_satang": 15_000, "category": "stationery"},
       "2025-12-15")
    return ids


def vsla_cycle(world, *, repay: bool = True):
    """A VSLA for cycle 2568: shares 300.00 / 200.00 / 100.00 (a, b, c); a borrows 200.00 at
    10 % a month for one month on 1 Mar and repays 220.00 on 1 Apr (interest 20.00); c is fined
    81.01; pens cost 1.00. Profit 20.00 + 81.01 - 1.00 = 100.01."""
    group = groups.create_group("กลุ่มออมแบบวงรอบ", network_id=world.network.id, kind="vsla")
    world.users["vsla"] = users.create_user("vsla-committee", world.PASSWORD, "committee",
                                            group_ids=[group.id])
    world.users["vsla-treasurer"] = users.create_user("vsla-treasurer", world.PASSWORD,
                                                      "treasurer", group_ids=[group.id])
    ids = {name: world.add_member(f"สมาชิก {name}", joined_on="2025-01-05", group=group,
                                  by="vsla") for name in "abc"}
    for name, shares in (("a", 6), ("b", 4), ("c", 2)):
        on(world, "shares.buy", {"member_id": ids[name], "shares": shares}, "2025-01-10",
           by="vsla", group=group)
    product = groups.create_product(group.id, "รอบ", method="flat", monthly_rate_bp=1000,
                                    max_months=3)
    _loan(world, ids["a"], product, 20_000, 1, "2025-03-01",
          [("2025-04-01", 22_000)] if repay else [], group=group, by="vsla-treasurer",
          approver="vsla")
    on(world, "fine.charge", {"member_id": ids["c"], "amount_satang": 8_101}, "2025-05-01",
       by="vsla", group=group)
    on(world, "fine.pay", {"member_id": ids["c"], "amount_satang": 8_101}, "2025-05-01",
       by="vsla", group=group)
    on(world, "group.expense", {"amount_satang": 100, "category": "stationery"}, "2025-06-01",
       by="vsla", group=group)
    return group, ids
