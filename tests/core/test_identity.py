"""Tests for core.identity. Check digits below were worked out by hand:

1112034563562: 1·13+1·12+1·11+2·10+0·9+3·8+4·7+5·6+6·5+3·4+5·3+6·2 = 207;
    207 mod 11 = 9; (11 - 9) mod 10 = 2.
3101200345677: sum 169; 169 mod 11 = 4; 11 - 4 = 7.
1000000000009: sum 13; 13 mod 11 = 2; 11 - 2 = 9.
1000000000301: sum 13 + 3·3 = 22 ≡ 0; (11 - 0) mod 10 = 1.
1000000000700: sum 13 + 7·3 = 34 ≡ 1; (11 - 1) mod 10 = 0.
9000000000004: sum 117 ≡ 7; 11 - 7 = 4.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.identity import (
    IdentityError,
    format_phone,
    national_id_check_digit,
    national_id_valid,
    normalize_national_id,
    normalize_phone,
    phone_e164,
)

REPRODUCIBLE = settings(derandomize=True, max_examples=200, deadline=None)

# ---------------------------------------------------------------------- national ID


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("1112034563562", "1112034563562"),
        ("1-1120-34563-56-2", "1112034563562"),
        (" 1 1120 34563 56 2 ", "1112034563562"),
        ("๑๑๑๒๐๓๔๕๖๓๕๖๒", "1112034563562"),
        ("3101200345677", "3101200345677"),
        ("1000000000009", "1000000000009"),
        ("1000000000301", "1000000000301"),
        ("1000000000700", "1000000000700"),
        ("9000000000004", "9000000000004"),
    ],
)
def test_normalize_national_id_accepts(text, digits):
    assert normalize_national_id(text) == digits
    assert national_id_valid(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "id_empty"),
        (" - ", "id_empty"),
        ("abc", "id_not_digits"),
        ("1112034563x62", "id_not_digits"),
        ("111203456356", "id_length"),
        ("11120345635622", "id_length"),
        ("1112034563561", "id_check_digit"),
        ("1112034563526", "id_check_digit"),  # two digits swapped
        ("0112034563562", "id_first_digit"),
    ],
)
def test_normalize_national_id_refuses(text, code):
    with pytest.raises(IdentityError) as caught:
        normalize_national_id(text)
    err = caught.value
    assert err.code == code
    assert str(err) == err.message_en
    assert err.message_th
    assert not national_id_valid(text)


def test_check_digit_needs_twelve_digits():
    assert national_id_check_digit("111203456356") == 2
    with pytest.raises(ValueError):
        national_id_check_digit("11120345635")


@REPRODUCIBLE
@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_exactly_one_valid_last_digit(first12):
    valid = [last for last in "0123456789" if national_id_valid(first12 + last)]
    if first12[0] == "0":
        assert valid == []
    else:
        assert valid == [str(national_id_check_digit(first12))]


# -------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("text", "national"),
    [
        ("081-234-5678", "0812345678"),
        ("0812345678", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("66812345678", "0812345678"),
        ("+66812345678", "0812345678"),
        ("+66 (0) 81 234 5678", "0812345678"),
        ("๐๘๑ ๒๓๔ ๕๖๗๘", "0812345678"),
        ("061-234-5678", "0612345678"),
        ("0912345678", "0912345678"),
        ("02 123 4567", "021234567"),
        ("(02) 123-4567", "021234567"),
        ("+66 2 123 4567", "021234567"),
        ("6621234567", "021234567"),
        ("053 123 456", "053123456"),
        ("074-123-456", "074123456"),
        ("038.123.456", "038123456"),
    ],
)
def test_normalize_phone_accepts(text, national):
    assert normalize_phone(text) == national


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "phone_empty"),
        ("  ", "phone_empty"),
        ("abc", "phone_not_digits"),
        ("08+1234567", "phone_not_digits"),
        ("+1 415 555 0100", "phone_not_thai"),
        ("081-234-567", "phone_invalid"),  # mobile needs 10 digits
        ("081-234-56789", "phone_invalid"),
        ("02 123 45678", "phone_invalid"),  # landline needs 9 digits
        ("053 123 45", "phone_invalid"),
        ("0112345678", "phone_invalid"),  # 01 is not in use
        ("001234567", "phone_invalid"),
        ("1669", "phone_invalid"),
        ("812345678", "phone_invalid"),  # the leading 0 is missing
        ("+66", "phone_invalid"),
        ("66", "phone_invalid"),
    ],
)
def test_normalize_phone_refuses(text, code):
    with pytest.raises(IdentityError) as caught:
        normalize_phone(text)
    assert caught.value.code == code
    assert caught.value.message_th


@pytest.mark.parametrize(
    ("text", "e164"),
    [("081-234-5678", "+66812345678"), ("02 123 4567", "+6621234567"),
     ("053 123 456", "+6653123456")],
)  # fmt: skip
def test_phone_e164(text, e164):
    assert phone_e164(text) == e164


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("0812345678", "081 234 5678"),
        ("+66812345678", "081 234 5678"),
        ("021234567", "02 123 4567"),
        ("053123456", "053 123 456"),
    ],
)
def test_format_phone(text, shown):
    assert format_phone(text) == shown


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=count, max_size=count)


MOBILES = st.builds("0{}{}".format, st.sampled_from("689"), _digits(8))
LANDLINES = st.builds("0{}{}".format, st.sampled_from("23457"), _digits(7))


@REPRODUCIBLE
@given(st.one_of(MOBILES, LANDLINES))
def test_phone_forms_round_trip(national):
    assert normalize_phone(national) == national
    assert normalize_phone(format_phone(national)) == national
    assert normalize_phone(phone_e164(national)) == national
