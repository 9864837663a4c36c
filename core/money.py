"""Money rules for Sajja: parsing, formatting, wording and rounding of amounts.

Every amount is an ``int`` of satang (1 baht = 100 satang). Floats are never used,
because binary fractions cannot hold 0.10 baht exactly and a savings group's books
must balance to the last satang.

Standard library only: this module is shared by the web app, sync code and reports.
"""

from __future__ import annotations

import re

from core.errors import InputError

SATANG_PER_BAHT = 100
DEFAULT_MAX_SATANG = 10_000_000_000_00  # 10 billion baht: far beyond any real group

# People type Thai digits on Thai keyboards; treat them exactly like 0-9.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# The number part after the sign, baht sign and "บาท" have been removed.
# [0-9] rather than \d: \d also matches Arabic-Indic and other scripts' digits.
_NUMBER_RE = re.compile(r"(?P<int>[0-9,]*)(?:\.(?P<frac>[0-9]*))?")
_GROUPED_RE = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")

_MINUS_SIGNS = ("-", "\u2212")  # ASCII hyphen-minus and the typographic minus
_BAHT_SIGN = "฿"
_BAHT_WORD = "บาท"

_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("กรุณากรอกจำนวนเงิน", "Please enter an amount"),
    "not_a_number": (
        "กรุณากรอกจำนวนเงินเป็นตัวเลข เช่น 1,234.50",
        "Please enter the amount as a number, e.g. 1,234.50",
    ),
    "too_many_decimals": (
        "จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง",
        "An amount may have at most 2 decimal places",
    ),
    "bad_commas": (
        "ใส่เครื่องหมายจุลภาค (,) คั่นทุกสามหลักเท่านั้น เช่น 1,234,567.50",
        "Commas may only separate groups of three digits, e.g. 1,234,567.50",
    ),
    "negative": ("จำนวนเงินต้องไม่ติดลบ", "The amount cannot be negative"),
    "zero": ("จำนวนเงินต้องไม่เป็นศูนย์", "The amount cannot be zero"),
    "too_large": ("จำนวนเงินต้องไม่เกิน {limit}", "The amount cannot be more than {limit}"),
}


class MoneyError(InputError):
    """An amount a person typed was refused.

    ``code`` is stable for programs and tests; ``message_th`` / ``message_en`` are
    ready to show next to the form field. ``str(err)`` is the English message.
    """


def _fail(code: str, **values: str) -> MoneyError:
    th, en = _MESSAGES[code]
    return MoneyError(code, th.format(**values), en.format(**values))


def _require_int(value: object, name: str = "satang") -> int:
    # bool is a subclass of int, but True baht is always a bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


# --------------------------------------------------------------------------- parsing


def parse_baht(
    text: str,
    *,
    allow_zero: bool = False,
    allow_negative: bool = False,
    max_satang: int = DEFAULT_MAX_SATANG,
) -> int:
    """Parse an amount typed by a person into satang.

    Accepts "1,234.50", "1234.5", ".5", "๑,๒๓๔", "฿1,234.50", "1,234.50 บาท",
    "-฿50.00" (with ``allow_negative``) and surrounding spaces. Raises MoneyError
    for anything ambiguous rather than guessing: a wrong amount in the books is
    worse than asking again.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    body = text.translate(_THAI_DIGITS).strip()
    if not body:
        raise _fail("empty")

    negative = False
    if body.startswith(_MINUS_SIGNS):
        negative, body = True, body[1:].lstrip()
    elif body.startswith("+"):
        body = body[1:].lstrip()
    if body.startswith(_BAHT_SIGN):
        body = body[1:].lstrip()
        # Also accept the sign after the baht sign, as in "฿-50".
        if not negative and body.startswith(_MINUS_SIGNS):
            negative, body = True, body[1:].lstrip()
    if body.endswith(_BAHT_WORD):
        body = body[: -len(_BAHT_WORD)].rstrip()

    satang = _parse_unsigned(body, max_satang)
    if negative and not allow_negative:
        raise _fail("negative")
    if satang == 0 and not allow_zero:
        raise _fail("zero")
    return -satang if negative else satang


def _parse_unsigned(body: str, max_satang: int) -> int:
    """Parse digits, thousands commas and up to two decimals; no signs or words."""
    match = _NUMBER_RE.fullmatch(body)
    # Reject "", "." and "," alone; letters, spaces, "1e5", "NaN" and extra dots
    # simply do not match the pattern.
    if match is None or not any(ch.isdigit() for ch in body):
        raise _fail("not_a_number")
    whole, frac = match.group("int"), match.group("frac") or ""
    if "," in whole:
        if not _GROUPED_RE.fullmatch(whole):
            raise _fail("bad_commas")
        whole = whole.replace(",", "")
    if len(frac) > 2:
        raise _fail("too_many_decimals")
    whole = whole.lstrip("0")
    # Compare lengths before int(): Python refuses to convert digit strings over
    # ~4300 long, and a pasted run of digits must give "too large", not a crash.
    fits = len(whole) <= len(str(max_satang // SATANG_PER_BAHT))
    satang = int(whole or "0") * SATANG_PER_BAHT + int(frac.ljust(2, "0")) if fits else 0
    if not fits or satang > max_satang:
        raise _fail("too_large", limit=format_baht(max_satang))
    return satang


# ------------------------------------------------------------------------ formatting


def format_baht(satang: int, *, sign: bool = True) -> str:
    """123450 -> "฿1,234.50"; -5000 -> "-฿50.00"; sign=False drops the "฿"."""
    _require_int(satang)
    baht, rest = divmod(abs(satang), SATANG_PER_BAHT)
    minus = "-" if satang < 0 else ""
    symbol = _BAHT_SIGN if sign else ""
    return f"{minus}{symbol}{baht:,}.{rest:02d}"


def format_plain(satang: int) -> str:
    """Value for an <input>: no baht sign, no commas. 123450 -> "1234.50"."""
    _require_int(satang)
    baht, rest = divmod(abs(satang), SATANG_PER_BAHT)
    minus = "-" if satang < 0 else ""
    return f"{minus}{baht}.{rest:02d}"


# --------------------------------------------------------------------- Thai wording

_TH_DIGIT_WORDS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
# Place names for the six digits of a group below one million (units first).
_TH_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
_MILLION = 1_000_000


def _thai_group(group: int, has_higher: bool) -> str:
    """Words for 0 < group < 1,000,000; ``has_higher``: nonzero digits above it."""
    words = []
    for place in range(5, -1, -1):
        digit = group // 10**place % 10
        if digit == 0:
            continue
        if place == 1 and digit == 1:
            words.append("สิบ")  # never "หนึ่งสิบ"
        elif place == 1 and digit == 2:
            words.append("ยี่สิบ")
        elif place == 0 and digit == 1 and (group >= 10 or has_higher):
            # A trailing one after any higher digit is "เอ็ด", as in BAHTTEXT:
            # 11 สิบเอ็ด, 101 หนึ่งร้อยเอ็ด, 1,000,001 หนึ่งล้านเอ็ด.
            words.append("เอ็ด")
        else:
            words.append(_TH_DIGIT_WORDS[digit] + _TH_PLACES[place])
    return "".join(words)


def _thai_number(n: int, has_higher: bool = False) -> str:
    """Words for n >= 0 ("" for 0). Above a million Thai repeats "ล้าน"."""
    if n >= _MILLION:
        millions, rest = divmod(n, _MILLION)
        return _thai_number(millions, has_higher) + "ล้าน" + _thai_number(rest, True)
    return _thai_group(n, has_higher) if n else ""


def baht_words(satang: int) -> str:
    """Thai words for an amount, as on receipts (Excel BAHTTEXT style).

    100 -> "หนึ่งบาทถ้วน"; 123450 -> "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์";
    50 -> "ห้าสิบสตางค์"; 0 -> "ศูนย์บาทถ้วน"; negatives start with "ลบ".
    """
    _require_int(satang)
    prefix = "ลบ" if satang < 0 else ""
    baht, rest = divmod(abs(satang), SATANG_PER_BAHT)
    if baht == 0 and rest == 0:
        return "ศูนย์บาทถ้วน"
    baht_part = _thai_number(baht) + "บาท" if baht else ""
    satang_part = _thai_number(rest) + "สตางค์" if rest else "ถ้วน"
    return prefix + baht_part + satang_part


# ------------------------------------------------------------------ English wording

_EN_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
    "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_EN_TENS = (
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
# Short scale, as used in English-language Thai bank documents.
_EN_SCALES = ("", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion")


def _en_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{_EN_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_EN_ONES[rest])
    return " ".join(words)


def _en_number(n: int) -> str:
    """Words for n > 0, American style without "and": "one hundred twenty-one"."""
    if n >= 1000 ** len(_EN_SCALES):
        raise ValueError("amount too large to write in English words")
    words = []
    for power in range(len(_EN_SCALES) - 1, -1, -1):
        chunk = n // 1000**power % 1000
        if chunk:
            words.append(f"{_en_below_thousand(chunk)} {_EN_SCALES[power]}".rstrip())
    return " ".join(words)


def baht_words_en(satang: int) -> str:
    """English words: 123450 -> "One thousand two hundred thirty-four baht and fifty satang".

    100 -> "One baht"; 50 -> "Fifty satang"; 0 -> "Zero baht"; negatives start
    with "Minus". "baht" and "satang" do not take a plural "s".
    """
    _require_int(satang)
    baht, rest = divmod(abs(satang), SATANG_PER_BAHT)
    parts = []
    if baht or not rest:
        parts.append(f"{_en_number(baht) if baht else 'zero'} baht")
    if rest:
        parts.append(f"{_en_number(rest)} satang")
    text = " and ".join(parts)
    if satang < 0:
        text = "minus " + text
    return text[0].upper() + text[1:]


# ------------------------------------------------------------------------- rounding


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest int, halves away from zero.

    Used for interest in satang: 5 / 2 -> 3, -5 / 2 -> -3, 7 / 3 -> 2. Unlike
    Python's round() this never rounds halves to even, which members would see
    as an unexplained lost satang.
    """
    _require_int(numerator, "numerator")
    _require_int(denominator, "denominator")
    if denominator == 0:
        raise ZeroDivisionError("denominator must not be zero")
    negative = (numerator < 0) != (denominator < 0)
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if 2 * remainder >= abs(denominator):
        quotient += 1
    return -quotient if negative else quotient


def to_whole_baht(satang: int) -> int:
    """Round to a whole baht (a multiple of 100 satang), halves away from zero.

    12350 -> 12400; 12349 -> 12300; -150 -> -200.
    """
    return round_half_up(satang, SATANG_PER_BAHT) * SATANG_PER_BAHT


# ------------------------------------------------------------------------ allocation


def split_evenly(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` satang in proportion to ``weights`` (largest remainder method).

    Each share starts as the exact proportion ``total * w / sum(weights)`` rounded
    toward zero; the satang left over are handed out one each to the shares with
    the largest dropped fractions (ties go to the earlier position, so the result
    is deterministic). Guarantees:

    * the shares add up to exactly ``total``;
    * every share differs from its exact proportion by less than one satang;
    * a zero weight always gets zero.

    Example: split_evenly(100, [1, 1, 1]) -> [34, 33, 33].
    A negative total is split like its absolute value, then negated.
    """
    _require_int(total, "total")
    for weight in weights:
        _require_int(weight, "weight")
        if weight < 0:
            raise ValueError("weights must not be negative")
    if total == 0:
        return [0] * len(weights)
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    if total < 0:
        return [-share for share in split_evenly(-total, weights)]

    shares, remainders = [], []
    for weight in weights:
        share, remainder = divmod(total * weight, weight_sum)
        shares.append(share)
        remainders.append(remainder)
    leftover = total - sum(shares)
    # leftover * weight_sum == sum(remainders) and each remainder < weight_sum, so
    # more than ``leftover`` shares have a nonzero remainder: only those get a satang.
    by_largest = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for index in by_largest[:leftover]:
        shares[index] += 1
    return shares
