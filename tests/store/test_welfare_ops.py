"""A welfare claim's life through the one core operation, with the figures worked out by hand.

Default scheme (core.policy): 30 baht a month, lapsing after 3 missed; hospital 200 a night,
at most 600 a stay and 1,000 a year, after 180 days. The member joins on 15 Jan 2025 and pays
1,000 baht of contributions that day (33 months ahead), so the fund holds 1,000 baht.
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from core import books
from core.store import groups, ledger, users
from core.store import welfare as store
from core.store.models import Group, JournalTxn, ReviewItem, SyncOp, WelfareClaim
from core.store.operations import Actor, apply_operation
from tests.conftest import World, today_iso

JOINED = "2025-01-15"


@pytest.fixture
def fund(world):
    """The world's member with 1,000 baht of contributions, and a second committee member."""
    world.users["committee-2"] = users.create_user("committee-2", World.PASSWORD, "committee",
                                                   group_ids=[world.group.id])
    paid = world.apply("welfare.contribute", {"member_id": world.member_id,
                                              "amount_satang": 100_000}, business_date=JOINED)
    assert paid.status == "accepted"
    return world


def claim(world, *, benefit="hospital", event="2026-03-02", nights=None, by="treasurer",
          member=None, interactive=False, business_date=None, **extra):
    claim_id = str(uuid.uuid4())
    payload = {"claim_id": claim_id, "member_id": member or world.member_id,
               "benefit_type": benefit, "event_date": event, **extra}
    if nights is not None:
        payload["nights"] = nights
    if interactive:
        result = online(world, "welfare.claim", payload, by=by, business_date=business_date)
    else:
        result = world.apply("welfare.claim", payload, by=by,
                             business_date=business_date or "2026-03-05")
    return claim_id, result


def online(world, op_type, payload, *, by="treasurer", business_date=None):
    envelope = {"op_id": str(uuid.uuid4()), "group_id": world.group.id, "type": op_type,
                "business_date": business_date or today_iso(world.group), "payload": payload}
    return apply_operation(Actor(world.users[by], "web"), envelope, interactive=True)


def cash(world):
    return ledger.balance_of(world.group.id, books.CASH)


def test_claim_approve_pay_and_the_books(fund):
    claim_id, recorded = claim(fund, nights=4)  # 4 × 200 = 800, capped at 600 a stay
    assert recorded.status == "accepted"
    row = WelfareClaim.get_by_id(claim_id)
    assert (row.status, row.allowed, row.suggested_satang) == ("claimed", True, 60_000)
    assert [r["en"] for r in row.assessment][0] == "waiting period served: 411 of 180 days"

    by_treasurer = fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 60_000})
    assert (by_treasurer.status, by_treasurer.reason) == ("rejected", "forbidden")
    approved = fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 60_000},
                          by="committee", business_date="2026-03-06")
    assert approved.status == "accepted"
    twice = fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 60_000},
                       by="committee-2")
    assert (twice.status, twice.reason) == ("rejected", "invalid")

    paid = fund.apply("welfare.pay", {"claim_id": claim_id}, business_date="2026-03-10")
    assert paid.status == "accepted"
    row = WelfareClaim.get_by_id(claim_id)
    assert (row.status, str(row.paid_on), row.approved_satang) == ("paid", "2026-03-10", 60_000)
    assert cash(fund) == 100_000 - 60_000
    assert ledger.balance_of(fund.group.id, books.WELFARE_FUND) == 60_000  # benefits (Dr)
    assert store.fund_balance(fund.group.id) == 40_000
    payment = store.payment_of(row)
    assert payment.receipt_no is not None and payment.member_id == fund.member_id

    again = fund.apply("welfare.pay", {"claim_id": claim_id}, business_date="2026-03-11")
    assert (again.status, again.reason) == ("needs_review", "welfare_rule")
    assert ledger.balance_of(fund.group.id, books.SUSPENSE) == 60_000  # cash held in suspense
    assert store.fund_balance(fund.group.id) == 40_000  # the fund paid once
    assert cash(fund) == -20_000
    assert ReviewItem.get().reason == "welfare_rule"


def test_maker_checker_the_recorder_never_decides(fund):
    claim_id, _ = claim(fund, nights=1, by="committee")
    own = fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 20_000},
                     by="committee")
    assert (own.status, own.reason) == ("rejected", "forbidden")
    refuse = fund.apply("welfare.refuse", {"claim_id": claim_id, "reason": "x"}, by="committee")
    assert (refuse.status, refuse.reason) == ("rejected", "forbidden")
    other = fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 20_000},
                       by="committee-2")
    assert other.status == "accepted"
    assert WelfareClaim.get_by_id(claim_id).decided_by_id == fund.users["committee-2"].id


def test_raising_above_the_rule_needs_a_reason_lowering_does_not(fund):
    claim_id, _ = claim(fund, nights=2)  # 400
    higher = fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 50_000},
                        by="committee")
    assert (higher.status, higher.reason) == ("rejected", "invalid")
    assert "reason" in higher.message_en
    explained = fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 50_000,
                                               "reason": "ค่ารถไปโรงพยาบาลจังหวัด"},
                           by="committee")
    assert explained.status == "accepted"
    lower_id, _ = claim(fund, nights=2, event="2026-04-01")  # 400: 500 of the year's 1,000 left
    lower = fund.apply("welfare.approve", {"claim_id": lower_id, "amount_satang": 30_000},
                       by="committee")
    assert lower.status == "accepted"
    paid = fund.apply("welfare.pay", {"claim_id": claim_id}, business_date="2026-04-02")
    assert paid.status == "accepted"  # the committee's reason covers the raise
    assert store.fund_balance(fund.group.id) == 100_000 - 50_000


def test_online_a_claim_the_rules_refuse_is_refused_with_the_reasons_and_writes_nothing(fund):
    before = SyncOp.select().count()
    _, result = claim(fund, benefit="birth", event="2025-05-15", interactive=True)
    assert (result.status, result.reason) == ("rejected", "welfare_rule")
    assert result.message_th == "ระยะเวลารอสิทธิ์: 120 จาก 180 วัน"
    assert result.message_en == "waiting period: 120 of 180 days"
    assert SyncOp.select().count() == before and WelfareClaim.select().count() == 0


def test_offline_a_claim_the_rules_refuse_is_recorded_for_the_committee(fund):
    claim_id, result = claim(fund, benefit="birth", event="2025-05-15")
    assert (result.status, result.reason) == ("needs_review", "welfare_rule")
    row = WelfareClaim.get_by_id(claim_id)
    assert (row.status, row.allowed, row.suggested_satang) == ("claimed", False, 0)
    review = ReviewItem.get()
    assert review.reason == "welfare_rule"
    assert review.books_said["assessment"][0]["en"] == "waiting period: 120 of 180 days"
    bare = fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 100_000},
                      by="committee")
    assert (bare.status, bare.reason) == ("rejected", "invalid")
    decided = fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 100_000,
                                             "reason": "ที่ประชุมใหญ่มีมติให้จ่าย"},
                         by="committee")
    assert decided.status == "accepted"
    assert fund.apply("welfare.pay", {"claim_id": claim_id}).status == "accepted"


@pytest.mark.parametrize("case", ["exited", "future", "lapsed", "nights", "year_limit"])
def test_what_the_rules_refuse_arrives_offline_as_welfare_rule(fund, case):
    member_id, event, extra = fund.member_id, "2026-03-02", {"nights": 1}
    if case == "exited":
        assert fund.apply("member.exit", {"member_id": member_id, "reason": "ย้ายบ้าน"},
                          business_date="2026-02-01").status == "accepted"
    elif case == "future":
        event = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    elif case == "lapsed":  # joined 1 Jun 2025 and paid nothing: 9 months ended by March
        member_id = fund.add_member("ขาดส่ง ประจำ", joined_on="2025-06-01")
    elif case == "nights":
        extra = {}
    else:
        for day in ("2026-01-10", "2026-02-10"):
            fund.apply("welfare.claim", {"claim_id": str(uuid.uuid4()), "member_id": member_id,
                                         "benefit_type": "hospital", "event_date": day,
                                         "nights": 3})  # 600 + 400 pending
    online_try = claim(fund, member=member_id, event=event, interactive=True, **extra)[1]
    assert (online_try.status, online_try.reason) == ("rejected", "welfare_rule")
    _, result = claim(fund, member=member_id, event=event, business_date=today_iso(fund.group),
                      **extra)
    assert (result.status, result.reason) == ("needs_review", "welfare_rule"), result
    expected = {"exited": "left on", "future": "future", "lapsed": "membership lapsed",
                "nights": "number of nights", "year_limit": "per year is used up"}[case]
    assert expected in result.message_en


def test_unknown_benefits_and_claims_are_invalid(fund):
    _, unknown = claim(fund, benefit="lottery")
    assert (unknown.status, unknown.reason) == ("rejected", "invalid")
    for op_type, payload in (("welfare.approve", {"amount_satang": 1}), ("welfare.pay", {}),
                             ("welfare.refuse", {"reason": "x"})):
        result = fund.apply(op_type, {"claim_id": str(uuid.uuid4()), **payload}, by="committee")
        assert (result.status, result.reason) == ("rejected", "invalid")


def test_paying_before_approval_holds_the_cash_in_suspense(fund):
    claim_id, _ = claim(fund, nights=1)
    assert online(fund, "welfare.pay", {"claim_id": claim_id}).status == "rejected"
    early = fund.apply("welfare.pay", {"claim_id": claim_id})
    assert (early.status, early.reason) == ("needs_review", "welfare_rule")
    assert ledger.balance_of(fund.group.id, books.SUSPENSE) == 20_000
    assert WelfareClaim.get_by_id(claim_id).status == "claimed"


def test_a_payment_the_fund_cannot_afford_is_overdrawn(world):
    world.apply("welfare.contribute", {"member_id": world.member_id, "amount_satang": 30_000},
                business_date=JOINED)
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000},
                business_date=JOINED)
    Group.update(policy={"welfare": {"lapse_after_missed": 0}}).where(
        Group.id == world.group.id).execute()
    claim_id, _ = claim(world, nights=3)  # 600, the fund holds 300
    world.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 60_000},
                by="committee")
    refused = online(world, "welfare.pay", {"claim_id": claim_id})
    assert (refused.status, refused.reason) == ("rejected", "overdrawn")
    result = world.apply("welfare.pay", {"claim_id": claim_id})
    assert (result.status, result.reason) == ("needs_review", "overdrawn")
    assert store.fund_balance(world.group.id) == -30_000


def test_refused_claims_take_nothing_from_the_limits(fund):
    first, _ = claim(fund, nights=3, event="2026-01-10")  # 600 pending
    second, _ = claim(fund, nights=3, event="2026-02-10")  # 400 left
    assert WelfareClaim.get_by_id(second).suggested_satang == 40_000
    assert fund.apply("welfare.refuse", {"claim_id": first, "reason": "ไม่มีใบรับรองแพทย์"},
                      by="committee").status == "accepted"
    third, _ = claim(fund, nights=3, event="2026-03-10")  # 1,000 − 400 = 600
    assert WelfareClaim.get_by_id(third).suggested_satang == 60_000
    row = WelfareClaim.get_by_id(first)
    assert (row.status, row.decision_reason) == ("refused", "ไม่มีใบรับรองแพทย์")


def test_a_voided_payment_leaves_the_claim_approved(fund):
    claim_id, _ = claim(fund, nights=1)
    fund.apply("welfare.approve", {"claim_id": claim_id, "amount_satang": 20_000},
               by="committee")
    paid = fund.apply("welfare.pay", {"claim_id": claim_id})
    voided = fund.apply("void", {"target_op_id": paid.op_id, "reason": "จ่ายผิดคน"},
                        by="committee")
    assert voided.status == "accepted"
    assert WelfareClaim.get_by_id(claim_id).status == "approved"
    assert fund.apply("welfare.pay", {"claim_id": claim_id}).status == "accepted"
    assert store.fund_balance(fund.group.id) == 80_000


def test_funding_income_goes_to_the_welfare_fund_with_its_source(world):
    welfare_group = groups.create_group("กองทุนสวัสดิการ", kind="welfare")
    world.users["wf"] = users.create_user("wf", World.PASSWORD, "treasurer",
                                          group_ids=[welfare_group.id])
    result = world.apply("group.income", {"amount_satang": 500_000, "category": "matching",
                                          "source": "codi", "matching_round": 1},
                         group=welfare_group, by="wf")
    assert result.status == "accepted"
    assert store.fund_balance(welfare_group.id) == 500_000
    savings_income = world.apply("group.income", {"amount_satang": 10_000,
                                                  "category": "bank_interest"})
    welfare_income = world.apply("group.income", {"amount_satang": 20_000,
                                                  "category": "welfare",
                                                  "source": "local_government"})
    assert savings_income.status == welfare_income.status == "accepted"
    assert ledger.balance_of(world.group.id, books.OTHER_INCOME) == -10_000
    assert store.fund_balance(world.group.id) == 20_000
    (entry,) = store.funding_of(world.group.id)
    assert (entry.amount, entry.source, entry.matching_round) == (20_000, "local_government",
                                                                  None)
    (codi,) = store.funding_of(welfare_group.id)
    assert (codi.source, codi.matching_round) == ("codi", 1)
    bad = world.apply("group.income", {"amount_satang": 1, "category": "x", "source": "moon"})
    assert (bad.status, bad.reason) == ("rejected", "invalid")


def test_contributions_behind_and_lapsed(world):
    """Joined 15 Jan 2025; by 20 Jun 2025 six months have begun (Jan 15 … Jun 15), five
    ended. Paid 90: behind 90, two missed. The other joined 1 Jun and paid nothing."""
    late = world.add_member("มาลี ส่งช้า", joined_on="2025-06-01")
    world.apply("welfare.contribute", {"member_id": world.member_id, "amount_satang": 9_000},
                business_date="2025-03-01")
    rows = {r.member.id: r for r in store.contribution_status(world.group,
                                                              datetime(2025, 6, 20).date())}
    mine = rows[world.member_id]
    assert (mine.due, mine.paid, mine.behind, mine.missed, mine.lapsed) == (
        18_000, 9_000, 9_000, 2, False)
    assert (rows[late].due, rows[late].behind, rows[late].missed) == (3_000, 3_000, 0)
    later = {r.member.id: r for r in store.contribution_status(world.group,
                                                               datetime(2025, 7, 15).date())}
    assert (later[world.member_id].missed, later[world.member_id].lapsed) == (3, True)


def test_a_member_may_be_in_vulnerable_groups(world):
    member_id = str(uuid.uuid4())
    made = world.apply("member.create", {"member_id": member_id, "name": "เด็กชาย ก",
                                         "joined_on": JOINED,
                                         "vulnerable": ["orphan", "disabled"]})
    assert made.status == "accepted"
    from core.store.models import Member

    assert Member.get_by_id(member_id).vulnerable == ["disabled", "orphan"]
    bad = world.apply("member.update", {"member_id": member_id,
                                        "fields": {"vulnerable": ["rich"]}})
    assert (bad.status, bad.reason) == ("rejected", "invalid")
    assert JournalTxn.select().count() == 0
