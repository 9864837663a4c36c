"""The reminder scheduler: due and overdue savings and loan instalments, a waiting period
served; once per due item and day, with one topic per item."""

import json
import uuid
from datetime import UTC, datetime

from core.store import groups, users
from core.store.models import Notice
from core.store.notice_events import topic_for
from core.store.reminders import run_reminders
from tests.conftest import World


def _at(day: str, hour_bangkok: int = 8) -> datetime:
    """That day at that hour in Bangkok (UTC+7), as an aware time."""
    moment = datetime.fromisoformat(f"{day}T{hour_bangkok:02d}:00:00+07:00")
    return moment.astimezone(UTC)


def _of(world, kind, who="member"):
    return list(Notice.select().where((Notice.kind == kind)
                                      & (Notice.user == world.users[who].id))
                .order_by(Notice.id))


def _th(notice):
    return notice.payload["body"]["th"]


def _loan_paid_out_on(world, day: str) -> str:
    """฿3,000.00 flat at 1 % a month over 3 months: ฿1,000.00 + ฿30.00 interest a month,
    instalments falling due a month, two and three months after `day`."""
    product = groups.create_product(world.group.id, "สามัญ", method="flat",
                                    monthly_rate_bp=100, max_months=12)
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000},
                business_date=day)
    loan_id = str(uuid.uuid4())
    assert world.apply("loan.apply", {"loan_id": loan_id, "member_id": world.member_id,
                                      "product_id": product.id, "principal_satang": 300_000,
                                      "months": 3}, business_date=day).applied
    assert world.apply("loan.approve", {"loan_id": loan_id}, by="committee",
                       business_date=day).applied
    assert world.apply("loan.disburse", {"loan_id": loan_id}, business_date=day).applied
    return loan_id


def test_an_instalment_due_in_three_days_is_told_once(world):
    loan_id = _loan_paid_out_on(world, "2026-09-20")
    assert run_reminders(_at("2026-10-16"))["loan_due"] == 0  # four days ahead: not yet
    assert run_reminders(_at("2026-10-17"))["loan_due"] == 1
    assert run_reminders(_at("2026-10-17", 20))["loan_due"] == 0  # the same day again
    assert run_reminders(_at("2026-10-18"))["loan_due"] == 0  # the same instalment
    (due,) = _of(world, "loan_due")
    assert _th(due) == "เงินกู้งวดที่ 1 ครบกำหนดวันที่ 20 ต.ค. 2569 ยอดชำระ ฿1,030.00"
    assert due.payload["body"]["en"] == ("Loan instalment 1 of ฿1,030.00 is due on "
                                         "20 Oct 2026")
    assert due.topic == topic_for("loan", loan_id) and due.payload["url"] == "/me"


def test_an_overdue_instalment_is_told_again_a_week_later_under_the_same_topic(world):
    loan_id = _loan_paid_out_on(world, "2026-09-20")
    # ฿530.00 paid on the due day: the ฿30.00 interest due, then ฿500.00 of principal,
    # leaving ฿1,030.00 − ฿530.00 = ฿500.00 owed on the first instalment
    assert world.apply("loan.repay", {"loan_id": loan_id, "amount_satang": 53_000},
                       business_date="2026-10-20").applied
    assert run_reminders(_at("2026-10-21"))["loan_overdue"] == 1
    assert run_reminders(_at("2026-10-21", 23))["loan_overdue"] == 0
    assert run_reminders(_at("2026-10-22"))["loan_overdue"] == 0
    assert run_reminders(_at("2026-10-28"))["loan_overdue"] == 1
    first, again = _of(world, "loan_overdue")
    assert _th(first) == ("เงินกู้ค้างชำระ ฿500.00 ตั้งแต่งวดที่ 1 ครบกำหนดวันที่ 20 ต.ค. 2569 "
                          "(เกินกำหนด 1 วัน)")
    assert _th(again).endswith("(เกินกำหนด 8 วัน)")
    assert first.topic == again.topic == topic_for("loan", loan_id)


def test_savings_short_of_the_commitment_are_due_then_overdue(world):
    # the default commitment is ฿100.00 a month; ฿40.00 saved in October leaves ฿60.00
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 4_000},
                business_date="2026-10-05")
    assert run_reminders(_at("2026-10-28"))["savings_due"] == 0  # four days before the end
    assert run_reminders(_at("2026-10-29"))["savings_due"] == 1
    assert run_reminders(_at("2026-10-30"))["savings_due"] == 0  # once a month
    (due,) = _of(world, "savings_due")
    assert _th(due) == ("เงินออมสัจจะเดือนตุลาคม 2569 ครบกำหนดวันที่ 31 ต.ค. 2569 "
                        "ยังขาดอีก ฿60.00")
    counts = run_reminders(_at("2026-11-01"))
    assert counts["savings_overdue"] == 1
    assert run_reminders(_at("2026-11-01", 21))["savings_overdue"] == 0
    (overdue,) = _of(world, "savings_overdue")
    assert _th(overdue) == ("เงินออมสัจจะเดือนตุลาคม 2569 ยังขาดอีก ฿60.00 "
                            "กรุณานำส่งในวันออมครั้งถัดไป")
    assert overdue.topic == due.topic == topic_for("savings", world.member_id)
    assert run_reminders(_at("2026-11-08"))["savings_overdue"] == 1


def test_a_member_who_met_the_commitment_hears_nothing(world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 10_000},
                business_date="2026-10-05")
    assert run_reminders(_at("2026-10-30"))["savings_due"] == 0
    assert run_reminders(_at("2026-11-01"))["savings_overdue"] == 0


def test_a_waiting_period_served_today_is_told_once(world):
    # joined 1 May 2026: 180 days later is 28 Oct 2026
    member_id = world.add_member("สมหญิง รอสิทธิ์", joined_on="2026-05-01")
    world.users["newcomer"] = users.create_user("newcomer", World.MEMBER_PIN, "member",
                                                group_ids=[world.group.id], member_id=member_id)
    # ฿30.00 a month from May to October: nothing missed, the membership stands
    world.apply("welfare.contribute", {"member_id": member_id, "amount_satang": 18_000},
                business_date="2026-05-01")
    assert run_reminders(_at("2026-10-27"))["welfare_eligible"] == 0
    assert run_reminders(_at("2026-10-28"))["welfare_eligible"] == 1
    assert run_reminders(_at("2026-10-28", 22))["welfare_eligible"] == 0
    assert run_reminders(_at("2026-10-30"))["welfare_eligible"] == 0
    (told,) = _of(world, "welfare_eligible", "newcomer")
    assert _th(told) == ("ครบระยะเวลารอสิทธิ์ 180 วันแล้ว ตั้งแต่วันที่ 28 ต.ค. 2569 "
                         "มีสิทธิ์ขอรับสวัสดิการ: คลอดบุตร, นอนโรงพยาบาล, เสียชีวิต, ผู้พิการ, "
                         "ทุนการศึกษา, ภัยพิบัติ, อื่น ๆ")
    assert _of(world, "welfare_eligible") == []  # the other member joined long before


def test_a_member_who_pays_no_contributions_is_not_told_of_welfare(world):
    member_id = world.add_member("สมปอง ไม่สมทบ", joined_on="2026-05-01")
    users.create_user("no-welfare", World.MEMBER_PIN, "member", group_ids=[world.group.id],
                      member_id=member_id)
    assert run_reminders(_at("2026-10-28"))["welfare_eligible"] == 0


def test_a_reminder_computed_at_night_waits_for_the_morning(world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 4_000},
                business_date="2026-10-05")
    run_reminders(_at("2026-10-30", 1))
    (due,) = _of(world, "savings_due")
    assert due.due_at == datetime(2026, 10, 30, 1, 0)  # 08:00 in Bangkok, stored in UTC


def test_the_schedule_command_prints_what_it_queued(app, world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 4_000},
                business_date="2026-10-05")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notices", "schedule", "--at", "2026-10-30T09:00+07:00"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["savings_due"] == 1
    again = runner.invoke(args=["notices", "schedule", "--at", "2026-10-30T10:00+07:00"])
    assert json.loads(again.output)["savings_due"] == 0
    bad = runner.invoke(args=["notices", "schedule", "--at", "2026-10-30T10:00"])
    assert bad.exit_code != 0
