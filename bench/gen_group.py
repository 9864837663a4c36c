"""One group's history for the generator: members, monthly meetings with savings, shares,
fines, loans (flat and declining, some in arrears), welfare contributions and claims, a few
entries flagged for review. Every entry goes through `apply_operation`, as a phone's would.

Ids come from uuid5 of the group's seed and a counter: the same seed gives the same network,
ids included.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import date

from core import loans as loan_rules
from core.thaidate import add_months

FIRST_NAMES = ["สมชาย", "สมหญิง", "บุญมี", "มาลี", "ประยูร", "สมพร", "วิไล", "ทองดี", "จันทร์เพ็ญ",
               "สุดใจ", "อำนวย", "บุญเรือน", "ประเสริฐ", "สายใจ", "คำปั่น", "แก้ว", "เพ็ญศรี",
               "ไพโรจน์", "ลำดวน", "สุนทร", "บัวผัน", "ทองใบ", "สมศักดิ์", "นงลักษณ์"]
LAST_NAMES = ["ใจดี", "มีสุข", "ศรีสุข", "บุญมา", "ทองคำ", "แสงทอง", "คำมา", "ดวงดี", "พรมมา",
              "สุขใจ", "ศรีเมือง", "บุญยืน", "แก้วมณี", "จันทร์หอม"]
SHARE_PRICE = 5_000  # the policy default
WELFARE_MONTHLY = 3_000
LOANS_PER_MEMBER_MONTH = 0.02
ARREARS_SHARE = 0.15  # of loans: the borrower stops paying after a few instalments


@dataclass
class Borrowing:
    loan_id: str
    instalments: list  # core.loans.Instalment
    paid: int = 0
    stops_after: int | None = None  # instalments paid before falling into arrears


@dataclass
class Person:
    member_id: str
    savings: int = 0
    shares: int = 0
    joined_on: date | None = None
    loan: Borrowing | None = None
    ever_late: bool = False


@dataclass
class Plan:
    """What a group is: drawn once from its seed, the same on every run."""

    index: int
    group_id: str
    kind: str  # savings or welfare
    members: int
    welfare: bool
    meeting_day: int
    months: list[date] = field(default_factory=list)  # the first of each month of history
    anchor: date | None = None  # "today" of the generation: no meeting lies after it


class GroupWriter:
    def __init__(self, plan: Plan, seed: str, apply, committee_apply, cash_of, claim_of):
        self.plan = plan
        self.rng = random.Random(f"{seed}:{plan.index}")
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"sajja-bench:{seed}:{plan.index}")
        self.counter = 0
        self.apply = apply  # (op_type, day, payload, *, device=None, op_id) -> OpResult
        self.committee_apply = committee_apply
        self.cash_of = cash_of
        self.claim_of = claim_of
        self.people: list[Person] = []
        self.products: dict[str, object] = {}
        self.open_meeting_id: str | None = None

    def new_id(self) -> str:
        self.counter += 1
        return str(uuid.uuid5(self.namespace, str(self.counter)))

    def send(self, op_type, day, payload, *, device=None, by_committee=False):
        sender = self.committee_apply if by_committee else self.apply
        return sender(op_type, day, payload, op_id=self.new_id(), device=device)

    # ------------------------------------------------------------------ the history

    def write(self, products: dict[str, object]) -> None:
        """Every month of the plan; the last meeting is left open, half recorded."""
        self.products = products
        first = self.plan.months[0]
        for _ in range(self.plan.members):
            # joined shortly before the history starts: welfare counts contributions from then
            joined = date.fromordinal(first.toordinal() - self.rng.randrange(1, 25))
            self._join(joined)
        for number, month in enumerate(self.plan.months):
            last = number == len(self.plan.months) - 1
            day = month.replace(day=self.plan.meeting_day)
            if self.plan.anchor and day > self.plan.anchor:
                day = self.plan.anchor
            self._meeting(day, last)

    def _join(self, day: date) -> None:
        member_id = self.new_id()
        name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        self.send("member.create", day, {"member_id": member_id, "name": name,
                                         "joined_on": day.isoformat()})
        self.people.append(Person(member_id, joined_on=day))

    def _meeting(self, day: date, last: bool) -> None:
        rng, savings_group = self.rng, self.plan.kind == "savings"
        if rng.random() < 0.3:  # someone new joins at the meeting
            self._join(day)
        meeting_id = self.new_id()
        self.send("meeting.open", day, {"meeting_id": meeting_id, "date": day.isoformat()})
        at = {"meeting_id": meeting_id}
        room = self.people if not last else self.people[: len(self.people) // 2]
        for person in room:
            if rng.random() < 0.05:
                continue  # away this month
            if savings_group:
                amount = rng.choice((10_000, 10_000, 10_000, 20_000, 50_000))
                self.send("savings.deposit", day, {"member_id": person.member_id,
                                                   "amount_satang": amount, **at})
                person.savings += amount
                if rng.random() < 0.15:
                    count = rng.randint(1, 4)
                    self.send("shares.buy", day, {"member_id": person.member_id,
                                                  "shares": count, **at})
                    person.shares += count * SHARE_PRICE
                self._repay(person, day, at)
            if self.plan.welfare:
                self.send("welfare.contribute", day, {"member_id": person.member_id,
                                                      "amount_satang": WELFARE_MONTHLY, **at})
            if rng.random() < 0.02:  # late with the savings: a fine, paid on the spot
                self.send("fine.charge", day, {"member_id": person.member_id,
                                               "amount_satang": 2_000,
                                               "reason": "ส่งเงินออมช้า"})
                self.send("fine.pay", day, {"member_id": person.member_id,
                                            "amount_satang": 2_000, **at})
        if savings_group:
            self._lend(day, at)
        if self.plan.welfare:
            self._claims(day)
        if rng.random() < 0.08:  # the same deposit keyed in again on a second phone
            person = rng.choice(room)
            amount = 10_000
            for device in ("bench-phone", "bench-phone-2"):
                self.send("savings.deposit", day, {"member_id": person.member_id,
                                                   "amount_satang": amount}, device=device)
            person.savings += 2 * amount
        self.send("group.expense", day, {"amount_satang": rng.choice((5_000, 10_000, 15_000)),
                                         "category": "stationery",
                                         "note": "สมุดบัญชีและค่าถ่ายเอกสาร", **at})
        if last:
            self.open_meeting_id = meeting_id
            return
        counted = self.cash_of() - rng.choice((0, 0, 0, 0, 500))
        self.send("meeting.close", day, {"meeting_id": meeting_id,
                                         "counted_cash_satang": max(counted, 0)})

    # ------------------------------------------------------------------ loans

    def _repay(self, person: Person, day: date, at: dict) -> None:
        loan = person.loan
        if loan is None:
            return
        due = [i for i in loan.instalments[loan.paid:] if i.due_date <= day]
        if not due:
            return
        if loan.stops_after is not None and loan.paid >= loan.stops_after:
            person.ever_late = True  # in arrears: pays nothing more
            return
        instalment = due[0]
        self.send("loan.repay", day, {"loan_id": loan.loan_id,
                                      "amount_satang": instalment.total, **at})
        loan.paid += 1
        if loan.paid == len(loan.instalments):
            person.loan = None

    def _lend(self, day: date, at: dict) -> None:
        rng = self.rng
        wanted = [p for p in self.people if p.loan is None and not p.ever_late
                  and rng.random() < LOANS_PER_MEMBER_MONTH]
        for person in wanted:
            limit = 3 * (person.savings + person.shares)
            principal = min(limit, rng.choice((500_000, 1_000_000, 2_000_000, 3_000_000)))
            principal -= principal % 10_000
            if principal < 200_000 or self.cash_of() < principal + 100_000:
                continue
            method = rng.choice(("flat", "declining"))
            product = self.products[method]
            months = rng.choice((6, 12)) if method == "flat" else rng.choice((12, 18, 24))
            loan_id = self.new_id()
            applied = self.send("loan.apply", day, {
                "loan_id": loan_id, "member_id": person.member_id, "product_id": product.id,
                "principal_satang": principal, "months": months, "purpose": "ลงทุนการเกษตร"})
            if not applied.applied:
                continue
            self.send("loan.approve", day, {"loan_id": loan_id}, by_committee=True)
            self.send("loan.disburse", day, {"loan_id": loan_id, **at})
            schedule = loan_rules.schedule(principal, product.monthly_rate_bp, months, method,
                                           day, product.rounding)
            stops = rng.randint(1, max(1, months // 2)) if rng.random() < ARREARS_SHARE else None
            person.loan = Borrowing(loan_id, schedule, stops_after=stops)

    # ------------------------------------------------------------------ welfare

    def _claims(self, day: date) -> None:
        rng = self.rng
        eligible = [p for p in self.people
                    if p.joined_on and (day - p.joined_on).days > 200]
        for _ in range(sum(rng.random() < 0.004 for _ in eligible)):
            person = rng.choice(eligible)
            claim_id = self.new_id()
            if rng.random() < 0.7:
                benefit = {"benefit_type": "hospital", "nights": rng.randint(1, 3)}
            else:
                benefit = {"benefit_type": "birth"}
            event = date.fromordinal(day.toordinal() - rng.randrange(1, 20))
            claimed = self.send("welfare.claim", day, {
                "claim_id": claim_id, "member_id": person.member_id,
                "event_date": event.isoformat(), **benefit})
            if not claimed.applied:
                continue
            suggested = self.claim_of(claim_id)
            if suggested and claimed.status == "accepted":
                self.send("welfare.approve", day, {"claim_id": claim_id,
                                                   "amount_satang": suggested},
                          by_committee=True)
                self.send("welfare.pay", day, {"claim_id": claim_id})
            else:
                self.send("welfare.refuse", day, {"claim_id": claim_id,
                                                  "reason": "ไม่เป็นไปตามระเบียบ"},
                          by_committee=True)


def month_starts(end: date, months: int) -> list[date]:
    """The first day of each of the `months` months ending with `end`'s month."""
    last = end.replace(day=1)
    return [add_months(last, -back) for back in range(months - 1, -1, -1)]

