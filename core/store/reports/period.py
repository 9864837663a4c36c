"""A report's period: one calendar month, or one fiscal year named in the Buddhist Era.

A group's fiscal year starts in the month its policy names (``fiscal_year_start_month``) and is
named after the year it ends in, as Thai fiscal years are (core.welfare.year_bounds): with a
start in October, fiscal year 2569 runs from 1 October 2568 to 30 September 2569. A month is
the same for every group; a fiscal year's days depend on the group.

Plain Python: what a person typed in, turned into dates, or a clear refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import InputError
from core.thaidate import (
    BE_OFFSET,
    BE_THRESHOLD,
    EN_MONTHS,
    TH_MONTHS,
    add_months,
    format_date,
)

MONTH, YEAR = "month", "year"
# Years a report may name (Common Era): 2500 to 2700 in the Buddhist Era.
FIRST_YEAR, LAST_YEAR = 2500 - BE_OFFSET, 2700 - BE_OFFSET

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_YEAR_RE = re.compile(r"[0-9]{4}")

_MESSAGES = {
    "bad_month_format": ("กรุณาระบุเดือนเป็น ปี พ.ศ.-เดือน เช่น 2569-11",
                         "Give the month as Buddhist-Era year and month, e.g. 2569-11"),
    "bad_month": ("เดือนต้องเป็นเลข 1 ถึง 12", "The month must be a number from 1 to 12"),
    "bad_year_format": ("กรุณาระบุปีบัญชีเป็นปี พ.ศ. สี่หลัก เช่น 2569",
                        "Give the fiscal year as a four-digit Buddhist-Era year, e.g. 2569"),
    "year_out_of_range": ("ปี พ.ศ. ต้องอยู่ระหว่าง 2500 ถึง 2700",
                          "The Buddhist-Era year must be between 2500 and 2700"),
    "both": ("เลือกเดือนหรือปีบัญชีอย่างใดอย่างหนึ่ง", "Choose either a month or a fiscal year"),
}


class PeriodError(InputError):
    """A period a person asked for was refused: ``code``, ``message_th``, ``message_en``."""


def _fail(code: str) -> PeriodError:
    th, en = _MESSAGES[code]
    return PeriodError(code, th, en)


def _ce(typed: int) -> int:
    """A typed four-digit year in the Common Era (one above 2400 is Buddhist Era)."""
    year = typed - BE_OFFSET if typed > BE_THRESHOLD else typed
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _fail("year_out_of_range")
    return year


@dataclass(frozen=True)
class Period:
    kind: str  # MONTH or YEAR
    year: int  # Common Era: the month's year, or the year a fiscal year ends in
    month: int | None = None  # 1..12 for a month

    @classmethod
    def of_month(cls, day: date) -> Period:
        return cls(MONTH, day.year, day.month)

    @classmethod
    def fiscal_year_of(cls, day: date, start_month: int = 1) -> Period:
        return cls(YEAR, day.year + (1 if start_month != 1 and day.month >= start_month else 0))

    @property
    def is_month(self) -> bool:
        return self.kind == MONTH

    @property
    def months(self) -> int:
        return 1 if self.is_month else 12

    @property
    def be_year(self) -> int:
        return self.year + BE_OFFSET

    def bounds(self, start_month: int = 1) -> tuple[date, date]:
        """The first and last day, both included (a fiscal year per the group's start)."""
        if self.is_month:
            first = date(self.year, self.month, 1)
        else:
            first = date(self.year if start_month == 1 else self.year - 1, start_month, 1)
        return first, add_months(first, self.months) - timedelta(days=1)

    @property
    def query(self) -> dict[str, str]:
        """The query string that asks for this period again (Buddhist Era, as typed)."""
        if self.is_month:
            return {"month": f"{self.be_year}-{self.month:02d}"}
        return {"year": str(self.be_year)}

    @property
    def slug(self) -> str:
        """For file names: "2569-11" or "fy2569"."""
        return self.query["month"] if self.is_month else f"fy{self.be_year}"

    def label(self, lang: str = "th") -> str:
        """"พฤศจิกายน 2569" / "November 2026"; "ปีบัญชี 2569" / "Fiscal year 2026"."""
        if self.is_month:
            if lang == "th":
                return f"{TH_MONTHS[self.month - 1]} {self.be_year}"
            return f"{EN_MONTHS[self.month - 1]} {self.year}"
        return f"ปีบัญชี {self.be_year}" if lang == "th" else f"Fiscal year {self.year}"

    def span(self, start_month: int = 1, lang: str = "th") -> str:
        first, last = self.bounds(start_month)
        return f"{format_date(first, lang)} – {format_date(last, lang)}"

    def shifted(self, steps: int) -> Period:
        """The month or fiscal year ``steps`` away (negative: earlier)."""
        if self.is_month:
            moved = add_months(date(self.year, self.month, 1), steps)
            return Period(MONTH, moved.year, moved.month)
        return Period(YEAR, self.year + steps)


def parse_period(month: str | None = None, year: str | None = None, *,
                 default: Period) -> Period:
    """The period asked for: ``month`` as "2569-11" (Buddhist Era; a Common-Era year is
    taken too), or ``year`` as "2569" (a fiscal year); neither gives ``default``. Thai digits
    are allowed. Raises PeriodError with a message in Thai and English."""
    month = (month or "").translate(_THAI_DIGITS).strip()
    year = (year or "").translate(_THAI_DIGITS).strip()
    if month and year:
        raise _fail("both")
    if month:
        match = _MONTH_RE.fullmatch(month)
        if not match:
            raise _fail("bad_month_format")
        number = int(match.group(2))
        if not 1 <= number <= 12:
            raise _fail("bad_month")
        return Period(MONTH, _ce(int(match.group(1))), number)
    if year:
        if not _YEAR_RE.fullmatch(year):
            raise _fail("bad_year_format")
        return Period(YEAR, _ce(int(year)))
    return default
