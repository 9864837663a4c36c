"""Reminders a scheduler (cron, daily or hourly) queues: savings commitment due and overdue,
loan instalments due in three days and overdue, and a welfare waiting period served.

Every reminder has a dedupe key made of its kind, its due item and a day, so running the job
twice on a day (or every hour) queues nothing new; and a topic per due item, so on the phone a
newer reminder replaces the older one. Days are judged in each group's own time zone.

Only members with a sign-in of their own are looked at, so a group without one costs nothing.

- Savings: the commitment (สัจจะ) of a calendar month is due by its last day, as the monthly
  commitment status of the savings day counts it. "Due" is said once, in the last
  DUE_DAYS_AHEAD days of the month, to members short of it; "overdue" on the first day of the
  next month and then once a week for SAVINGS_OVERDUE_DAYS (then that month's own turn comes).
- Loans: the next instalment falling due within DUE_DAYS_AHEAD days, once per instalment;
  an overdue loan on its first day overdue and then once every OVERDUE_EVERY_DAYS days.
- Welfare: on the day a waiting period is served (or within CATCH_UP_DAYS after, should the
  job not have run), once, for members who pay contributions and have not lapsed.
"""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core import books
from core.loan_status import OVERDUE, PAID, instalment_states
from core.money import format_baht
from core.policy import with_defaults
from core.store.db import write_transaction
from core.store.loans import paid_on_schedule, schedule_of
from core.store.meetings import commitment_status
from core.store.models import Account, Group, Loan, Member, User
from core.store.notice_events import MEMBER_PAGE, topic_for
from core.store.notices import DAY, queue
from core.store.welfare import member_facts
from core.thaidate import add_months, format_date

DUE_DAYS_AHEAD = 3
OVERDUE_EVERY_DAYS = 7
CATCH_UP_DAYS = 7
SAVINGS_OVERDUE_DAYS = 21
SEND_FROM = time(8, 0)  # a reminder computed at night waits for the morning
KINDS = ("savings_due", "savings_overdue", "loan_due", "loan_overdue", "welfare_eligible")

TH_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
             "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def run_reminders(now: datetime) -> dict[str, int]:
    """Queue every reminder due at `now` (timezone-aware); how many of each kind were new."""
    counts = Counter(dict.fromkeys(KINDS, 0))
    people = _member_sign_ins()
    for group in Group.select().where(Group.id.in_(list(people))):
        day = Day(group, now)
        with write_transaction():
            _savings(group, day, people[group.id], counts)
            _loans(group, day, people[group.id], counts)
            _eligibility(group, day, people[group.id], counts)
    return dict(counts)


class Day:
    """Today in the group's zone, and when today's reminders may be pushed (stored UTC)."""

    def __init__(self, group: Group, now: datetime):
        zone = ZoneInfo(group.timezone)
        local = now.astimezone(zone)
        self.today = local.date()
        morning = datetime.combine(self.today, SEND_FROM, zone)
        self.send_at = max(local, morning).astimezone(UTC).replace(tzinfo=None)


def _member_sign_ins() -> dict[str, dict[str, list[int]]]:
    """group id -> member id -> the member's active sign-ins (active members only)."""
    rows = (User.select(User.id, Member.id, Member.group)
            .join(Member, on=(User.member == Member.id))
            .where((User.active == True) & (Member.status == "active"))  # noqa: E712
            .tuples())
    people: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for user_id, member_id, group_id in rows:
        people[group_id][member_id].append(user_id)
    return people


def _send(counts: Counter, users: list[int], kind: str, day: "Day", group: Group, *,
          key: str, topic: str, title: tuple[str, str], body: tuple[str, str],
          ttl: int = 3 * DAY) -> None:
    """One reminder to each of the member's sign-ins; counted once when any is new."""
    new = False
    for user_id in users:
        notice_id = queue(user_id, kind, title=title, body=body, url=MEMBER_PAGE,
                          group_id=group.id, topic=topic, due_at=day.send_at,
                          dedupe_key=f"{kind}:{key}:u{user_id}", ttl=ttl)
        new = new or notice_id is not None
    counts[kind] += new


def _overdue_round(days_late: int) -> int | None:
    """The overdue reminder's round on this day: day 1 starts round 0, day 8 round 1..."""
    return (days_late - 1) // OVERDUE_EVERY_DAYS if days_late >= 1 else None


# --------------------------------------------------------------------------- savings


def _month_th(day: date) -> str:
    return f"{TH_MONTHS[day.month - 1]} {day.year + 543}"


def _month_en(day: date) -> str:
    return f"{EN_MONTHS[day.month - 1]} {day.year}"


def _savings(group: Group, day: Day, people: dict[str, list[int]], counts: Counter) -> None:
    commitment = with_defaults(group.policy)["savings"]["monthly_commitment_satang"]
    if group.kind == "welfare" or commitment <= 0:
        return
    month_start = day.today.replace(day=1)
    month_end = add_months(month_start, 1) - timedelta(days=1)
    if (month_end - day.today).days < DUE_DAYS_AHEAD:
        for status in _short(group, month_start, month_end, people):
            short = format_baht(status.commitment - status.paid)
            _send(counts, people[status.member.id], "savings_due", day, group,
                  key=f"{status.member.id}:{month_end}", topic=topic_for("savings",
                                                                         status.member.id),
                  title=("ใกล้ครบกำหนดออมสัจจะ", "Savings due soon"),
                  body=(f"เงินออมสัจจะเดือน{_month_th(month_end)} ครบกำหนดวันที่ "
                        f"{format_date(month_end, 'th')} ยังขาดอีก {short}",
                        f"Your savings commitment for {_month_en(month_end)} is due by "
                        f"{format_date(month_end, 'en')}; {short} still to save"))
    last_end = month_start - timedelta(days=1)
    days_late = (day.today - last_end).days
    if days_late > SAVINGS_OVERDUE_DAYS:  # the new month's own reminder takes over
        return
    overdue_round = _overdue_round(days_late)
    last_start = last_end.replace(day=1)
    round_day = last_end + timedelta(days=1 + overdue_round * OVERDUE_EVERY_DAYS)
    for status in _short(group, last_start, last_end, people):
        if status.member.joined_on > last_end:
            continue
        short = format_baht(status.commitment - status.paid)
        _send(counts, people[status.member.id], "savings_overdue", day, group,
              key=f"{status.member.id}:{last_end:%Y-%m}:{round_day}",
              topic=topic_for("savings", status.member.id),
              title=("ค้างส่งเงินออมสัจจะ", "Savings overdue"),
              body=(f"เงินออมสัจจะเดือน{_month_th(last_end)} ยังขาดอีก {short} "
                    f"กรุณานำส่งในวันออมครั้งถัดไป",
                    f"Your savings commitment for {_month_en(last_end)} is {short} short; "
                    f"please bring it to the next savings day"))


def _short(group: Group, start: date, end: date, people: dict[str, list[int]]):
    return [s for s in commitment_status(group, start, end)
            if s.member.id in people and not s.complete]


# ----------------------------------------------------------------------------- loans


def _loans(group: Group, day: Day, people: dict[str, list[int]], counts: Counter) -> None:
    loans = Loan.select().where((Loan.group == group.id) & (Loan.status == "disbursed")
                                & Loan.member.in_(list(people)))
    for loan in loans:
        states = instalment_states(schedule_of(loan), *paid_on_schedule(loan), day.today)
        users, topic = people[loan.member_id], topic_for("loan", loan.id)
        overdue = [s for s in states if s.state == OVERDUE]
        if overdue:
            first = overdue[0].instalment
            late = (day.today - first.due_date).days
            round_day = first.due_date + timedelta(
                days=1 + _overdue_round(late) * OVERDUE_EVERY_DAYS)
            amount = format_baht(sum(s.left for s in overdue))
            _send(counts, users, "loan_overdue", day, group,
                  key=f"{loan.id}:{first.number}:{round_day}", topic=topic,
                  title=("เงินกู้ค้างชำระ", "Loan overdue"),
                  body=(f"เงินกู้ค้างชำระ {amount} ตั้งแต่งวดที่ {first.number} "
                        f"ครบกำหนดวันที่ {format_date(first.due_date, 'th')} "
                        f"(เกินกำหนด {late} วัน)",
                        f"{amount} of your loan is overdue, from instalment {first.number} "
                        f"due on {format_date(first.due_date, 'en')} ({late} days late)"),
                  ttl=DAY)
        coming = next((s for s in states if s.state not in (PAID, OVERDUE)), None)
        if coming is None:
            continue
        due = coming.instalment
        if 0 <= (due.due_date - day.today).days <= DUE_DAYS_AHEAD:
            amount = format_baht(coming.left)
            _send(counts, users, "loan_due", day, group,
                  key=f"{loan.id}:{due.number}:{due.due_date}", topic=topic,
                  title=("ใกล้ครบกำหนดชำระเงินกู้", "Loan instalment due soon"),
                  body=(f"เงินกู้งวดที่ {due.number} ครบกำหนดวันที่ "
                        f"{format_date(due.due_date, 'th')} ยอดชำระ {amount}",
                        f"Loan instalment {due.number} of {amount} is due on "
                        f"{format_date(due.due_date, 'en')}"))


# --------------------------------------------------------------------------- welfare


def _eligibility(group: Group, day: Day, people: dict[str, list[int]], counts: Counter) -> None:
    benefits = with_defaults(group.policy)["welfare"]["benefits"]
    waits = sorted({b.get("waiting_days") or 0 for b in benefits} - {0})
    earliest = day.today - timedelta(days=CATCH_UP_DAYS - 1)
    candidates = {}  # member id -> (waiting days, the day it was served)
    for member_id, joined_on in (Member.select(Member.id, Member.joined_on)
                                 .where(Member.id.in_(list(people))).tuples()):
        for wait in waits:
            served = joined_on + timedelta(days=wait)
            if earliest <= served <= day.today:
                candidates[member_id] = (wait, served)
    if not candidates:
        return
    if group.kind != "welfare":  # a savings group: only members who contribute to welfare
        contributing = {m for (m,) in Account.select(Account.member).where(
            (Account.group == group.id) & (Account.code == books.WELFARE_FUND)
            & Account.member.in_(list(candidates)) & (Account.balance != 0)).tuples()}
        candidates = {m: c for m, c in candidates.items() if m in contributing}
    for member_id, (wait, served) in candidates.items():
        if member_facts(group, Member.get_by_id(member_id), day.today).lapsed:
            continue
        names = [b for b in benefits if (b.get("waiting_days") or 0) == wait]
        th = ", ".join(b["name_th"] for b in names)
        en = ", ".join(b["name_en"] for b in names)
        _send(counts, people[member_id], "welfare_eligible", day, group,
              key=f"{member_id}:{served}", topic=topic_for("eligible", member_id),
              title=("ครบระยะเวลารอสิทธิ์สวัสดิการ", "Welfare waiting period served"),
              body=(f"ครบระยะเวลารอสิทธิ์ {wait} วันแล้ว ตั้งแต่วันที่ "
                    f"{format_date(served, 'th')} มีสิทธิ์ขอรับสวัสดิการ: {th}",
                    f"Your {wait}-day waiting period is served: from "
                    f"{format_date(served, 'en')} you may claim: {en}"), ttl=7 * DAY)
