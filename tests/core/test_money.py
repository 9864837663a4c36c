"""Tests for core.money. Expected figures were worked out by hand."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.money import (
    DEFAULT_MAX_SATANG,
    MoneyError,
    baht_words,
    baht_words_en,
    format_baht,
    format_plain,
    parse_baht,
    round_half_up,
    split_evenly,
    to_whole_baht,
)

REPRODUCIBLE = settings(derandomize=True, max_examples=200, deadline=None)

# ------------------------------------------------------------------------ parse_baht


@pytest.mark.parametrize(
    ("text", "satang"),
    [
        ("1,234.50", 123450),
        ("1234.5", 123450),
        ("1234", 123400),
        ("๑,๒๓๔", 123400),
        ("๑๒.๕๐", 1250),
        (" 50 ", 5000),
        ("\t50\n", 5000),
        ("฿1,234.50", 123450),
        ("฿ 50", 5000),
        ("1,234.50 บาท", 123450),
        ("50บาท", 5000),
        (".5", 50),
        ("0.01", 1),
        ("1234.", 123400),
        ("+50", 5000),
        ("007", 700),
        ("1,000,000", 100000000),
        ("10,000,000,000", DEFAULT_MAX_SATANG),  # exactly the limit
    ],
)
def test_parse_baht_accepts(text, satang):
    assert parse_baht(text) == satang


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not_a_number"),
        ("12a", "not_a_number"),
        ("1 234", "not_a_number"),
        ("1.2.3", "not_a_number"),
        ("1..2", "not_a_number"),
        (".", "not_a_number"),
        ("฿", "not_a_number"),
        ("บาท", "not_a_number"),
        ("--5", "not_a_number"),
        ("1e5", "not_a_number"),
        ("1E5", "not_a_number"),
        ("NaN", "not_a_number"),
        ("inf", "not_a_number"),
        ("-Infinity", "not_a_number"),
        ("0x10", "not_a_number"),
        ("1_000", "not_a_number"),
        ("١٢٣", "not_a_number"),  # Arabic-Indic digits are not Thai digits
        ("1.234", "too_many_decimals"),
        ("0.001", "too_many_decimals"),
        ("1,23,4", "bad_commas"),
        ("1234,5", "bad_commas"),
        ("12,34", "bad_commas"),
        (",123", "bad_commas"),
        ("0,123", "bad_commas"),
        ("1,2345", "bad_commas"),
        ("-5", "negative"),
        ("-฿50.00", "negative"),
        ("-0", "negative"),
        ("0", "zero"),
        ("0.00", "zero"),
        ("฿0", "zero"),
        ("10000000000.01", "too_large"),
        ("9" * 5000, "too_large"),  # longer than Python's int() digit limit
    ],
)
def test_parse_baht_refuses(text, code):
    with pytest.raises(MoneyError) as caught:
        parse_baht(text)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("text", "satang"),
    [("-50", -5000), ("-฿50.00", -5000), ("฿-50", -5000), ("\u221250", -5000), ("- 1.5", -150)],
)
def test_parse_baht_negative_when_allowed(text, satang):
    assert parse_baht(text, allow_negative=True) == satang


def test_parse_baht_zero_when_allowed():
    assert parse_baht("0", allow_zero=True) == 0
    assert parse_baht("฿0.00", allow_zero=True) == 0


def test_parse_baht_custom_limit():
    assert parse_baht("100", max_satang=100_00) == 100_00
    with pytest.raises(MoneyError) as caught:
        parse_baht("100.01", max_satang=100_00)
    assert caught.value.code == "too_large"
    assert "฿100.00" in caught.value.message_en
    with pytest.raises(MoneyError):
        parse_baht("-100.01", allow_negative=True, max_satang=100_00)


def test_money_error_messages():
    with pytest.raises(MoneyError) as caught:
        parse_baht("")
    err = caught.value
    assert err.message_th == "กรุณากรอกจำนวนเงิน"
    assert err.message_en == "Please enter an amount"
    assert str(err) == err.message_en
    assert err.message("th") == err.message_th
    assert isinstance(err, ValueError)

    with pytest.raises(MoneyError) as caught:
        parse_baht("1.234")
    assert caught.value.message_th == "จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง"
    assert caught.value.message_en == "An amount may have at most 2 decimal places"


def test_parse_baht_needs_str():
    with pytest.raises(TypeError):
        parse_baht(12.5)


# ------------------------------------------------------------------------ formatting


@pytest.mark.parametrize(
    ("satang", "shown"),
    [
        (123450, "฿1,234.50"),
        (-5000, "-฿50.00"),
        (0, "฿0.00"),
        (1, "฿0.01"),
        (-1, "-฿0.01"),
        (99, "฿0.99"),
        (100000000, "฿1,000,000.00"),
    ],
)
def test_format_baht(satang, shown):
    assert format_baht(satang) == shown


def test_format_baht_without_sign():
    assert format_baht(123450, sign=False) == "1,234.50"
    assert format_baht(-5000, sign=False) == "-50.00"


@pytest.mark.parametrize(
    ("satang", "shown"),
    [(123450, "1234.50"), (5000, "50.00"), (0, "0.00"), (5, "0.05"), (-5, "-0.05"),
     (100000000, "1000000.00")],
)  # fmt: skip
def test_format_plain(satang, shown):
    assert format_plain(satang) == shown


@pytest.mark.parametrize("bad", [1.5, 100.0, True, "100", Decimal("1"), None])
@pytest.mark.parametrize("func", [format_baht, format_plain, baht_words, baht_words_en])
def test_formatters_only_take_int(func, bad):
    with pytest.raises(TypeError):
        func(bad)


@REPRODUCIBLE
@given(st.integers(-DEFAULT_MAX_SATANG, DEFAULT_MAX_SATANG))
def test_plain_and_baht_formats_round_trip(satang):
    assert parse_baht(format_plain(satang), allow_zero=True, allow_negative=True) == satang
    assert parse_baht(format_baht(satang), allow_zero=True, allow_negative=True) == satang


# ------------------------------------------------------------------------ Thai words


@pytest.mark.parametrize(
    ("satang", "words"),
    [
        (0, "ศูนย์บาทถ้วน"),
        (100, "หนึ่งบาทถ้วน"),
        (123450, "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"),
        (50, "ห้าสิบสตางค์"),
        (1, "หนึ่งสตางค์"),
        (11, "สิบเอ็ดสตางค์"),
        (21, "ยี่สิบเอ็ดสตางค์"),
        (101, "หนึ่งบาทหนึ่งสตางค์"),
        (1000, "สิบบาทถ้วน"),
        (1100, "สิบเอ็ดบาทถ้วน"),
        (2000, "ยี่สิบบาทถ้วน"),
        (2100, "ยี่สิบเอ็ดบาทถ้วน"),
        (10100, "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (100100, "หนึ่งพันเอ็ดบาทถ้วน"),
        (101000, "หนึ่งพันสิบบาทถ้วน"),
        (30000000, "สามแสนบาทถ้วน"),
        (100000000, "หนึ่งล้านบาทถ้วน"),
        (100000100, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (1000000000, "สิบล้านบาทถ้วน"),
        (1100000000, "สิบเอ็ดล้านบาทถ้วน"),
        (2100000000, "ยี่สิบเอ็ดล้านบาทถ้วน"),
        (10100000000, "หนึ่งร้อยเอ็ดล้านบาทถ้วน"),
        (123456789, "หนึ่งล้านสองแสนสามหมื่นสี่พันห้าร้อยหกสิบเจ็ดบาทแปดสิบเก้าสตางค์"),
        (10**14, "หนึ่งล้านล้านบาทถ้วน"),
        (10**14 + 100, "หนึ่งล้านล้านเอ็ดบาทถ้วน"),
        (-100, "ลบหนึ่งบาทถ้วน"),
        (-50, "ลบห้าสิบสตางค์"),
    ],
)
def test_baht_words(satang, words):
    assert baht_words(satang) == words


@REPRODUCIBLE
@given(st.integers(-(10**20), 10**20))
def test_baht_words_shape(satang):
    words = baht_words(satang)
    assert words
    assert words.endswith("ถ้วน") == (satang % 100 == 0)
    assert words.startswith("ลบ") == (satang < 0)
    # Forms BAHTTEXT never uses.
    for wrong in ("หนึ่งสิบ", "สองสิบ", "เอ็ดสิบ", "ศูนย์ร้อย"):
        assert wrong not in words
    if satang != 0:
        assert "ศูนย์" not in words


# --------------------------------------------------------------------- English words


@pytest.mark.parametrize(
    ("satang", "words"),
    [
        (123450, "One thousand two hundred thirty-four baht and fifty satang"),
        (100, "One baht"),
        (50, "Fifty satang"),
        (0, "Zero baht"),
        (101, "One baht and one satang"),
        (9999, "Ninety-nine baht and ninety-nine satang"),
        (1100, "Eleven baht"),
        (100000000, "One million baht"),
        (1000010500, "Ten million one hundred five baht"),
        (-2150, "Minus twenty-one baht and fifty satang"),
    ],
)
def test_baht_words_en(satang, words):
    assert baht_words_en(satang) == words


# ------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [
        (5, 2, 3),
        (-5, 2, -3),
        (5, -2, -3),
        (-5, -2, 3),
        (7, 3, 2),
        (8, 3, 3),
        (-7, 3, -2),
        (-8, 3, -3),
        (1, 2, 1),
        (1, 3, 0),
        (0, 7, 0),
        (149, 100, 1),
        (150, 100, 2),
        # 3,333.33 baht at 1.5 %: 4,999.995 satang -> 5,000
        (333333 * 15, 1000, 5000),
    ],
)
def test_round_half_up(numerator, denominator, rounded):
    assert round_half_up(numerator, denominator) == rounded


def test_round_half_up_refuses_zero_and_floats():
    with pytest.raises(ZeroDivisionError):
        round_half_up(1, 0)
    with pytest.raises(TypeError):
        round_half_up(1.5, 1)


@REPRODUCIBLE
@given(st.integers(-(10**15), 10**15), st.integers(-(10**6), 10**6).filter(bool))
def test_round_half_up_matches_exact_fraction(numerator, denominator):
    exact = Fraction(numerator, denominator)
    rounded = round_half_up(numerator, denominator)
    assert abs(rounded - exact) <= Fraction(1, 2)
    if abs(rounded - exact) == Fraction(1, 2):
        assert abs(rounded) > abs(exact)  # halves go away from zero


@pytest.mark.parametrize(
    ("satang", "whole"),
    [(12350, 12400), (12349, 12300), (12300, 12300), (50, 100), (49, 0), (-150, -200),
     (-149, -100), (0, 0)],
)  # fmt: skip
def test_to_whole_baht(satang, whole):
    assert to_whole_baht(satang) == whole


# ----------------------------------------------------------------------- allocation


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (100, [1, 2], [33, 67]),  # 33.33 / 66.67: the larger fraction gets the satang
        (7, [3, 3, 3, 3], [2, 2, 2, 1]),  # equal fractions: earlier positions first
        (1000, [5000, 3000, 2000], [500, 300, 200]),
        (1001, [1, 1], [501, 500]),
        (10, [0, 1], [0, 10]),
        (0, [1, 2], [0, 0]),
        (0, [0, 0], [0, 0]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (5, [1], [5]),
    ],
)
def test_split_evenly(total, weights, shares):
    assert split_evenly(total, weights) == shares


@pytest.mark.parametrize("weights", [[], [0, 0], [-1, 2]])
def test_split_evenly_refuses(weights):
    with pytest.raises(ValueError):
        split_evenly(100, weights)


@REPRODUCIBLE
@given(
    st.integers(-(10**12), 10**12),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=30),
)
def test_split_evenly_properties(total, weights):
    assume(sum(weights) > 0)
    shares = split_evenly(total, weights)
    weight_sum = sum(weights)
    assert len(shares) == len(weights)
    assert sum(shares) == total
    for share, weight in zip(shares, weights, strict=True):
        # |share - total * weight / weight_sum| < 1, kept in integers
        assert abs(share * weight_sum - total * weight) < weight_sum
        if weight == 0:
            assert share == 0
