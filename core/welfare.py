"""Welfare-fund rules: the scheme as data, whether a claim may be paid and how much, what a
member owes in contributions and when membership lapses, and the funders' age groups.

Plain values in and out; standard library, core.errors, core.money and core.thaidate only.

The scheme is the `welfare` section of a group's policy (core.policy.DEFAULTS):
`contribution_satang` per `contribution_per` ("day", "month" or "year"), `lapse_after_missed`
(0: never lapses) and `benefits`, a list of dicts, each with a stable `code`, `name_th`,
`name_en`, `waiting_days` from joining, exactly one amount rule (`amount_satang` a fixed sum,
0 meaning the committee decides; `per_night_satang` times the nights; or
`by_membership_years`, rows of [whole years of membership, amount], the highest row reached
applies), optional limits `per_event_satang`, `per_year_satang`, `per_life_satang`, and optional
conditions `min_age`, `max_age`, `gender` ("female" or "male"), `min_membership_years`.

Contributions are collected by period, counted from the joining date: a monthly scheme's
periods start on the joining day of each month (31 Jan, 28 Feb, 31 Mar: the month's last day
when it is shorter), a yearly scheme's on each anniversary. A contribution "per day" is
collected monthly as 30 days' worth ("one baht a day" is 30 baht a month; a year of months is
then 360 baht, where a scheme stated per year asks 365). The contribution of a period is due
from the day the period starts. A contribution is missed when its period has ended and it is
still unpaid; payments settle the oldest period first, so a member who pays what they owe is
in good standing again from that day. Membership lapses while `lapse_after_missed` or more are
missed; a claim is judged with the contributions paid by the day of the event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import Problem, invalid
from core.money import format_baht
from core.thaidate import add_months, format_date

PER_DAY, PER_MONTH, PER_YEAR = "day", "month", "year"
CONTRIBUTION_PERS = (PER_DAY, PER_MONTH, PER_YEAR)
DAYS_PER_MONTH = 30
AMOUNT_RULES = ("amount_satang", "per_night_satang", "by_membership_years")
LIMITS = ("per_event_satang", "per_year_satang", "per_life_satang")
GENDERS = ("female", "male")
# The vulnerable groups the support institute counts (a member may be in several).
VULNERABLE = ("disabled", "orphan", "disadvantaged")
CHILDREN, WORKING_AGE, ELDERLY, UNKNOWN_AGE = "children", "working_age", "elderly", "unknown"
AGE_GROUPS = (CHILDREN, WORKING_AGE, ELDERLY, UNKNOWN_AGE)
ADULT_AGE, ELDERLY_AGE = 18, 60
FUNDING_SOURCES = ("members", "local_government", "codi", "other")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


# ------------------------------------------------------------------------------ the scheme


def scheme_of(policy: dict) -> dict:
    """The welfare section, given either a whole group policy or the section itself."""
    return policy.get("welfare", policy)


def benefit_of(policy: dict, code: str) -> dict | None:
    return next((b for b in scheme_of(policy)["benefits"] if b.get("code") == code), None)


def _amount_ok(value, *, allow_none: bool = True) -> bool:
    if value is None:
        return allow_none
    return type(value) is int and value >= 0


def check_scheme(policy: dict) -> Problem | None:
    """What is wrong with a scheme, or None: the first problem found, naming its field."""
    scheme = scheme_of(policy)
    if scheme.get("contribution_per") not in CONTRIBUTION_PERS:
        return invalid("เงินสมทบต้องกำหนดเป็นรายวัน รายเดือน หรือรายปี",
                       "Contributions are per day, month or year", "contribution_per")
    if not _amount_ok(scheme.get("contribution_satang"), allow_none=False):
        return invalid("เงินสมทบต้องเป็นจำนวนเงินที่ไม่ติดลบ",
                       "The contribution must be an amount of zero or more",
                       "contribution_satang")
    lapse = scheme.get("lapse_after_missed")
    if type(lapse) is not int or lapse < 0:
        return invalid("จำนวนงวดที่ขาดส่งต้องเป็นจำนวนเต็มไม่ติดลบ",
                       "Missed contributions must be a whole number, zero or more",
                       "lapse_after_missed")
    benefits = scheme.get("benefits")
    if not isinstance(benefits, list):
        return invalid("รายการสวัสดิการไม่ถูกต้อง", "The benefits must be a list", "benefits")
    seen = set()
    for benefit in benefits:
        problem = _check_benefit(benefit, seen)
        if problem:
            return problem
    return None


def _check_benefit(benefit, seen: set) -> Problem | None:
    code = benefit.get("code") if isinstance(benefit, dict) else None
    if not isinstance(code, str) or not _CODE.fullmatch(code) or code in seen:
        return invalid("รหัสสวัสดิการต้องเป็นตัวอักษรภาษาอังกฤษตัวเล็กและไม่ซ้ำกัน",
                       "Each benefit needs its own code of lower-case letters", "code")
    seen.add(code)

    def bad(th: str, en: str, name: str) -> Problem:
        return invalid(f"{code}: {th}", f"{code}: {en}", f"{code}.{name}")

    for name in ("name_th", "name_en"):
        if not isinstance(benefit.get(name), str) or not benefit[name].strip():
            return bad("ต้องมีชื่อภาษาไทยและภาษาอังกฤษ", "needs a Thai and an English name", name)
    waiting = benefit.get("waiting_days", 0)
    if type(waiting) is not int or waiting < 0:
        return bad("ระยะเวลารอสิทธิ์ต้องเป็นจำนวนวันไม่ติดลบ",
                   "the waiting period is a number of days, zero or more", "waiting_days")
    rules = [name for name in AMOUNT_RULES if benefit.get(name) is not None]
    if len(rules) != 1:
        return bad("ต้องมีวิธีคิดจำนวนเงินหนึ่งวิธี", "needs exactly one amount rule", "amount")
    table = benefit.get("by_membership_years")
    if table is not None and not _table_ok(table):
        return bad("ตารางตามอายุสมาชิกต้องเรียงจำนวนปีจากน้อยไปมาก เริ่มที่ 0 ปี",
                   "the table by membership years must rise from 0 years",
                   "by_membership_years")
    for name in ("amount_satang", "per_night_satang", *LIMITS):
        if not _amount_ok(benefit.get(name)):
            return bad("จำนวนเงินต้องไม่ติดลบ", "amounts must be zero or more", name)
    for name in ("min_age", "max_age", "min_membership_years"):
        value = benefit.get(name)
        if value is not None and (type(value) is not int or not 0 <= value <= 150):
            return bad("ต้องเป็นจำนวนปีเต็ม", "must be a whole number of years", name)
    if benefit.get("gender") not in (None, *GENDERS):
        return bad("เพศไม่ถูกต้อง", "unknown gender", "gender")
    return None


def _table_ok(table) -> bool:
    if not isinstance(table, list) or not table:
        return False
    years = []
    for row in table:
        if (not isinstance(row, list | tuple) or len(row) != 2
                or not all(type(v) is int and v >= 0 for v in row)):
            return False
        years.append(row[0])
    return years[0] == 0 and years == sorted(set(years))


# ------------------------------------------------------------------------- dates, ages


def whole_years(start: date, on: date) -> int:
    """Whole years from `start` to `on` (an age, or years of membership)."""
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def age_group(birth_date: date | None, on: date) -> str:
    """The support institute's age groups: children under 18, working age 18 to 59, elderly
    60 and over; "unknown" when no date of birth is recorded."""
    if birth_date is None:
        return UNKNOWN_AGE
    age = whole_years(birth_date, on)
    return CHILDREN if age < ADULT_AGE else ELDERLY if age >= ELDERLY_AGE else WORKING_AGE


def year_bounds(year: int, start_month: int = 1) -> tuple[date, date]:
    """First and last day of a benefit or report year. With a start month other than January
    the year is named after the calendar year it ends in (2026 from October: 1 Oct 2025 to
    30 Sep 2026), as Thai fiscal years are."""
    first = date(year if start_month == 1 else year - 1, start_month, 1)
    return first, add_months(first, 12) - timedelta(days=1)


def year_of(day: date, start_month: int = 1) -> int:
    return day.year + (1 if start_month != 1 and day.month >= start_month else 0)


# -------------------------------------------------------------------------- contributions


def period_amount(policy: dict) -> int:
    """What one collection period asks: a per-day contribution is collected 30 days at once."""
    scheme = scheme_of(policy)
    days = DAYS_PER_MONTH if scheme["contribution_per"] == PER_DAY else 1
    return scheme["contribution_satang"] * days


def period_months(policy: dict) -> int:
    return 12 if scheme_of(policy)["contribution_per"] == PER_YEAR else 1


def periods_started(policy: dict, joined_on: date, as_of: date) -> int:
    """Collection periods begun from joining to `as_of`, the joining day's one included."""
    if as_of < joined_on:
        return 0
    months = period_months(policy)
    count = ((as_of.year - joined_on.year) * 12 + as_of.month - joined_on.month) // months
    if add_months(joined_on, count * months) > as_of:
        count -= 1
    return count + 1


def contributions_due(policy: dict, joined_on: date, as_of: date) -> int:
    """All a member should have contributed by `as_of`, in satang."""
    return period_amount(policy) * periods_started(policy, joined_on, as_of)


def behind(due: int, paid: int) -> int:
    """How much a member is behind; paying ahead is never negative arrears."""
    return max(0, due - paid)


def missed_contributions(policy: dict, joined_on: date, paid: int, as_of: date) -> int:
    """Periods ended by `as_of` whose contribution is still unpaid (oldest settled first)."""
    amount = period_amount(policy)
    if amount <= 0:
        return 0
    ended = max(0, periods_started(policy, joined_on, as_of) - 1)
    return max(0, ended - paid // amount)


def is_lapsed(policy: dict, missed: int) -> bool:
    limit = scheme_of(policy)["lapse_after_missed"]
    return limit > 0 and missed >= limit


# ----------------------------------------------------------------------------- a claim


@dataclass(frozen=True)
class MemberFacts:
    """What the rules need to know of the member, as of the event.

    `exited_on`: the day the member left, if they have (an event on or before it still counts:
    a death is often recorded as leaving); `missed`: contributions missed by the event's day;
    `lapsed`: whether that is enough for the membership to lapse (is_lapsed)."""

    joined_on: date
    birth_date: date | None = None
    gender: str | None = None
    exited_on: date | None = None
    lapsed: bool = False
    missed: int = 0


@dataclass(frozen=True)
class PaidSoFar:
    """What the member's earlier claims of this benefit already took (claimed, approved or
    paid; a refused claim takes nothing): for the same event, in the event's benefit year, and
    ever."""

    this_event: int = 0
    this_year: int = 0
    lifetime: int = 0


@dataclass(frozen=True)
class Reason:
    """One sentence a committee member can read aloud; `ok` False when it stops the claim."""

    code: str
    ok: bool
    th: str
    en: str

    def text(self, lang: str) -> str:
        return self.th if lang == "th" else self.en


@dataclass(frozen=True)
class Assessment:
    allowed: bool
    suggested_satang: int  # 0 when not allowed
    reasons: tuple[Reason, ...]
    rule_satang: int = 0  # the rule's amount before the limits

    @property
    def problems(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.ok)

    def problem(self) -> Problem | None:
        """The refusal as the sync contract names it (`welfare_rule`), every reason at once."""
        if self.allowed:
            return None
        return Problem("welfare_rule", " · ".join(r.th for r in self.problems),
                       " · ".join(r.en for r in self.problems))

    def as_data(self) -> list[dict]:
        return [{"code": r.code, "ok": r.ok, "th": r.th, "en": r.en} for r in self.reasons]


def _baht(satang: int) -> str:
    text = format_baht(satang, sign=False)  # read aloud: "600", not "600.00"
    return text[:-3] if text.endswith(".00") else text


def _th(satang: int) -> str:
    return f"{_baht(satang)} บาท"


def _en(satang: int) -> str:
    return f"{_baht(satang)} baht"


def assess_claim(benefit: dict, member: MemberFacts, event_date: date, today: date,
                 nights: int | None = None, paid: PaidSoFar | None = None) -> Assessment:
    """Whether the rules allow this claim, the amount they suggest, and every reason."""
    paid = paid or PaidSoFar()
    reasons: list[Reason] = []

    def say(code: str, ok: bool, th: str, en: str) -> None:
        reasons.append(Reason(code, ok, th, en))

    _membership(benefit, member, event_date, today, say)
    _conditions(benefit, member, event_date, say)
    rule = _rule_amount(benefit, member, event_date, nights, say)
    amount = _limited(benefit, rule, paid, say)
    allowed = all(r.ok for r in reasons)
    if allowed and amount:
        say("amount", True, f"จำนวนเงินตามระเบียบ: {_th(amount)}",
            f"amount by the rules: {_en(amount)}")
    return Assessment(allowed, amount if allowed else 0, tuple(reasons), rule)


def _membership(benefit, member: MemberFacts, event_date, today, say) -> None:
    if event_date > today:
        say("future", False, f"วันที่เกิดเหตุ {format_date(event_date, 'th')} ยังมาไม่ถึง",
            f"the event date {format_date(event_date, 'en')} is in the future")
    if member.exited_on is not None and member.exited_on < event_date:
        say("exited", False,
            f"สมาชิกลาออกแล้วเมื่อ {format_date(member.exited_on, 'th')} ก่อนวันที่เกิดเหตุ",
            f"the member left on {format_date(member.exited_on, 'en')}, before the event")
    days, waiting = (event_date - member.joined_on).days, benefit.get("waiting_days") or 0
    if days < 0:
        say("waiting", False, "เหตุเกิดก่อนวันที่เข้าเป็นสมาชิก",
            "the event happened before the member joined")
    elif waiting:
        if days < waiting:
            say("waiting", False, f"ระยะเวลารอสิทธิ์: {days} จาก {waiting} วัน",
                f"waiting period: {days} of {waiting} days")
        else:
            say("waiting", True, f"ระยะเวลารอสิทธิ์ครบแล้ว: {days} จาก {waiting} วัน",
                f"waiting period served: {days} of {waiting} days")
    if member.lapsed:
        say("lapsed", False,
            f"สมาชิกภาพขาด: ค้างส่งเงินสมทบ {member.missed} งวด ณ วันที่เกิดเหตุ",
            f"membership lapsed: {member.missed} contributions missed by the event")
    elif member.missed:
        say("lapsed", True, f"ค้างส่งเงินสมทบ {member.missed} งวด (ยังไม่ขาดสมาชิกภาพ)",
            f"{member.missed} contributions behind (membership has not lapsed)")


def _conditions(benefit, member: MemberFacts, event_date, say) -> None:
    years_needed = benefit.get("min_membership_years")
    if years_needed:
        years = max(0, whole_years(member.joined_on, event_date))
        say("membership_years", years >= years_needed,
            f"เป็นสมาชิก {years} ปี (ต้องครบ {years_needed} ปี)",
            f"member for {years} years ({years_needed} needed)")
    low, high = benefit.get("min_age"), benefit.get("max_age")
    if low is not None or high is not None:
        if member.birth_date is None:
            say("age", False, "ไม่มีวันเกิดในทะเบียน จึงตรวจอายุไม่ได้",
                "no date of birth is recorded, so the age cannot be checked")
        else:
            age = whole_years(member.birth_date, event_date)
            ok = (low is None or age >= low) and (high is None or age <= high)
            th = " ".join(t for v, t in ((low, f"ตั้งแต่ {low} ปี"), (high, f"ไม่เกิน {high} ปี"))
                          if v is not None)
            en = ", ".join(t for v, t in ((low, f"from {low}"), (high, f"up to {high}"))
                           if v is not None)
            say("age", ok, f"อายุ {age} ปี (สวัสดิการนี้สำหรับอายุ{th})",
                f"age {age} (this benefit is for ages {en})")
    gender = benefit.get("gender")
    if gender:
        th, en = {"female": ("หญิง", "women"), "male": ("ชาย", "men")}[gender]
        say("gender", member.gender == gender, f"สวัสดิการนี้สำหรับเพศ{th}",
            f"this benefit is for {en}")


def _rule_amount(benefit, member: MemberFacts, event_date, nights, say) -> int:
    if benefit.get("per_night_satang") is not None:
        rate = benefit["per_night_satang"]
        if not nights or nights < 1:
            say("nights", False, "ต้องระบุจำนวนคืนที่นอนโรงพยาบาล",
                "the number of nights is needed")
            return 0
        total = rate * nights
        say("nights", True, f"{nights} คืน × {_th(rate)} = {_th(total)}",
            f"{nights} nights × {_en(rate)} = {_en(total)}")
        return total
    if benefit.get("by_membership_years") is not None:
        years = max(0, whole_years(member.joined_on, event_date))
        amount = 0
        for min_years, row_amount in benefit["by_membership_years"]:
            if years >= min_years:
                amount = row_amount
        say("by_years", True, f"เป็นสมาชิก {years} ปี: {_th(amount)}",
            f"member for {years} years: {_en(amount)}")
        return amount
    amount = benefit.get("amount_satang") or 0
    if not amount:
        say("committee", True, "จำนวนเงินตามที่คณะกรรมการพิจารณา",
            "the amount is for the committee to decide")
    return amount


_LIMIT_WORDS = {
    "per_event_satang": ("ต่อครั้ง", "per event"),
    "per_year_satang": ("ต่อปี", "per year"),
    "per_life_satang": ("ตลอดการเป็นสมาชิก", "per lifetime"),
}


def _limited(benefit, amount: int, paid: PaidSoFar, say) -> int:
    used = {"per_event_satang": paid.this_event, "per_year_satang": paid.this_year,
            "per_life_satang": paid.lifetime}
    for name in LIMITS:
        cap = benefit.get(name)
        if cap is None:
            continue
        left = max(0, cap - used[name])
        th, en = _LIMIT_WORDS[name]
        if left == 0:
            say(name, False, f"ใช้สิทธิ์ครบวงเงิน{th}แล้ว ({_th(cap)})",
                f"the limit of {_en(cap)} {en} is used up")
            amount = 0
        elif amount > left:
            said_used = (f" ใช้ไปแล้ว {_th(used[name])}" if used[name] else "",
                         f", {_en(used[name])} already used" if used[name] else "")
            say(name, True, f"วงเงิน{th} {_th(cap)}{said_used[0]} จ่ายได้อีก {_th(left)}",
                f"limit {_en(cap)} {en}{said_used[1]}: {_en(left)} can be paid")
            amount = left
    return amount
