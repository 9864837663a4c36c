"""The year-end close as the books see it: the year's net profit, each member's share-months,
interest paid and defaults, the allocation (or a VSLA's share-out), and what stops a close.
Queries only, besides saving the year-end policy; the close itself is the `year.close` op
(core.store.handlers.yearend).

Figures are read from the journal by business date within the fiscal year, so entries of the
next year recorded before the close do not count, and a voided entry counts on the day its
reversal was posted. Members who have left get no share of the profit: their shares were paid
out when they left [A].
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from peewee import fn

from core import books, yearend
from core.errors import OpRefused, Problem, invalid
from core.policy import check_policy, with_defaults
from core.store.db import database
from core.store.loans import schedule_of
from core.store.models import (
    Account,
    AuditLog,
    FiscalPeriod,
    Group,
    JournalLine,
    JournalTxn,
    Loan,
    Member,
    ReviewItem,
)

CLOSABLE_KINDS = (books.INCOME, books.EXPENSE)


@dataclass
class YearFigures:
    group: Group
    year_be: int
    starts_on: date
    ends_on: date
    closing: dict[str, int]  # income and expense account key -> the year's balance
    members: list[Member]
    allocation: yearend.Allocation | None = None  # savings and welfare groups
    shareout: yearend.ShareOut | None = None  # VSLA groups
    defaulted: set[str] = field(default_factory=set)
    period: FiscalPeriod | None = None  # one covering the whole year, closed ones first

    @property
    def profit(self) -> int:
        return -sum(self.closing.values())

    @property
    def income(self) -> int:
        return -sum(v for k, v in self.closing.items() if _kind(k) == books.INCOME)

    @property
    def expenses(self) -> int:
        return sum(v for k, v in self.closing.items() if _kind(k) == books.EXPENSE)

    @property
    def closed(self) -> bool:
        return self.period is not None and self.period.closed_at is not None

    @property
    def vsla(self) -> bool:
        return self.shareout is not None

    @property
    def books_hash(self) -> str:
        """What the preview showed, as one short text: a close on other figures is refused."""
        if self.vsla:
            parts = [(m.member_id, m.shares, m.payout) for m in self.shareout.members]
        else:
            parts = [(m.member_id, m.share_months, m.dividend, m.interest_paid, m.refund)
                     for m in self.allocation.members]
            parts.append(sorted(self.allocation.credits().items()))
        text = json.dumps([self.year_be, sorted(self.closing.items()), parts],
                          separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def member(self, member_id: str) -> Member:
        return next(m for m in self.members if m.id == member_id)


def _kind(key: str) -> str:
    return books.CHART[books.code_of(key)].kind


def year_end_policy(group: Group) -> dict:
    return with_defaults(group.policy)["year_end"]


def bounds(group: Group, year_be: int) -> tuple[date, date]:
    return yearend.fiscal_year_bounds(year_be, with_defaults(group.policy)
                                      ["fiscal_year_start_month"])


def _year_lines(group_id: str, starts_on: date, ends_on: date):
    return (JournalLine.select().join(JournalTxn).switch(JournalLine).join(Account)
            .where((JournalLine.group == group_id) & (JournalTxn.business_date >= starts_on)
                   & (JournalTxn.business_date <= ends_on)))


def figures(group: Group, year_be: int) -> YearFigures:
    starts_on, ends_on = bounds(group, year_be)
    closing = {key: int(total) for key, total in _year_lines(group.id, starts_on, ends_on)
               .select(Account.key, fn.SUM(JournalLine.amount))
               .where(Account.kind.in_(CLOSABLE_KINDS)).group_by(Account.key).tuples()
               if int(total or 0)}
    members = list(Member.select().where((Member.group == group.id)
                                         & (Member.status == "active"))
                   .order_by(Member.member_no))
    # The year is closed when a closed period covers all of it (a locked month does not).
    period = (FiscalPeriod.select().where((FiscalPeriod.group == group.id)
                                          & (FiscalPeriod.starts_on <= starts_on)
                                          & (FiscalPeriod.ends_on >= ends_on))
              .order_by(FiscalPeriod.closed_at.is_null(), FiscalPeriod.id).first())
    result = YearFigures(group, year_be, starts_on, ends_on, closing, members, period=period)
    ids = [m.id for m in members]
    if group.kind == "vsla":
        shares = _shares_at(group.id, ids, ends_on)
        result.shareout = yearend.share_out(result.profit, {m: shares[m] for m in ids
                                                            if shares[m] > 0})
        return result
    held = _share_months(group.id, ids, starts_on, ends_on)
    interest = _interest_paid(group.id, ids, starts_on, ends_on)
    result.defaulted = _defaulters(group.id, starts_on, ends_on)
    result.allocation = yearend.allocate(
        result.profit, year_end_policy(group),
        [yearend.MemberYear(m, held[m], interest[m], m in result.defaulted) for m in ids])
    return result


def _share_lines(group_id: str, member_ids: list[str]):
    return (JournalLine.select(Account.member, JournalTxn.business_date, JournalLine.amount)
            .join(JournalTxn).switch(JournalLine).join(Account)
            .where((JournalLine.group == group_id) & (Account.code == books.SHARES)
                   & Account.member.in_(member_ids or [""])))


def _shares_at(group_id: str, member_ids: list[str], day: date) -> dict[str, int]:
    held = dict.fromkeys(member_ids, 0)
    for member_id, _, amount in _share_lines(group_id, member_ids).where(
            JournalTxn.business_date <= day).tuples():
        held[member_id] -= int(amount)  # shares are credits: a credit is share money held
    return held


def _share_months(group_id: str, member_ids: list[str], starts_on: date,
                  ends_on: date) -> dict[str, int]:
    opening = dict.fromkeys(member_ids, 0)
    moves: dict[str, list] = defaultdict(list)
    for member_id, day, amount in _share_lines(group_id, member_ids).where(
            JournalTxn.business_date <= ends_on).tuples():
        if day < starts_on:
            opening[member_id] -= int(amount)
        else:
            moves[member_id].append((day, -int(amount)))
    return {m: yearend.share_months(opening[m], moves[m], starts_on) for m in member_ids}


def _interest_paid(group_id: str, member_ids: list[str], starts_on: date,
                   ends_on: date) -> dict[str, int]:
    paid = dict.fromkeys(member_ids, 0)
    rows = (_year_lines(group_id, starts_on, ends_on)
            .select(JournalTxn.member, fn.SUM(JournalLine.amount))
            .where((Account.code == books.INTEREST_INCOME)
                   & JournalTxn.member.in_(member_ids or [""]))
            .group_by(JournalTxn.member).tuples())
    for member_id, total in rows:
        paid[member_id] = -int(total or 0)
    return paid


def _defaulters(group_id: str, starts_on: date, ends_on: date) -> set[str]:
    """Members with an instalment due in the year not paid by its due date and grace days, or
    a loan written off in the year."""
    found = set()
    loans = (Loan.select().where((Loan.group == group_id) & Loan.disbursed_on.is_null(False)
                                 & (Loan.disbursed_on <= ends_on)))
    reversal = JournalTxn.alias("reversal")
    voided = reversal.select(reversal.reverses).where(reversal.reverses.is_null(False))
    for loan in loans:
        if loan.status == "written_off" and loan.closed_on and loan.closed_on <= ends_on:
            found.add(loan.member_id)
            continue
        start = loan.schedule_start or loan.disbursed_on
        paid = (JournalLine.select(JournalTxn.business_date, fn.SUM(JournalLine.amount))
                .join(JournalTxn).switch(JournalLine).join(Account)
                .where((JournalTxn.kind == "loan.repay") & (JournalTxn.memo == loan.id)
                       & (JournalTxn.group == group_id) & JournalTxn.id.not_in(voided)
                       & (JournalTxn.business_date >= start)
                       & ((Account.key == books.account_key(books.LOANS, loan.id))
                          | (Account.code == books.INTEREST_INCOME)))
                .group_by(JournalTxn.id, JournalTxn.business_date).tuples())
        instalments = [(i.due_date, i.total) for i in schedule_of(loan)]
        if yearend.defaulted(instalments, [(d, -int(a)) for d, a in paid], starts_on, ends_on,
                             loan.product.grace_days):
            found.add(loan.member_id)
    return found


# ----------------------------------------------------------------------- what stops a close


def problems(fig: YearFigures, today: date) -> list[Problem]:
    """Every reason the year cannot be closed now, for the page to show before anyone tries."""
    found = []
    if fig.closed:
        found.append(invalid(f"ปีบัญชี {fig.year_be} ปิดไปแล้ว",
                             f"The year {fig.year_be} is already closed", "year_be"))
    if today <= fig.ends_on:
        found.append(invalid("ยังไม่สิ้นปีบัญชี ปิดได้ตั้งแต่วันถัดจากวันสิ้นปี",
                             "The year has not ended yet; it can be closed from the day after "
                             "its last day", "year_be"))
    if (FiscalPeriod.select().where((FiscalPeriod.group == fig.group.id)
                                    & FiscalPeriod.closed_at.is_null(False)
                                    & (FiscalPeriod.starts_on > fig.ends_on)).exists()):
        found.append(invalid("ปีบัญชีถัดไปปิดแล้ว ต้องปิดตามลำดับปี",
                             "A later year is already closed; years close in order",
                             "year_be"))
    open_items = ReviewItem.select().where((ReviewItem.group == fig.group.id)
                                           & (ReviewItem.state == "open")).count()
    if open_items:
        found.append(invalid(f"มีรายการรอตรวจสอบ {open_items} รายการ ต้องตรวจให้เสร็จก่อนปิดปี",
                             f"{open_items} entries are waiting for review; resolve them "
                             f"before closing the year", "reviews"))
    if fig.vsla and (Account.select().where((Account.group == fig.group.id)
                                            & (Account.code == books.LOANS)
                                            & (Account.balance != 0)).exists()):
        found.append(invalid("ยังมีเงินกู้ค้างอยู่ ต้องชำระคืนครบก่อนแบ่งเงินสิ้นรอบ",
                             "Loans are still outstanding; they must be repaid before the "
                             "share-out", "loans"))
    return found


# ------------------------------------------------------------------------------- the policy


def save_year_end_policy(group: Group, changes: dict, *, by=None) -> Problem | None:
    """Change the group's year-end split; refused (with the reason) unless the whole policy
    still holds, so percentages that do not add up to 100 are never saved."""
    stored = dict(group.policy or {})
    stored["year_end"] = {**(stored.get("year_end") or {}), **changes}
    problem = check_policy(with_defaults(stored))
    if problem:
        return problem
    with database.atomic():
        Group.update(policy=stored, policy_version=Group.policy_version + 1).where(
            Group.id == group.id).execute()
        AuditLog.create(group=group.id, user=by.id if by else None, action="policy.year_end",
                        detail=changes)
    return None


def refuse_unless_closable(fig: YearFigures, today: date, books_hash: str) -> None:
    for problem in problems(fig, today):
        raise OpRefused(problem)
    if books_hash != fig.books_hash:
        raise OpRefused(invalid("ตัวเลขในบัญชีเปลี่ยนไปหลังจากที่ดูตัวอย่าง กรุณาดูตัวอย่างใหม่",
                                "The books changed after the preview; look at it again",
                                "books_hash"))
