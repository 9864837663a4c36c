"""Group policies: every rule that varies between real groups, with Thai defaults.

A policy is a plain dict stored per group; `with_defaults` fills what a group has not set and
`check_policy` says what is wrong with a proposed one.
"""

import copy

from core.errors import Problem, invalid
from core.welfare import check_scheme
from core.yearend import check_split

DEFAULT_WELFARE_BENEFITS = [
    {"code": "birth", "name_th": "คลอดบุตร", "name_en": "Birth", "waiting_days": 180,
     "amount_satang": 100_000, "per_year_satang": None, "per_life_satang": None},
    {"code": "hospital", "name_th": "นอนโรงพยาบาล", "name_en": "Hospital stay",
     "waiting_days": 180, "per_night_satang": 20_000, "per_event_satang": 60_000,
     "per_year_satang": 100_000, "per_life_satang": None},
    {"code": "death", "name_th": "เสียชีวิต", "name_en": "Death", "waiting_days": 180,
     "by_membership_years": [[0, 300_000], [5, 1_000_000], [10, 3_000_000]]},
    {"code": "elderly", "name_th": "ผู้สูงอายุ", "name_en": "Elderly", "waiting_days": 1095,
     "amount_satang": 20_000, "min_age": 60, "per_year_satang": 20_000},
    {"code": "disability", "name_th": "ผู้พิการ", "name_en": "Disability", "waiting_days": 180,
     "amount_satang": 50_000, "per_year_satang": 50_000},
    {"code": "education", "name_th": "ทุนการศึกษา", "name_en": "Education", "waiting_days": 180,
     "amount_satang": 50_000, "per_year_satang": 50_000},
    {"code": "disaster", "name_th": "ภัยพิบัติ", "name_en": "Disaster", "waiting_days": 180,
     "amount_satang": 100_000},
    {"code": "other", "name_th": "อื่น ๆ", "name_en": "Other", "waiting_days": 180,
     "amount_satang": 0},
]

DEFAULTS = {
    "savings": {"monthly_commitment_satang": 10_000, "share_price_satang": 5_000,
                "shares_separate": True, "late_savings_fine_satang": 0},
    "rounding": "satang",  # or "baht": round interest and fines to whole baht
    "welfare": {"contribution_satang": 3_000, "contribution_per": "month",
                "lapse_after_missed": 3, "benefits": DEFAULT_WELFARE_BENEFITS},
    "year_end": {"dividend_pct": 40, "refund_pct": 20, "reserve_pct": 10, "welfare_pct": 10,
                 "committee_pct": 10, "public_benefit_pct": 10,
                 # No refund for a member who defaulted that year [S16]; a yearly cap on the
                 # dividend rate (None: no cap; the Cooperatives Act's is 10).
                 "exclude_defaulters": True, "dividend_cap_pct": None},
    "fiscal_year_start_month": 1,
}


def with_defaults(stored: dict | None) -> dict:
    """A full policy: the stored values over the defaults, one level deep."""
    merged = copy.deepcopy(DEFAULTS)
    for key, value in (stored or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return merged


def check_policy(policy: dict) -> Problem | None:
    savings = policy["savings"]
    for name in ("monthly_commitment_satang", "share_price_satang"):
        if type(savings.get(name)) is not int or savings[name] < 0:
            return invalid("ค่าต้องเป็นจำนวนเงินที่ไม่ติดลบ", "Must be an amount of zero or more",
                           field=name)
    if savings["share_price_satang"] == 0:
        return invalid("ราคาหุ้นต้องมากกว่าศูนย์", "The share price must be above zero",
                       field="share_price_satang")
    if policy["rounding"] not in ("satang", "baht"):
        return invalid("การปัดเศษไม่ถูกต้อง", "Unknown rounding", field="rounding")
    problem = check_split(policy["year_end"])
    if problem:
        return problem
    return check_scheme(policy["welfare"])


def share_price(policy: dict) -> int:
    return policy["savings"]["share_price_satang"]
