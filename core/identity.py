"""Identity rules for Sajja: Thai national ID numbers and phone numbers.

Members type these by hand, often with spaces, dashes or Thai digits, so every
function here cleans first and then checks strictly. Numbers are stored in one
canonical form (13 digits; a 0-prefixed national phone number) so that duplicates
are found and lookups match.

Standard library only.
"""

from __future__ import annotations

import re

from core.errors import InputError

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Separators people put inside numbers: spaces, dashes (incl. typographic), dots,
# parentheses around an area code.
_SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015.()]")
_DIGITS_RE = re.compile(r"[0-9]+")

_MESSAGES: dict[str, tuple[str, str]] = {
    "id_empty": ("กรุณากรอกเลขประจำตัวประชาชน", "Please enter the national ID number"),
    "id_not_digits": (
        "เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น",
        "The national ID number may contain digits only",
    ),
    "id_length": (
        "เลขประจำตัวประชาชนต้องมี 13 หลัก",
        "The national ID number must have 13 digits",
    ),
    "id_first_digit": (
        "เลขประจำตัวประชาชนต้องไม่ขึ้นต้นด้วย 0",
        "The national ID number cannot start with 0",
    ),
    "id_check_digit": (
        "เลขประจำตัวประชาชนไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง",
        "This national ID number is not valid; please check it again",
    ),
    "phone_empty": ("กรุณากรอกหมายเลขโทรศัพท์", "Please enter a phone number"),
    "phone_not_digits": (
        "หมายเลขโทรศัพท์ต้องเป็นตัวเลข เช่น 081 234 5678",
        "Please enter the phone number as digits, e.g. 081 234 5678",
    ),
    "phone_not_thai": (
        "รองรับเฉพาะหมายเลขโทรศัพท์ในประเทศไทย (+66)",
        "Only Thai phone numbers (+66) are supported",
    ),
    "phone_invalid": (
        "หมายเลขโทรศัพท์ไม่ถูกต้อง มือถือมี 10 หลัก (เช่น 081 234 5678) โทรศัพท์บ้านมี 9 หลัก (เช่น 02 123 4567)",
        "This is not a valid Thai phone number: mobiles have 10 digits"
        " (e.g. 081 234 5678), landlines 9 (e.g. 02 123 4567)",
    ),
}


class IdentityError(InputError):
    """An ID or phone number was refused; see ``code``, ``message_th``, ``message_en``."""


def _fail(code: str) -> IdentityError:
    th, en = _MESSAGES[code]
    return IdentityError(code, th, en)


def _clean(text: str) -> str:
    """Thai digits to ASCII and separators removed; other characters are kept."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _SEPARATORS_RE.sub("", text.translate(_THAI_DIGITS))


# ---------------------------------------------------------------------- national ID


def national_id_check_digit(first12: str) -> int:
    """The check digit for the first 12 digits of a Thai national ID.

    check = (11 - sum(d[i] * (13 - i) for i in 0..11) % 11) % 10
    """
    if len(first12) != 12 or not _DIGITS_RE.fullmatch(first12):
        raise ValueError("first12 must be exactly 12 ASCII digits")
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(first12))
    return (11 - total % 11) % 10


def normalize_national_id(text: str) -> str:
    """Return the 13 digits of a Thai national ID, or raise IdentityError.

    "1-1120-34563-56-2" and "๑ ๑๑๒๐ ๓๔๕๖๓ ๕๖ ๒" both give "1112034563562".
    The first digit (the person's category) is 1-8 in practice; only 0 is refused
    here, as no category 0 exists. 9 (certain foreign residents) is accepted.
    """
    digits = _clean(text)
    if not digits:
        raise _fail("id_empty")
    if not _DIGITS_RE.fullmatch(digits):
        raise _fail("id_not_digits")
    if len(digits) != 13:
        raise _fail("id_length")
    if digits[0] == "0":
        raise _fail("id_first_digit")
    if national_id_check_digit(digits[:12]) != int(digits[12]):
        raise _fail("id_check_digit")
    return digits


def national_id_valid(text: str) -> bool:
    """True if ``text`` is a well-formed Thai national ID (separators allowed)."""
    try:
        normalize_national_id(text)
    except IdentityError:
        return False
    return True


# -------------------------------------------------------------------------- phones

_MOBILE_SECOND_DIGITS = "689"  # 06x, 08x, 09x: 10 digits
# Landlines: 02 Bangkok area, 03x/04x/05x/07x provinces: 9 digits. 00 and 01 are
# not area codes (01 was an old mobile range, now unused).
_LANDLINE_SECOND_DIGITS = "23457"


def normalize_phone(text: str) -> str:
    """Return a Thai phone number as national digits starting with 0.

    "081-234-5678", "+66 81 234 5678", "66812345678" -> "0812345678";
    "02 123 4567" -> "021234567". The mistaken "+66 081..." (keeping the 0) is
    accepted too. Raises IdentityError for anything else.
    """
    cleaned = _clean(text)
    if not cleaned:
        raise _fail("phone_empty")
    international = cleaned.startswith("+")
    digits = cleaned[1:] if international else cleaned
    if not _DIGITS_RE.fullmatch(digits):
        raise _fail("phone_not_digits")
    if international or digits.startswith("66"):
        if not digits.startswith("66"):
            raise _fail("phone_not_thai")
        rest = digits[2:]
        digits = rest if rest.startswith("0") else "0" + rest
    if len(digits) < 2 or digits[0] != "0":
        raise _fail("phone_invalid")
    kind = digits[1]
    if kind in _MOBILE_SECOND_DIGITS and len(digits) == 10:
        return digits
    if kind in _LANDLINE_SECOND_DIGITS and len(digits) == 9:
        return digits
    raise _fail("phone_invalid")


def phone_e164(text: str) -> str:
    """International form for SMS gateways: "081-234-5678" -> "+66812345678"."""
    return "+66" + normalize_phone(text)[1:]


def format_phone(national: str) -> str:
    """Display form: "081 234 5678", "02 123 4567", "053 123 456".

    Accepts any form normalize_phone accepts, so it is safe on raw input too.
    """
    digits = normalize_phone(national)
    if len(digits) == 10:  # mobile 3-3-4
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if digits[1] == "2":  # Bangkok 02: 2-3-4
        return f"{digits[:2]} {digits[2:5]} {digits[5:]}"
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"  # provincial 3-3-3
