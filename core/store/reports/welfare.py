"""The welfare fund over a period, per benefit type: claims made, decided (approved, refused)
and paid, with the members' contributions and the fund at the start and the end.

Payments are read from the journal as core.store.welfare reads them (a ``welfare.pay``
transaction whose memo is the claim's id); a void dated in the period takes its payment back
in the period, so the figures tie to the fund's balance: start + contributions + other income
- benefits paid = end.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, Case, fn

from core import books
from core.policy import DEFAULT_WELFARE_BENEFITS
from core.store.models import Account, Group, JournalLine, JournalTxn, WelfareClaim
from core.store.reports import sums
from core.store.reports.common import by_bounds
from core.store.reports.period import Period

Original = JournalTxn.alias("original")


@dataclass(frozen=True)
class BenefitRow:
    code: str
    name_th: str
    name_en: str
    claims: int = 0  # claims made in the period
    approved: int = 0  # claims approved in the period
    approved_satang: int = 0
    refused: int = 0
    paid: int = 0  # payments in the period, less those voided in it
    paid_satang: int = 0

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


@dataclass(frozen=True)
class WelfareSummary:
    first: date
    last: date
    rows: tuple[BenefitRow, ...]
    contributions: int
    opening: int  # the fund at the start (natural sign)
    closing: int

    @property
    def paid_satang(self) -> int:
        return sum(row.paid_satang for row in self.rows)

    @property
    def other_income(self) -> int:
        """Everything else the fund received: funders' money, transfers at year end."""
        return self.closing - self.opening - self.contributions + self.paid_satang

    def total(self, column: str) -> int:
        return sum(getattr(row, column) for row in self.rows)

    @property
    def empty(self) -> bool:
        return not (self.contributions or self.opening or self.closing
                    or any(row.claims or row.approved or row.refused or row.paid
                           for row in self.rows))


def _names(groups: list[Group]) -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for group in groups:
        # the benefits as with_defaults gives them, without copying the whole policy
        stored = ((group.policy or {}).get("welfare") or {}).get("benefits")
        for benefit in stored or DEFAULT_WELFARE_BENEFITS:
            names.setdefault(benefit["code"], (benefit.get("name_th") or benefit["code"],
                                               benefit.get("name_en") or benefit["code"]))
    return names


def _claim_counts(ids, first, last):
    found = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    made = (WelfareClaim.select(WelfareClaim.group, WelfareClaim.benefit_type,
                                fn.COUNT(WelfareClaim.id))
            .where(WelfareClaim.group.in_(ids) & WelfareClaim.claimed_on.between(first, last))
            .group_by(WelfareClaim.group, WelfareClaim.benefit_type).tuples())
    for group_id, code, count in made:
        found[group_id][code][0] = int(count)
    approved = WelfareClaim.status.in_(("approved", "paid"))
    decided = (WelfareClaim.select(
        WelfareClaim.group, WelfareClaim.benefit_type,
        fn.SUM(Case(None, [(approved, 1)], 0)),
        fn.SUM(Case(None, [(approved, WelfareClaim.approved_satang)], 0)),
        fn.SUM(Case(None, [(WelfareClaim.status == "refused", 1)], 0)))
        .where(WelfareClaim.group.in_(ids) & WelfareClaim.decided_on.between(first, last))
        .group_by(WelfareClaim.group, WelfareClaim.benefit_type).tuples())
    for group_id, code, count, amount, refused in decided:
        found[group_id][code][1:] = [int(count or 0), int(amount or 0), int(refused or 0)]
    return found


def _payments(ids, first, last):
    voiding = JournalTxn.reverses.is_null(False)
    claim_id = Case(None, [(voiding, Original.memo)], JournalTxn.memo)
    rows = (JournalLine.select(JournalTxn.group, WelfareClaim.benefit_type,
                               fn.SUM(Case(None, [(voiding, -1)], 1)),
                               fn.SUM(JournalLine.amount))
            .join(JournalTxn)
            .join(Original, JOIN.LEFT_OUTER, on=(JournalTxn.reverses == Original.id))
            .switch(JournalLine).join(Account)
            .join(WelfareClaim, on=(WelfareClaim.id == claim_id))
            .where(JournalTxn.group.in_(ids) & JournalTxn.business_date.between(first, last)
                   & (Account.code == books.WELFARE_FUND) & Account.member.is_null()
                   & ((JournalTxn.kind == "welfare.pay") | (Original.kind == "welfare.pay")))
            .group_by(JournalTxn.group, WelfareClaim.benefit_type).tuples())
    found = defaultdict(dict)
    for group_id, code, count, amount in rows:
        found[group_id][code] = (int(count or 0), int(amount or 0))
    return found


def welfare_summaries(groups: list[Group], period: Period,
                      known: sums.PeriodSums | None = None) -> dict[str, WelfareSummary]:
    """Each group's summary; ``known``: the period's sums, when the caller has them."""
    names = _names(groups)
    found = {}
    for (first, last), ids in by_bounds(groups, period).items():
        claims = _claim_counts(ids, first, last)
        payments = _payments(ids, first, last)
        span = known or sums.period_sums(ids, first, last)
        ends, moves = span.end, span.moved
        contributions = {group_id: -span.members_moved.get(group_id, {}).get(
            books.WELFARE_FUND, 0) for group_id in ids}
        for group_id in ids:
            codes = list(names) + [c for c in {**claims.get(group_id, {}),
                                                **payments.get(group_id, {})} if c not in names]
            rows = []
            for code in codes:
                made, approved, approved_satang, refused = claims.get(group_id, {}).get(
                    code, [0, 0, 0, 0])
                paid, paid_satang = payments.get(group_id, {}).get(code, (0, 0))
                th, en = names.get(code, (code, code))
                rows.append(BenefitRow(code, th, en, made, approved, approved_satang, refused,
                                       paid, paid_satang))
            found[group_id] = WelfareSummary(
                first, last, tuple(rows), contributions.get(group_id, 0),
                -(ends.get(group_id, {}).get(books.WELFARE_FUND, 0)
                  - moves.get(group_id, {}).get(books.WELFARE_FUND, 0)),
                -ends.get(group_id, {}).get(books.WELFARE_FUND, 0))
    return found


def sum_welfare(many: list[WelfareSummary], first: date, last: date) -> WelfareSummary:
    rows: dict[str, BenefitRow] = {}
    for summary in many:
        for row in summary.rows:
            seen = rows.get(row.code)
            rows[row.code] = row if seen is None else BenefitRow(
                row.code, seen.name_th, seen.name_en, seen.claims + row.claims,
                seen.approved + row.approved, seen.approved_satang + row.approved_satang,
                seen.refused + row.refused, seen.paid + row.paid,
                seen.paid_satang + row.paid_satang)
    return WelfareSummary(first, last, tuple(rows.values()),
                          sum(s.contributions for s in many), sum(s.opening for s in many),
                          sum(s.closing for s in many))
