"""A loan product as the committee types it: reading the settings form and checking it.

Plain values in and out. A rate is typed in per cent a month ("1", "1.25") and kept in basis
points; a limit on savings is typed as a number of times ("3", "2.5") and kept in per cent;
amounts are typed in baht and kept in satang. Every refusal is a Problem naming the form field
it belongs beside, with a sentence in Thai and English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from core.errors import Problem, invalid
from core.loans import METHODS, ROUNDINGS
from core.money import MoneyError, format_plain, parse_baht

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_DECIMAL = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,2})?")
MAX_RATE_BP = 1_000  # 10 % a month: anything above is a typing accident
MAX_MONTHS = 360
MAX_TIMES_PCT = 10_000  # 100 times the savings
CHECKBOXES = ("count_shares", "waive_future_interest", "one_loan_at_a_time", "active")


def _hundredths(text: str) -> int | None:
    """ "1.25" -> 125, "3" -> 300, "๒.๕" -> 250; None when it is not such a number."""
    body = text.translate(_THAI_DIGITS).strip().rstrip("%").strip()
    if not _DECIMAL.fullmatch(body):
        return None
    return int(Decimal(body) * 100)


def _whole(text: str) -> int | None:
    body = text.translate(_THAI_DIGITS).strip()
    return int(body) if body.isdigit() and len(body) <= 6 else None


def read_product_form(form: Mapping[str, str]) -> tuple[dict, dict[str, Problem]]:
    """The LoanProduct fields from a settings form, and a Problem per field that is wrong."""
    values: dict = {}
    problems: dict[str, Problem] = {}

    def refuse(name: str, th: str, en: str) -> None:
        problems.setdefault(name, invalid(th, en, name))

    values["name_th"] = " ".join(form.get("name_th", "").split())[:200]
    values["name_en"] = " ".join(form.get("name_en", "").split())[:200]
    if not values["name_th"]:
        refuse("name_th", "กรุณาตั้งชื่อประเภทเงินกู้", "Give the loan product a name")
    values["method"] = form.get("method", "")
    if values["method"] not in METHODS:
        refuse("method", "เลือกวิธีคิดดอกเบี้ย", "Choose how interest is worked out")
    values["rounding"] = form.get("rounding", "satang")
    if values["rounding"] not in ROUNDINGS:
        refuse("rounding", "เลือกการปัดเศษ", "Choose the rounding")

    rate = _hundredths(form.get("monthly_rate", ""))
    if rate is None or rate > MAX_RATE_BP:
        refuse("monthly_rate", "อัตราดอกเบี้ยต่อเดือนต้องเป็นตัวเลข 0 ถึง 10 (ร้อยละ) เช่น 1 หรือ 0.75",
               "The monthly rate must be a number from 0 to 10 (per cent), e.g. 1 or 0.75")
    values["monthly_rate_bp"] = rate
    months = _whole(form.get("max_months", ""))
    if months is None or not 1 <= months <= MAX_MONTHS:
        refuse("max_months", f"ระยะเวลากู้นานสุดต้องเป็น 1 ถึง {MAX_MONTHS} เดือน",
               f"The longest term must be 1 to {MAX_MONTHS} months")
    values["max_months"] = months
    multiple = _hundredths(form.get("max_savings_multiple", ""))
    if multiple is None or not 0 < multiple <= MAX_TIMES_PCT:
        refuse("max_savings_multiple", "วงเงินกู้ต้องเป็นจำนวนเท่าของเงินออม เช่น 3 หรือ 2.5",
               "The limit must be a number of times the savings, e.g. 3 or 2.5")
    values["max_savings_multiple_pct"] = multiple
    needed = _whole(form.get("guarantors_needed", "0") or "0")
    if needed is None or needed > 10:
        refuse("guarantors_needed", "จำนวนผู้ค้ำประกันต้องเป็น 0 ถึง 10 คน",
               "Guarantors needed must be 0 to 10")
    values["guarantors_needed"] = needed

    typed = form.get("guarantor_limit_multiple", "").strip()
    values["guarantor_limit_multiple_pct"] = _hundredths(typed) if typed else None
    if typed and not 0 < (values["guarantor_limit_multiple_pct"] or 0) <= MAX_TIMES_PCT:
        refuse("guarantor_limit_multiple", "วงเงินค้ำประกันต้องเป็นจำนวนเท่าของเงินออม เช่น 2",
               "The guarantee limit must be a number of times the savings, e.g. 2")
    values["guarantor_limit_satang"] = _amount(form, "guarantor_limit", refuse, required=False)
    values["late_fine_satang"] = _amount(form, "late_fine", refuse, required=False) or 0
    grace = _whole(form.get("grace_days", "0") or "0")
    if grace is None or grace > 365:
        refuse("grace_days", "วันผ่อนผันต้องเป็น 0 ถึง 365 วัน", "Grace days must be 0 to 365")
    values["grace_days"] = grace
    for name in CHECKBOXES:
        values[name] = form.get(name) in ("1", "on", "true", "yes")
    return values, problems


def _amount(form: Mapping[str, str], name: str, refuse, *, required: bool) -> int | None:
    typed = form.get(name, "").strip()
    if not typed and not required:
        return None
    try:
        return parse_baht(typed, allow_zero=not required) or None
    except MoneyError as error:
        refuse(name, error.message_th, error.message_en)
        return None


def _times(pct: int | None) -> str:
    if pct is None:
        return ""
    return format(Decimal(pct).scaleb(-2).normalize(), "f")


def product_form(product) -> dict[str, str]:
    """A product's settings as the form shows them (the inverse of read_product_form)."""
    return {
        "name_th": product.name_th, "name_en": product.name_en or "", "method": product.method,
        "monthly_rate": _times(product.monthly_rate_bp),
        "max_months": str(product.max_months),
        "max_savings_multiple": _times(product.max_savings_multiple_pct),
        "guarantors_needed": str(product.guarantors_needed),
        "guarantor_limit_multiple": _times(product.guarantor_limit_multiple_pct),
        "guarantor_limit": format_plain(product.guarantor_limit_satang)
        if product.guarantor_limit_satang else "",
        "late_fine": format_plain(product.late_fine_satang) if product.late_fine_satang else "",
        "grace_days": str(product.grace_days), "rounding": product.rounding,
        **{name: "1" if getattr(product, name) else "" for name in CHECKBOXES},
    }


def rate_text(monthly_rate_bp: int) -> str:
    """100 -> "1", 125 -> "1.25": per cent a month as people say it."""
    return _times(monthly_rate_bp)


def times_text(pct: int | None) -> str:
    return _times(pct)
