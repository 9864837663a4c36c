"""Date rules for Sajja: Buddhist Era display, parsing typed dates, business "today".

Dates are stored as ISO (Common Era) and only shown in the Buddhist Era
(พ.ศ. = ค.ศ. + 543), always with a four-digit year. Month names come from tables
here rather than strftime, whose output depends on the server's locale.

Standard library only.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import InputError

BE_OFFSET = 543
DEFAULT_TZ = "Asia/Bangkok"
# A typed four-digit year above this is taken as Buddhist Era: 2401 BE is 1858 CE,
# long before any record a savings group keeps, and 2400 CE is far in the future.
BE_THRESHOLD = 2400

TH_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
TH_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
EN_MONTHS_SHORT = tuple(name[:3] for name in EN_MONTHS)

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
# Day/month/year as Thais write it; "/", "-" or "." between parts.
_DMY_RE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
# "20 พ.ย. 2569", "20 November 2026": the forms format_date produces.
_NAMED_RE = re.compile(r"([0-9]{1,2})\s+(\S+)\s+([0-9]{4})")


def _month_lookup() -> dict[str, int]:
    lookup = {}
    for names in (TH_MONTHS, TH_MONTHS_SHORT, EN_MONTHS, EN_MONTHS_SHORT):
        for number, name in enumerate(names, start=1):
            lookup[name.lower()] = number
    # People often type the Thai abbreviations without the dots ("พย").
    for number, name in enumerate(TH_MONTHS_SHORT, start=1):
        lookup[name.replace(".", "")] = number
    return lookup


_MONTH_BY_NAME = _month_lookup()

_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("กรุณากรอกวันที่", "Please enter a date"),
    "bad_format": (
        "กรุณากรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 20/11/2569",
        "Please enter the date as day/month/year, e.g. 20/11/2569 or 2026-11-20",
    ),
    "invalid_date": (
        "ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวันและเดือน",
        "That date does not exist; please check the day and month",
    ),
    "unknown_timezone": ("ไม่รู้จักเขตเวลา {zone}", "Unknown time zone: {zone}"),
}


class DateError(InputError):
    """A date a person typed was refused; see ``code``, ``message_th``, ``message_en``."""


def _fail(code: str, **values: str) -> DateError:
    th, en = _MESSAGES[code]
    return DateError(code, th.format(**values), en.format(**values))


# ------------------------------------------------------------------------ display


def be_year(d: date) -> int:
    """Buddhist Era year: 2026 -> 2569."""
    return d.year + BE_OFFSET


def format_date(d: date, lang: str = "th", style: str = "short") -> str:
    """th short "20 พ.ย. 2569", th long "20 พฤศจิกายน 2569",
    en short "20 Nov 2026", en long "20 November 2026".

    Thai shows the Buddhist Era year, English the Common Era year.
    """
    if style not in ("short", "long"):
        raise ValueError(f"style must be 'short' or 'long', got {style!r}")
    if lang == "th":
        months = TH_MONTHS_SHORT if style == "short" else TH_MONTHS
        year = be_year(d)
    elif lang == "en":
        months = EN_MONTHS_SHORT if style == "short" else EN_MONTHS
        year = d.year
    else:
        raise ValueError(f"lang must be 'th' or 'en', got {lang!r}")
    return f"{d.day} {months[d.month - 1]} {year:04d}"


def format_datetime(dt: datetime, lang: str = "th", style: str = "short") -> str:
    """format_date plus 24-hour time: "20 พ.ย. 2569 09:15".

    No time zone conversion happens here: the caller converts to the group's zone.
    """
    return f"{format_date(dt, lang, style)} {dt.hour:02d}:{dt.minute:02d}"


# ------------------------------------------------------------------------ parsing


def _ce_year(typed_year: int) -> int:
    return typed_year - BE_OFFSET if typed_year > BE_THRESHOLD else typed_year


def _build(year: int, month: int, day: int) -> date:
    try:
        return date(_ce_year(year), month, day)
    except ValueError:
        raise _fail("invalid_date") from None


def parse_date(text: str) -> date:
    """Parse a typed date.

    Accepts ISO "2026-11-20", day/month/year "20/11/2569" (also with "-" or "."),
    and "20 พ.ย. 2569" / "20 November 2026". Thai digits are allowed. The year
    must have four digits; one above 2400 is Buddhist Era and is converted, in
    every form (so "2569-11-20" is 2026-11-20 too). Raises DateError.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    body = text.translate(_THAI_DIGITS).strip()
    if not body:
        raise _fail("empty")
    if match := _ISO_RE.fullmatch(body):
        year, month, day = (int(part) for part in match.groups())
        return _build(year, month, day)
    if match := _DMY_RE.fullmatch(body):
        day, _, month, year = match.groups()
        return _build(int(year), int(month), int(day))
    if match := _NAMED_RE.fullmatch(body):
        day, name, year = match.groups()
        month = _MONTH_BY_NAME.get(name.lower())
        if month is not None:
            return _build(int(year), month, int(day))
    raise _fail("bad_format")


# ------------------------------------------------------------------- calendar maths


def today_in(tz_name: str = DEFAULT_TZ, now: datetime | None = None) -> date:
    """The business "today" of a group, judged in its own time zone.

    At 23:30 UTC on 19 Nov it is already 20 Nov in Bangkok (UTC+7), and a payment
    taken then belongs to the 20th. ``now`` (for tests) must be timezone-aware.
    """
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail("unknown_timezone", zone=str(tz_name)) from None
    if now is None:
        return datetime.now(zone).date()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware, e.g. datetime.now(timezone.utc)")
    return now.astimezone(zone).date()


def fiscal_year_be(d: date, start_month: int = 10) -> int:
    """Buddhist Era fiscal year containing ``d``.

    A fiscal year is named after the calendar year in which it ends (Thai
    government convention, start 1 October): 2026-10-01 is in fiscal year 2570,
    2026-09-30 in 2569. With start_month=1 it is simply the calendar year.
    """
    if not 1 <= start_month <= 12:
        raise ValueError("start_month must be 1..12")
    ends_next_year = start_month != 1 and d.month >= start_month
    return be_year(d) + (1 if ends_next_year else 0)


def add_months(d: date, n: int) -> date:
    """Move ``d`` by ``n`` months, clamping to the month's last day.

    2026-01-31 + 1 -> 2026-02-28. Monthly due dates use this, so a member who
    joined on the 31st still has one due date every month.
    """
    months = d.year * 12 + (d.month - 1) + n
    year, month_index = divmod(months, 12)
    month = month_index + 1
    if not 1 <= year <= 9999:
        raise ValueError("resulting date is out of range")
    last_day = calendar.monthrange(year, month)[1]
    return d.replace(year=year, month=month, day=min(d.day, last_day))
