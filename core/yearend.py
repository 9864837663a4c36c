"""The year-end close in plain figures: net profit split by the group's policy, and a VSLA's
share-out at the end of its cycle. Integer satang throughout; nothing here reads the books.

Savings groups (DOMAIN.md section 2, cooperative practice [S16]):
- Each pool is its percentage of the net profit, rounded down to the satang.
- The dividend pool is shared in proportion to share-months: for each month of the year, the
  LOWEST share balance the member held in that month (so shares bought during a month count
  from the next month, and shares taken out stop counting in the month they leave) [A].
  An optional yearly cap (`dividend_cap_pct`, the Cooperatives Act caps dividends at 10 % a
  year) limits the pool to that rate on the average shares held; the excess goes to the reserve.
- The refund pool (เฉลี่ยคืน) is shared in proportion to loan interest paid in the year;
  members who defaulted on an instalment that year get none when `exclude_defaulters`.
- Everything that cannot be handed out goes to the reserve: the satang left by rounding the
  pools and each member's part, a pool with nobody to share it, the dividend above the cap.
- A loss year distributes nothing: the loss is charged to the reserve (cooperative practice:
  the reserve exists to cover losses) [A]; it may leave the reserve negative, which the books
  then show plainly.

VSLA share-out (DOMAIN.md section 3): at the cycle's end the fund (the members' share money
plus the cycle's net profit) is paid back in proportion to each member's shares; the satang
left by rounding down stays in the group's reserve (DOMAIN.md section 4: share-out rounding
remainder to the reserve). The social fund is not shared out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import Problem, invalid
from core.thaidate import add_months

POOLS = ("dividend", "refund", "reserve", "welfare", "committee", "public_benefit")
PCT_KEYS = tuple(f"{pool}_pct" for pool in POOLS)
MIN_RESERVE_PCT = 10


# ---------------------------------------------------------------------------- the fiscal year


def fiscal_year_bounds(year_be: int, start_month: int) -> tuple[date, date]:
    """The first and last day of fiscal year `year_be` (named after the year it ends in, as
    core.thaidate.fiscal_year_be names it)."""
    end_year = year_be - 543
    start = date(end_year if start_month == 1 else end_year - 1, start_month, 1)
    return start, add_months(start, 12) - timedelta(days=1)


def month_starts(year_start: date) -> list[date]:
    return [add_months(year_start, i) for i in range(12)]


def share_months(opening: int, movements: Iterable[tuple[date, int]], year_start: date) -> int:
    """Satang-months of shares held over the 12 months from `year_start`: the sum of each
    month's lowest balance. `opening` is the balance the day before; `movements` are dated
    changes (bought positive, paid out negative) within the year."""
    starts = month_starts(year_start) + [add_months(year_start, 12)]
    moves = sorted(movements)
    balance, total, i = opening, 0, 0
    for month in range(12):
        lowest = balance
        while i < len(moves) and moves[i][0] < starts[month + 1]:
            balance += moves[i][1]
            lowest = min(lowest, balance)
            i += 1
        total += max(lowest, 0)
    return total


def defaulted(instalments: Sequence[tuple[date, int]], payments: Iterable[tuple[date, int]],
              year_start: date, year_end: date, grace_days: int = 0) -> bool:
    """Whether an instalment falling due in the year was not fully paid by its due date plus
    the grace days: the money paid by then must cover it and every instalment before it."""
    paid = sorted(payments)
    owed = 0
    for due_date, amount in sorted(instalments):
        owed += amount
        if not year_start <= due_date <= year_end:
            continue
        deadline = due_date + timedelta(days=grace_days)
        if sum(value for day, value in paid if day <= deadline) < owed:
            return True
    return False


# ------------------------------------------------------------------------- the allocation


def check_split(split: dict) -> Problem | None:
    """The policy's percentages: whole, not negative, adding up to 100, reserve at least 10."""
    values = [split.get(key) for key in PCT_KEYS]
    if any(type(v) is not int or v < 0 for v in values):
        return invalid("สัดส่วนต้องเป็นจำนวนเต็มไม่ติดลบ", "Shares must be whole percentages",
                       field="year_end")
    if sum(values) != 100:
        return invalid(f"สัดส่วนการจัดสรรกำไรต้องรวมกันได้ 100% (ตอนนี้รวม {sum(values)}%)",
                       f"The profit allocation must add up to 100 % (it adds up to "
                       f"{sum(values)} %)", field="year_end")
    if split["reserve_pct"] < MIN_RESERVE_PCT:
        return invalid("ทุนสำรองต้องไม่น้อยกว่า 10%", "The reserve must be at least 10 %",
                       field="reserve_pct")
    cap = split.get("dividend_cap_pct")
    if cap is not None and (type(cap) is not int or not 0 < cap <= 100):
        return invalid("เพดานเงินปันผลต้องเป็นร้อยละ 1–100", "The dividend cap must be 1–100 %",
                       field="dividend_cap_pct")
    if type(split.get("exclude_defaulters", True)) is not bool:
        return invalid("ค่าไม่ถูกต้อง", "Must be yes or no", field="exclude_defaulters")
    return None


@dataclass(frozen=True)
class MemberYear:
    member_id: str
    share_months: int  # satang-months
    interest_paid: int
    defaulted: bool = False


@dataclass(frozen=True)
class MemberPart:
    member_id: str
    share_months: int
    dividend: int
    interest_paid: int
    refund: int
    refund_excluded: bool  # paid interest but defaulted, so no refund by the policy

    @property
    def total(self) -> int:
        return self.dividend + self.refund


@dataclass(frozen=True)
class Allocation:
    profit: int
    pools: dict[str, int]  # each pool as its percentage gives it, rounded down
    members: tuple[MemberPart, ...]
    dividend_cap: int | None  # the most the dividend may be, when the policy caps it
    to_reserve: int  # what the reserve gets on top of its own pool: remainders, unshared pools

    @property
    def dividends(self) -> int:
        return sum(m.dividend for m in self.members)

    @property
    def refunds(self) -> int:
        return sum(m.refund for m in self.members)

    @property
    def reserve(self) -> int:
        """The reserve's whole share (negative in a loss year: the loss it carries)."""
        return self.pools["reserve"] + self.to_reserve

    @property
    def loss(self) -> bool:
        return self.profit < 0

    def credits(self) -> dict[str, int]:
        """Where the profit goes, pool by pool; the amounts add up to the profit exactly."""
        return {"dividend": self.dividends, "refund": self.refunds, "reserve": self.reserve,
                "welfare": self.pools["welfare"], "committee": self.pools["committee"],
                "public_benefit": self.pools["public_benefit"]}


def _shared(pool: int, weights: dict[str, int]) -> dict[str, int]:
    """The pool split in proportion to the weights, each part rounded down. A weight below
    zero (interest voided in the year but paid in an earlier one) counts as nothing."""
    weights = {key: max(weight, 0) for key, weight in weights.items()}
    total = sum(weights.values())
    if pool <= 0 or total <= 0:
        return dict.fromkeys(weights, 0)
    return {key: pool * weight // total for key, weight in weights.items()}


def allocate(profit: int, split: dict, members: Sequence[MemberYear]) -> Allocation:
    """Share the year's net profit (satang) by the policy's `split` (the year_end policy)."""
    if profit <= 0:
        pools = dict.fromkeys(POOLS, 0)
        parts = tuple(MemberPart(m.member_id, m.share_months, 0, m.interest_paid, 0, False)
                      for m in members)
        return Allocation(profit, pools, parts, None, profit)
    pools = {pool: profit * split[f"{pool}_pct"] // 100 for pool in POOLS}
    cap = None
    dividend_pool = pools["dividend"]
    if split.get("dividend_cap_pct"):
        # A yearly rate on the shares held: satang-months × rate / 12 months.
        cap = sum(m.share_months for m in members) * split["dividend_cap_pct"] // 1200
        dividend_pool = min(dividend_pool, cap)
    dividends = _shared(dividend_pool, {m.member_id: m.share_months for m in members})
    exclude = split.get("exclude_defaulters", True)
    eligible = {m.member_id: (0 if exclude and m.defaulted else m.interest_paid)
                for m in members}
    refunds = _shared(pools["refund"], eligible)
    parts = tuple(MemberPart(m.member_id, m.share_months, dividends[m.member_id],
                             m.interest_paid, refunds[m.member_id],
                             exclude and m.defaulted and m.interest_paid > 0)
                  for m in members)
    handed_out = (pools["welfare"] + pools["committee"] + pools["public_benefit"]
                  + sum(p.total for p in parts))
    to_reserve = profit - pools["reserve"] - handed_out
    return Allocation(profit, pools, parts, cap, to_reserve)


# ------------------------------------------------------------------------ VSLA share-out


@dataclass(frozen=True)
class SharePayout:
    member_id: str
    shares: int  # the member's share money (satang)
    payout: int

    @property
    def gain(self) -> int:
        return self.payout - self.shares


@dataclass(frozen=True)
class ShareOut:
    share_capital: int
    profit: int
    members: tuple[SharePayout, ...]

    @property
    def fund(self) -> int:
        return self.share_capital + self.profit

    @property
    def paid_out(self) -> int:
        return sum(m.payout for m in self.members)

    @property
    def to_reserve(self) -> int:
        return self.fund - self.paid_out


def share_out(profit: int, shares: dict[str, int]) -> ShareOut:
    """The fund (all share money plus the cycle's net profit, which may be a loss) back to the
    members in proportion to their share money, each rounded down; the rest to the reserve."""
    capital = sum(shares.values())
    payouts = _shared(max(capital + profit, 0), shares)
    return ShareOut(capital, profit, tuple(SharePayout(member_id, value, payouts[member_id])
                                           for member_id, value in shares.items()))
