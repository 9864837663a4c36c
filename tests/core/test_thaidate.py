"""Tests for core.thaidate. Expected dates were worked out by hand."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.thaidate import (
    DateError,
    add_months,
    be_year,
    fiscal_year_be,
    format_date,
    format_datetime,
    parse_date,
    today_in,
)

REPRODUCIBLE = settings(derandomize=True, max_examples=200, deadline=None)
NOV_20 = date(2026, 11, 20)

# ------------------------------------------------------------------------ display


@pytest.mark.parametrize(
    ("lang", "style", "shown"),
    [
        ("th", "short", "20 พ.ย. 2569"),
        ("th", "long", "20 พฤศจิกายน 2569"),
        ("en", "short", "20 Nov 2026"),
        ("en", "long", "20 November 2026"),
    ],
)
def test_format_date(lang, style, shown):
    assert format_date(NOV_20, lang, style) == shown


def test_format_date_defaults_to_thai_short():
    assert format_date(NOV_20) == "20 พ.ย. 2569"


@pytest.mark.parametrize(
    ("month", "short", "long"),
    [
        (1, "ม.ค.", "มกราคม"),
        (2, "ก.พ.", "กุมภาพันธ์"),
        (3, "มี.ค.", "มีนาคม"),
        (4, "เม.ย.", "เมษายน"),
        (5, "พ.ค.", "พฤษภาคม"),
        (6, "มิ.ย.", "มิถุนายน"),
        (7, "ก.ค.", "กรกฎาคม"),
        (8, "ส.ค.", "สิงหาคม"),
        (9, "ก.ย.", "กันยายน"),
        (10, "ต.ค.", "ตุลาคม"),
        (11, "พ.ย.", "พฤศจิกายน"),
        (12, "ธ.ค.", "ธันวาคม"),
    ],
)
def test_thai_month_names(month, short, long):
    d = date(2026, month, 1)
    assert format_date(d, "th", "short") == f"1 {short} 2569"
    assert format_date(d, "th", "long") == f"1 {long} 2569"


def test_year_always_has_four_digits():
    assert format_date(date(1, 1, 1), "en") == "1 Jan 0001"
    assert format_date(date(1, 1, 1), "th") == "1 ม.ค. 0544"


@pytest.mark.parametrize(("lang", "style"), [("fr", "short"), ("th", "medium")])
def test_format_date_refuses_unknown_options(lang, style):
    with pytest.raises(ValueError):
        format_date(NOV_20, lang, style)


def test_format_datetime():
    morning = datetime(2026, 11, 20, 9, 15, 42)
    assert format_datetime(morning) == "20 พ.ย. 2569 09:15"
    assert format_datetime(morning, "en") == "20 Nov 2026 09:15"
    assert format_datetime(morning, "th", "long") == "20 พฤศจิกายน 2569 09:15"


def test_format_datetime_does_not_convert_zones():
    late_utc = datetime(2026, 11, 20, 23, 5, tzinfo=UTC)
    assert format_datetime(late_utc) == "20 พ.ย. 2569 23:05"


def test_be_year():
    assert be_year(NOV_20) == 2569
    assert be_year(date(2024, 1, 1)) == 2567


# ------------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2026-11-20", NOV_20),
        ("20/11/2569", NOV_20),
        ("20/11/2026", NOV_20),
        ("๒๐/๑๑/๒๕๖๙", NOV_20),
        ("20-11-2569", NOV_20),
        ("20.11.2569", NOV_20),
        (" 1/2/2569 ", date(2026, 2, 1)),
        ("01/02/2569", date(2026, 2, 1)),
        ("2569-11-20", NOV_20),  # a BE year in ISO shape is still BE
        ("20 พ.ย. 2569", NOV_20),
        ("20 พฤศจิกายน 2569", NOV_20),
        ("20 พย 2569", NOV_20),
        ("20 Nov 2026", NOV_20),
        ("20 november 2026", NOV_20),
        ("29/02/2567", date(2024, 2, 29)),  # 2567 BE = 2024, a leap year
        ("01/01/2400", date(2400, 1, 1)),  # 2400 itself is still CE
        ("01/01/2401", date(1858, 1, 1)),  # and 2401 is BE
    ],
)
def test_parse_date_accepts(text, parsed):
    assert parse_date(text) == parsed


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("31/02/2569", "invalid_date"),
        ("29/02/2569", "invalid_date"),  # 2026 is not a leap year
        ("2026-13-01", "invalid_date"),
        ("00/01/2569", "invalid_date"),
        ("31 เม.ย. 2569", "invalid_date"),
        ("0000-01-01", "invalid_date"),
        ("abc", "bad_format"),
        ("20/11/69", "bad_format"),  # two-digit years are ambiguous
        ("20/11-2569", "bad_format"),
        ("2026/11/20", "bad_format"),
        ("20 Foo 2026", "bad_format"),
        ("20112569", "bad_format"),
    ],
)
def test_parse_date_refuses(text, code):
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert caught.value.code == code
    assert str(caught.value) == caught.value.message_en
    assert caught.value.message_th


@REPRODUCIBLE
@given(
    st.dates(date(1900, 1, 1), date(2399, 12, 31)),
    st.sampled_from(["th", "en"]),
    st.sampled_from(["short", "long"]),
)
def test_parse_date_reads_what_we_write(d, lang, style):
    assert parse_date(format_date(d, lang, style)) == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.day}/{d.month}/{be_year(d)}") == d


# ------------------------------------------------------------------- calendar maths


@pytest.mark.parametrize(
    ("now", "zone", "today"),
    [
        # 23:30 UTC is 06:30 next morning in Bangkok (UTC+7)
        (datetime(2026, 11, 19, 23, 30, tzinfo=UTC), "Asia/Bangkok", date(2026, 11, 20)),
        (datetime(2026, 11, 19, 16, 59, tzinfo=UTC), "Asia/Bangkok", date(2026, 11, 19)),
        (datetime(2026, 11, 19, 17, 0, tzinfo=UTC), "Asia/Bangkok", date(2026, 11, 20)),
        (datetime(2026, 11, 19, 23, 30, tzinfo=UTC), "UTC", date(2026, 11, 19)),
        (datetime(2026, 11, 20, 5, 0, tzinfo=UTC), "America/Los_Angeles", date(2026, 11, 19)),
        # an aware time in another zone is converted, not reinterpreted
        (datetime(2026, 11, 20, 1, 0, tzinfo=ZoneInfo("Asia/Tokyo")), "Asia/Bangkok",
         date(2026, 11, 19)),
    ],
)  # fmt: skip
def test_today_in(now, zone, today):
    assert today_in(zone, now) == today


def test_today_in_defaults_to_bangkok():
    assert today_in(now=datetime(2026, 11, 19, 23, 30, tzinfo=UTC)) == date(2026, 11, 20)


def test_today_in_without_now_uses_the_clock():
    before = datetime.now(ZoneInfo("Asia/Bangkok")).date()
    today = today_in()
    after = datetime.now(ZoneInfo("Asia/Bangkok")).date()
    assert today in (before, after)


def test_today_in_refuses_naive_now():
    with pytest.raises(ValueError):
        today_in("Asia/Bangkok", datetime(2026, 11, 20, 9, 0))  # naive on purpose


@pytest.mark.parametrize("zone", ["Asia/Nowhere", "", "../etc/passwd"])
def test_today_in_refuses_unknown_zone(zone):
    with pytest.raises(DateError) as caught:
        today_in(zone, datetime(2026, 11, 20, tzinfo=UTC))
    assert caught.value.code == "unknown_timezone"


@pytest.mark.parametrize(
    ("d", "start_month", "fiscal_year"),
    [
        (date(2026, 10, 1), 10, 2570),
        (date(2026, 9, 30), 10, 2569),
        (date(2026, 12, 31), 10, 2570),
        (date(2026, 1, 1), 10, 2569),
        (date(2026, 12, 31), 1, 2569),
        (date(2026, 1, 1), 1, 2569),
        (date(2026, 3, 31), 4, 2569),
        (date(2026, 4, 1), 4, 2570),
    ],
)
def test_fiscal_year_be(d, start_month, fiscal_year):
    assert fiscal_year_be(d, start_month) == fiscal_year


def test_fiscal_year_defaults_to_october():
    assert fiscal_year_be(date(2026, 10, 1)) == 2570


@pytest.mark.parametrize("start_month", [0, 13])
def test_fiscal_year_refuses_bad_start(start_month):
    with pytest.raises(ValueError):
        fiscal_year_be(NOV_20, start_month)


@pytest.mark.parametrize(
    ("d", "n", "moved"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 11, 20), 2, date(2027, 1, 20)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 5, 31), 12, date(2027, 5, 31)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
    ],
)
def test_add_months(d, n, moved):
    assert add_months(d, n) == moved


def test_add_months_keeps_time_of_datetimes():
    start = datetime(2026, 1, 31, 9, 15, tzinfo=UTC)
    assert add_months(start, 1) == datetime(2026, 2, 28, 9, 15, tzinfo=UTC)


def test_add_months_out_of_range():
    with pytest.raises(ValueError):
        add_months(date(9999, 12, 1), 1)


@REPRODUCIBLE
@given(st.dates(date(1900, 1, 1), date(2300, 12, 31)), st.integers(-1200, 1200))
def test_add_months_properties(d, n):
    moved = add_months(d, n)
    assert (moved.year * 12 + moved.month) - (d.year * 12 + d.month) == n
    next_month_start = add_months(moved.replace(day=1), 1)
    last_day = (next_month_start - timedelta(days=1)).day
    assert moved.day == min(d.day, last_day)
    if d.day <= 28:
        assert add_months(moved, -n) == d
