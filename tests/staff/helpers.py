"""Two groups made through world.apply, with figures worked out by hand in the docstring."""

import datetime
import uuid
from datetime import date, timedelta

from core.store import groups
from core.store.models import SyncOp
from core.thaidate import add_months, today_in


class Built:
    pass


def build_two_groups(world) -> Built:
    """Group A (world.group), today T:

    * ก saves 500.00 and ข 300.00 at T-120 days; ก saves 200.00 more at T-10. Savings today
      1,000.00; three months ago (T-3 months) 800.00: growth +25.0 %.
    * ก buys 2 shares (100.00); ข pays 30.00 into the welfare fund.
    * ก borrows 600.00 over 3 months, flat 1 %, paid out so its first instalment (206.00) fell
      due 35 days ago and nothing is repaid: 35 days late. ข borrows 300.00 at T-5: not yet due.
      Loans outstanding 900.00; PAR30 = 600 / 900 = 66.7 %.
    * Meetings opened in each of the last three full months: regular.

    Group B (world.other): ค saves 250.00 at T-10, then 40.00 more from a phone dated tomorrow:
    the clock flag puts it in review (one open review). Its ops were received 3 days ago.
    """
    b = Built()
    g = world.group
    t = today_in(g.timezone)
    b.today = t
    iso = date.isoformat
    b.ko = world.add_member("ก ออมดี")
    b.kho = world.add_member("ข ขยัน")
    world.apply("savings.deposit", {"member_id": b.ko, "amount_satang": 50_000},
                business_date=iso(t - timedelta(days=120)))
    world.apply("savings.deposit", {"member_id": b.kho, "amount_satang": 30_000},
                business_date=iso(t - timedelta(days=120)))
    world.apply("savings.deposit", {"member_id": b.ko, "amount_satang": 20_000},
                business_date=iso(t - timedelta(days=10)))
    world.apply("shares.buy", {"member_id": b.ko, "shares": 2},
                business_date=iso(t - timedelta(days=10)))
    world.apply("welfare.contribute", {"member_id": b.kho, "amount_satang": 3_000},
                business_date=iso(t - timedelta(days=10)))
    product = groups.create_product(g.id, "สามัญ", method="flat", monthly_rate_bp=100,
                                    max_months=12)
    first_due = t - timedelta(days=35)
    paid_out = add_months(first_due, -1)
    assert add_months(paid_out, 1) == first_due  # no month-end clamping in this run
    b.late_loan = _loan(world, product, b.ko, 60_000, 3, paid_out)
    b.new_loan = _loan(world, product, b.kho, 30_000, 3, t - timedelta(days=5))
    this_month = t.replace(day=1)
    for back in (1, 2, 3):
        held = add_months(this_month, -back) + timedelta(days=14)
        world.apply("meeting.open", {"meeting_id": str(uuid.uuid4()), "date": iso(held)})

    b.kho_b = world.add_member("ค คนสอง", group=world.other, by="other-treasurer")
    world.apply("savings.deposit", {"member_id": b.kho_b, "amount_satang": 25_000},
                group=world.other, by="other-treasurer",
                business_date=iso(t - timedelta(days=10)))
    flagged = world.apply("savings.deposit", {"member_id": b.kho_b, "amount_satang": 4_000},
                          group=world.other, by="other-treasurer", device="phone-b",
                          business_date=iso(t + timedelta(days=1)))
    assert flagged.status == "needs_review", flagged
    b.synced_b = (datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
                  - timedelta(days=3, hours=1))
    SyncOp.update(received_at=b.synced_b).where(SyncOp.group == world.other.id).execute()
    return b


def _loan(world, product, member, principal, months, paid_out: date) -> str:
    loan_id = str(uuid.uuid4())
    day = paid_out.isoformat()
    assert world.apply("loan.apply", {"loan_id": loan_id, "member_id": member,
                                      "product_id": product.id, "principal_satang": principal,
                                      "months": months}, business_date=day).status == "accepted"
    assert world.apply("loan.approve", {"loan_id": loan_id}, by="committee",
                       business_date=day).status == "accepted"
    assert world.apply("loan.disburse", {"loan_id": loan_id},
                       business_date=day).status == "accepted"
    return loan_id
