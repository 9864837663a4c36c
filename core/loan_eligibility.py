"""Whether a loan application may go to the committee: the product's limits, the borrower's
standing and the guarantors.

Plain values in, a list of Problems out (empty when the application is acceptable), each with
reason "invalid", the field of the ``loan.apply`` payload it concerns (``principal_satang``,
``months``, ``guarantor_ids``; ``member_id`` for the borrower's own standing) and a sentence in
Thai and English a committee member can read aloud at the meeting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.errors import Problem, invalid
from core.money import format_baht


@dataclass(frozen=True)
class LoanTerms:
    """The parts of a loan product (and the group's policy) that decide eligibility.

    ``max_savings_multiple_pct``: the most a member may borrow, as a percentage of their savings
    (300 = 3 times); ``count_shares``: shares count with the savings for that limit. A guarantor
    may guarantee in all at most ``guarantor_limit_satang`` and/or
    ``guarantor_limit_multiple_pct`` % of their own savings (with shares when ``count_shares``);
    when both are set the smaller applies, when neither is set there is no limit.
    """

    max_months: int
    max_savings_multiple_pct: int = 300
    guarantors_needed: int = 0
    count_shares: bool = True
    one_loan_at_a_time: bool = True
    guarantor_limit_satang: int | None = None
    guarantor_limit_multiple_pct: int | None = None


@dataclass(frozen=True)
class MemberStanding:
    """What the books say about a member, for the borrower and for each guarantor.

    ``guaranteed_satang``: the principal still owed on the loans they already guarantee.
    ``loans``: their own loans as (principal outstanding, days past due).
    """

    member_id: str
    name: str = ""
    savings_satang: int = 0
    shares_satang: int = 0
    exited: bool = False
    guaranteed_satang: int = 0
    loans: tuple[tuple[int, int], ...] = ()

    @property
    def label(self) -> str:
        return self.name or self.member_id


def _base(member: MemberStanding, terms: LoanTerms) -> int:
    """The savings a limit is a multiple of."""
    return member.savings_satang + (member.shares_satang if terms.count_shares else 0)


def _times(pct: int) -> str:
    """300 -> "3", 250 -> "2.5", 1000 -> "10"."""
    return format(Decimal(pct).scaleb(-2).normalize(), "f")


def check_application(*, borrower: MemberStanding, principal_satang: int, months: int,
                      terms: LoanTerms, guarantor_ids: Sequence[str] = (),
                      members: Mapping[str, MemberStanding] | None = None) -> list[Problem]:
    """Every reason the application cannot go ahead, in the order of the form's fields.

    Each guarantor is counted for the whole principal (co-guarantors are jointly liable,
    CCC s.682), on top of what they already guarantee. ``members`` maps the member ids of the
    group to their standing; a guarantor id not in it is unknown. The guarantors needed are
    counted among the acceptable ones: distinct, known, not the borrower, not exited, within
    their limit.
    """
    members = members or {}
    problems = _check_amount(borrower, principal_satang, months, terms)
    problems += _check_guarantors(borrower, principal_satang, terms, guarantor_ids, members)
    problems += _check_standing(borrower, terms)
    return problems


def _check_amount(borrower: MemberStanding, principal: int, months: int,
                  terms: LoanTerms) -> list[Problem]:
    problems = []
    if principal <= 0:
        problems.append(invalid("จำนวนเงินกู้ต้องมากกว่าศูนย์",
                                "The loan amount must be more than zero", "principal_satang"))
    else:
        most = _base(borrower, terms) * terms.max_savings_multiple_pct // 100
        if principal > most:
            times = _times(terms.max_savings_multiple_pct)
            what_th, what_en = (("เงินออมและหุ้น", "savings and shares") if terms.count_shares
                                else ("เงินออม", "savings"))
            problems.append(invalid(
                f"เงินกู้เกิน {times} เท่าของ{what_th} (สูงสุด {format_baht(most)})",
                f"The loan is more than {times} times the {what_en} "
                f"(at most {format_baht(most)})", "principal_satang"))
    if months < 1:
        problems.append(invalid("ระยะเวลากู้ต้องไม่น้อยกว่า 1 เดือน",
                                "The loan must run for at least 1 month", "months"))
    elif months > terms.max_months:
        problems.append(invalid(f"ระยะเวลากู้ได้ไม่เกิน {terms.max_months} เดือน",
                                f"The loan may run for at most {terms.max_months} months",
                                "months"))
    return problems


def _limit(guarantor: MemberStanding, terms: LoanTerms) -> int | None:
    limits = []
    if terms.guarantor_limit_satang is not None:
        limits.append(terms.guarantor_limit_satang)
    if terms.guarantor_limit_multiple_pct is not None:
        limits.append(_base(guarantor, terms) * terms.guarantor_limit_multiple_pct // 100)
    return min(limits) if limits else None


def _check_guarantors(borrower: MemberStanding, principal: int, terms: LoanTerms,
                      guarantor_ids: Sequence[str],
                      members: Mapping[str, MemberStanding]) -> list[Problem]:
    problems, seen, acceptable = [], set(), 0

    def refuse(th: str, en: str) -> None:
        problems.append(invalid(th, en, "guarantor_ids"))

    for gid in guarantor_ids:
        guarantor = members.get(gid)
        label = guarantor.label if guarantor else gid
        if gid == borrower.member_id:
            refuse("ผู้กู้ค้ำประกันเงินกู้ของตนเองไม่ได้",
                   "The borrower cannot be their own guarantor")
        elif gid in seen:
            refuse(f"ระบุผู้ค้ำประกัน {label} ซ้ำ",
                   f"Guarantor {label} is listed more than once")
        elif guarantor is None:
            refuse(f"ไม่พบผู้ค้ำประกัน {label} ในสมาชิกของกลุ่ม",
                   f"Guarantor {label} is not a member of this group")
        elif guarantor.exited:
            refuse(f"ผู้ค้ำประกัน {label} ออกจากกลุ่มแล้ว",
                   f"Guarantor {label} has left the group")
        else:
            limit = _limit(guarantor, terms)
            total = guarantor.guaranteed_satang + max(principal, 0)
            if limit is not None and total > limit:
                refuse(f"ผู้ค้ำประกัน {label} จะค้ำประกันรวม {format_baht(total)} "
                       f"เกินวงเงินค้ำประกัน {format_baht(limit)}",
                       f"Guarantor {label} would guarantee {format_baht(total)} in all, "
                       f"more than their limit of {format_baht(limit)}")
            else:
                acceptable += 1
        seen.add(gid)
    if acceptable < terms.guarantors_needed:
        refuse(f"ต้องมีผู้ค้ำประกันอย่างน้อย {terms.guarantors_needed} คน "
               f"(ที่ใช้ได้มี {acceptable} คน)",
               f"The loan needs at least {terms.guarantors_needed} guarantors "
               f"({acceptable} acceptable)")
    return problems


def _check_standing(borrower: MemberStanding, terms: LoanTerms) -> list[Problem]:
    problems = []
    if borrower.exited:
        problems.append(invalid("ผู้กู้ออกจากกลุ่มแล้ว", "The borrower has left the group",
                                "member_id"))
    late = max((days for _, days in borrower.loans), default=0)
    if late > 0:
        problems.append(invalid(
            f"ผู้กู้มีเงินกู้ค้างชำระ {late} วัน ต้องชำระให้เป็นปัจจุบันก่อนกู้ใหม่",
            f"The borrower has a loan {late} days overdue; it must be brought up to date "
            "before a new loan", "member_id"))
    owed = sum(outstanding for outstanding, _ in borrower.loans)
    if terms.one_loan_at_a_time and owed > 0:
        problems.append(invalid(
            f"ผู้กู้ยังมีเงินกู้ที่ชำระไม่ครบ (คงเหลือ {format_baht(owed)}) "
            "สินเชื่อนี้กู้ได้ครั้งละหนึ่งสัญญา",
            f"The borrower still owes {format_baht(owed)} on a loan; this product allows "
            "one loan at a time", "member_id"))
    return problems
