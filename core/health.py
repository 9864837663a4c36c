"""A group's health mark (green / amber / red) from indicators, the thresholds kept as data.

Plain rules over plain values, so the same table marks a group and prints the legend that
field staff read on the page. Each indicator gets its own colour; the group's mark is the worst
colour among the indicators that could be measured. An indicator Sajja has no figure for (no
loans yet, committee meetings not recorded) is "unknown": shown, never counted.

Where the thresholds come from ([A] = an assumption to check with real groups):
* meetings: Thai savings groups meet once a month (DOMAIN.md §3, "open-ended, monthly"); a
  meeting in each of the last three full months is regular [A: three months, the same span as
  a welfare fund's lapse after three missed contributions].
* savings growth over three months: a group that collects its monthly สัจจะ grows; flat or a
  small fall is a question for the visit, a fall of a tenth is a warning [A].
* repayment rate: what fell due in the last three months against what was paid of it; 95 % and
  above is the usual "good" line in microfinance practice, under 85 % a problem [A].
* PAR30: under 5 % is the line CGAP and SEEP practice calls healthy; 10 % and above is a
  portfolio in danger [A].
* books balanced: the trial balance sums to zero, or the books are wrong.
* reviews: entries waiting for a person to check; a week is how long a phone works offline
  (DESIGN.md), a month unresolved is red [A].
* committee meetings: not recorded in Sajja yet, so always unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GREEN, AMBER, RED, UNKNOWN = "green", "amber", "red", "unknown"
SEVERITY = {GREEN: 0, AMBER: 1, RED: 2}

MEETINGS, SAVINGS_GROWTH, REPAYMENT, PAR30 = ("meetings", "savings_growth", "repayment",
                                               "par30")
BOOKS, REVIEWS, COMMITTEE = "books_balanced", "reviews", "committee_meetings"

# Comparisons a rule may use: (value, limit) -> bool.
COMPARE = {
    ">=": lambda value, limit: value >= limit,
    ">": lambda value, limit: value > limit,
    "<": lambda value, limit: value < limit,
    "<=": lambda value, limit: value <= limit,
    "==": lambda value, limit: value == limit,
}


@dataclass(frozen=True)
class Rule:
    """One indicator: the first band whose test holds gives the colour; none holding gives red.

    ``bands``: ((colour, operator, limit), ...) tried in order.
    """

    code: str
    name_th: str
    name_en: str
    unit: str  # how the value reads: "months", "pct", "days", "yes/no"
    bands: tuple[tuple[str, str, object], ...]


RULES: tuple[Rule, ...] = (
    Rule(MEETINGS, "ประชุมทุกเดือน", "Meetings every month", "months",
         ((GREEN, ">=", 3), (AMBER, ">=", 2))),
    Rule(SAVINGS_GROWTH, "เงินออมเพิ่มขึ้นใน 3 เดือน", "Savings growth over 3 months", "pct",
         ((GREEN, ">", 0), (AMBER, ">", -10))),
    Rule(REPAYMENT, "อัตราการชำระคืน 3 เดือน", "Repayment rate, last 3 months", "pct",
         ((GREEN, ">=", 95), (AMBER, ">=", 85))),
    Rule(PAR30, "เงินกู้ค้างชำระเกิน 30 วัน (PAR30)", "Portfolio at risk over 30 days (PAR30)",
         "pct", ((GREEN, "<", 5), (AMBER, "<", 10))),
    Rule(BOOKS, "งบทดลองสมดุล", "Books balanced", "yes/no", ((GREEN, "==", True),)),
    Rule(REVIEWS, "รายการรอตรวจสอบค้างนานสุด", "Oldest review waiting", "days",
         ((GREEN, "<=", 7), (AMBER, "<=", 30))),
    Rule(COMMITTEE, "คณะกรรมการประชุม", "Committee meetings held", "months", ()),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}
MEETING_MONTHS = 3  # the span the meetings rule counts over
GROWTH_MONTHS = 3
REPAYMENT_DAYS = 90


@dataclass(frozen=True)
class Reading:
    """One indicator of one group: its value (None when it cannot be measured) and colour."""

    rule: Rule
    value: object
    colour: str


@dataclass(frozen=True)
class Mark:
    colour: str
    readings: tuple[Reading, ...]

    def reading(self, code: str) -> Reading:
        return next(r for r in self.readings if r.rule.code == code)


def colour_of(rule: Rule, value) -> str:
    """The colour of one value under one rule; UNKNOWN when there is no value or no bands."""
    if value is None or not rule.bands:
        return UNKNOWN
    for colour, operator, limit in rule.bands:
        if COMPARE[operator](value, limit):
            return colour
    return RED


def worst(colours) -> str:
    """The mark: the worst known colour; UNKNOWN only when nothing could be measured."""
    known = [c for c in colours if c in SEVERITY]
    return max(known, key=SEVERITY.__getitem__) if known else UNKNOWN


def mark(values: dict[str, object]) -> Mark:
    """The mark of a group from its indicator values, by rule code (missing = unknown)."""
    readings = tuple(Reading(rule, values.get(rule.code), colour_of(rule, values.get(rule.code)))
                     for rule in RULES)
    return Mark(worst(r.colour for r in readings), readings)


def growth_pct(now: int, before: int) -> Decimal | None:
    """Per cent change from ``before`` to ``now``, 1 decimal; None when both are zero.

    From nothing to something is counted as +100 %: the group started saving."""
    if before == 0:
        return None if now == 0 else (Decimal(100) if now > 0 else Decimal(-100))
    return (Decimal(now - before) * 100 / Decimal(abs(before))).quantize(Decimal("0.1"))


def rate_pct(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, 1 decimal; None when nothing was due."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def legend(lang: str = "th") -> list[dict]:
    """Each rule's name and what each colour needs, written from the table itself."""
    units = {"pct": " %", "days": (" วัน" if lang == "th" else " days"),
             "months": (" เดือน" if lang == "th" else " months"), "yes/no": ""}
    words = {True: "ใช่" if lang == "th" else "yes", False: "ไม่" if lang == "th" else "no"}
    rows = []
    for rule in RULES:
        bands = []
        for colour, operator, limit in rule.bands:
            if isinstance(limit, bool):
                bands.append((colour, words[limit]))
            else:
                bands.append((colour, f"{operator} {limit}{units[rule.unit]}"))
        rows.append({"code": rule.code, "name": rule.name_th if lang == "th" else rule.name_en,
                     "bands": bands})
    return rows
