"""The welfare fund as the books see it: what the rules say of a claim, each member's
contributions against what is due, the claims, the fund's income, and the yearly figures the
funders ask for. Queries only; the ops are in core.store.handlers.welfare.

Contributions are the credits to the members' own welfare accounts (3300:member); benefits
paid are debits to the group's welfare fund account (3300); income of the fund is credited
there too. Figures are read from the journal by business date, so a void counts on the day
it was posted.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import fn

from core import books, welfare
from core.policy import with_defaults
from core.store.models import Account, Group, JournalLine, JournalTxn, Member, SyncOp, WelfareClaim

LIVE = ("claimed", "approved", "paid")  # a refused claim takes nothing from the limits


def scheme(group: Group) -> dict:
    return with_defaults(group.policy)["welfare"]


def year_start_month(group: Group) -> int:
    return with_defaults(group.policy)["fiscal_year_start_month"]


def claim_of(group_id: str, claim_id: str) -> WelfareClaim | None:
    return WelfareClaim.get_or_none((WelfareClaim.id == claim_id)
                                    & (WelfareClaim.group == group_id))


def _not_reversed():
    return JournalTxn.id.not_in(JournalTxn.select(JournalTxn.reverses)
                                .where(JournalTxn.reverses.is_null(False)))


# -------------------------------------------------------------------------- contributions


def contributions_paid(group_id: str, member_ids: list[str], up_to: date | None = None,
                       since: date | None = None) -> dict[str, int]:
    """Each member's contributions (net of voids) with business dates in the range."""
    paid = dict.fromkeys(member_ids, 0)
    if not member_ids:
        return paid
    rows = (JournalLine.select(Account.member, fn.SUM(JournalLine.amount))
            .join(Account).switch(JournalLine).join(JournalTxn)
            .where((JournalLine.group == group_id) & (Account.code == books.WELFARE_FUND)
                   & Account.member.in_(member_ids)))
    if up_to is not None:
        rows = rows.where(JournalTxn.business_date <= up_to)
    if since is not None:
        rows = rows.where(JournalTxn.business_date >= since)
    for member_id, total in rows.group_by(Account.member).tuples():
        paid[member_id] = -int(total or 0)
    return paid


def _standing_on(member: Member, policy: dict, paid: int, on: date) -> tuple[int, int, int]:
    """(due, missed, judged on) for a member: dues stop on the day a member leaves."""
    until = min(on, member.exited_on) if member.exited_on else on
    due = welfare.contributions_due(policy, member.joined_on, until)
    return due, welfare.missed_contributions(policy, member.joined_on, paid, until), until


def member_facts(group: Group, member: Member, on: date) -> welfare.MemberFacts:
    """What the rules need of the member, with contributions paid by the day `on`."""
    policy = scheme(group)
    paid = contributions_paid(group.id, [member.id], on)[member.id]
    _due, missed, _until = _standing_on(member, policy, paid, on)
    return welfare.MemberFacts(joined_on=member.joined_on, birth_date=member.birth_date,
                               gender=member.gender, exited_on=member.exited_on,
                               lapsed=welfare.is_lapsed(policy, missed), missed=missed)


@dataclass(frozen=True)
class ContributionStatus:
    member: Member
    due: int
    paid: int
    behind: int
    missed: int
    lapsed: bool


def contribution_status(group: Group, as_of: date) -> list[ContributionStatus]:
    """Every active member's contributions against what is due, most behind first."""
    policy = scheme(group)
    members = list(Member.select().where((Member.group == group.id)
                                         & (Member.status == "active")
                                         & (Member.joined_on <= as_of)))
    paid = contributions_paid(group.id, [m.id for m in members], as_of)
    rows = []
    for member in members:
        due, missed, _ = _standing_on(member, policy, paid[member.id], as_of)
        rows.append(ContributionStatus(member, due, paid[member.id],
                                       welfare.behind(due, paid[member.id]), missed,
                                       welfare.is_lapsed(policy, missed)))
    return sorted(rows, key=lambda r: (-r.behind, r.member.member_no))


# --------------------------------------------------------------------------------- claims


def paid_so_far(group: Group, member_id: str, benefit_type: str, event_date: date,
                exclude: str | None = None) -> welfare.PaidSoFar:
    """What the member's other live claims of this benefit take from its limits: the approved
    amount once approved, the rule's suggestion while waiting for the committee."""
    first, last = welfare.year_bounds(welfare.year_of(event_date, year_start_month(group)),
                                      year_start_month(group))
    claims = WelfareClaim.select().where(
        (WelfareClaim.group == group.id) & (WelfareClaim.member == member_id)
        & (WelfareClaim.benefit_type == benefit_type) & WelfareClaim.status.in_(LIVE))
    if exclude:
        claims = claims.where(WelfareClaim.id != exclude)
    event = year = life = 0
    for claim in claims:
        amount = (claim.approved_satang if claim.status != "claimed"
                  else claim.suggested_satang) or 0
        life += amount
        year += amount if first <= claim.event_date <= last else 0
        event += amount if claim.event_date == event_date else 0
    return welfare.PaidSoFar(this_event=event, this_year=year, lifetime=life)


def assess(group: Group, member: Member, benefit_type: str, event_date: date,
           nights: int | None, today: date, exclude: str | None = None
           ) -> welfare.Assessment | None:
    """What the rules say of a claim (None for a benefit the scheme does not have)."""
    benefit = welfare.benefit_of(scheme(group), benefit_type)
    if benefit is None:
        return None
    return welfare.assess_claim(benefit, member_facts(group, member, event_date), event_date,
                                today, nights=nights,
                                paid=paid_so_far(group, member.id, benefit_type, event_date,
                                                 exclude))


def claims_of(group_id: str, status: str | None = None, member_id: str | None = None,
              limit: int = 200) -> list[WelfareClaim]:
    rows = (WelfareClaim.select(WelfareClaim, Member).join(Member)
            .where(WelfareClaim.group == group_id))
    if status:
        rows = rows.where(WelfareClaim.status == status)
    if member_id:
        rows = rows.where(WelfareClaim.member == member_id)
    return list(rows.order_by(WelfareClaim.created_at.desc()).limit(limit))


def payment_of(claim: WelfareClaim) -> JournalTxn | None:
    """The payment of the benefit from the welfare fund, unless it was voided."""
    return (JournalTxn.select().join(JournalLine).join(Account)
            .where((JournalTxn.group == claim.group_id) & (JournalTxn.kind == "welfare.pay")
                   & (JournalTxn.memo == claim.id) & (Account.code == books.WELFARE_FUND)
                   & _not_reversed())
            .order_by(JournalTxn.id).first())


def fund_balance(group_id: str, up_to: date | None = None) -> int:
    """The welfare fund (contributions, income, less benefits), natural sign."""
    rows = (JournalLine.select(fn.SUM(JournalLine.amount)).join(Account)
            .switch(JournalLine).join(JournalTxn)
            .where((JournalLine.group == group_id) & (Account.code == books.WELFARE_FUND)))
    if up_to is not None:
        rows = rows.where(JournalTxn.business_date <= up_to)
    return -int(rows.scalar() or 0)


# -------------------------------------------------------------------------------- funding


@dataclass(frozen=True)
class Funding:
    txn: JournalTxn
    amount: int
    source: str
    matching_round: int | None
    note: str


def funding_of(group_id: str, first: date | None = None, last: date | None = None
               ) -> list[Funding]:
    """The welfare fund's income entries (not voided), with the source and round recorded."""
    rows = (JournalTxn.select(JournalTxn, SyncOp.payload, JournalLine.amount)
            .join(JournalLine).join(Account).switch(JournalTxn)
            .join(SyncOp, on=(JournalTxn.op == SyncOp.id))
            .where((JournalTxn.group == group_id) & (JournalTxn.kind == "group.income")
                   & (Account.code == books.WELFARE_FUND) & Account.member.is_null()
                   & _not_reversed()))
    if first is not None:
        rows = rows.where(JournalTxn.business_date >= first)
    if last is not None:
        rows = rows.where(JournalTxn.business_date <= last)
    found = []
    for txn in rows.order_by(JournalTxn.business_date, JournalTxn.id).objects():
        payload = json.loads(txn.payload)
        found.append(Funding(txn, -int(txn.amount), payload.get("source") or "other",
                             payload.get("matching_round"), payload.get("note") or ""))
    return found


# ---------------------------------------------------------------------- the yearly figures


@dataclass
class YearFigures:
    year: int
    first: date
    last: date
    members: dict[str, int] = field(default_factory=dict)  # by age group, on the last day
    vulnerable: dict[str, int] = field(default_factory=dict)  # overlaps the age groups
    members_total: int = 0
    joined: int = 0
    left: int = 0
    contributions: int = 0
    income: dict[str, int] = field(default_factory=dict)  # group income by source
    rounds: list[tuple[str, int, int]] = field(default_factory=list)  # source, round, amount
    benefits: dict[str, tuple[int, int]] = field(default_factory=dict)  # code: (cases, baht)
    opening: int = 0
    closing: int = 0

    @property
    def by_source(self) -> dict[str, int]:
        """All the fund's income by source; the members' contributions count as members'."""
        totals = {source: self.income.get(source, 0) for source in welfare.FUNDING_SOURCES}
        totals["members"] += self.contributions
        return totals

    @property
    def income_total(self) -> int:
        return sum(self.by_source.values())

    @property
    def cases(self) -> int:
        return sum(cases for cases, _ in self.benefits.values())

    @property
    def paid(self) -> int:
        return sum(baht for _, baht in self.benefits.values())


def yearly_figures(group: Group, year: int) -> YearFigures:
    first, last = welfare.year_bounds(year, year_start_month(group))
    figures = YearFigures(year, first, last)
    _count_members(group, figures)
    figures.contributions = sum(contributions_paid(
        group.id, [m.id for m in Member.select(Member.id).where(Member.group == group.id)],
        up_to=last, since=first).values())
    rounds: dict[tuple[str, int], int] = defaultdict(int)
    for entry in funding_of(group.id, first, last):
        figures.income[entry.source] = figures.income.get(entry.source, 0) + entry.amount
        if entry.matching_round:
            rounds[(entry.source, entry.matching_round)] += entry.amount
    figures.rounds = [(s, r, amount) for (s, r), amount in sorted(rounds.items())]
    figures.benefits = {b["code"]: (0, 0) for b in scheme(group)["benefits"]}
    paid = (JournalTxn.select(WelfareClaim.benefit_type, fn.COUNT(JournalTxn.id),
                              fn.SUM(JournalLine.amount))
            .join(JournalLine).join(Account).switch(JournalTxn)
            .join(WelfareClaim, on=(JournalTxn.memo == WelfareClaim.id))
            .where((JournalTxn.group == group.id) & (JournalTxn.kind == "welfare.pay")
                   & (Account.code == books.WELFARE_FUND)
                   & JournalTxn.business_date.between(first, last) & _not_reversed())
            .group_by(WelfareClaim.benefit_type))
    for code, cases, baht in paid.tuples():
        figures.benefits[code] = (int(cases), int(baht or 0))
    figures.opening = fund_balance(group.id, first - timedelta(days=1))
    figures.closing = fund_balance(group.id, last)
    return figures


def _count_members(group: Group, figures: YearFigures) -> None:
    """Members on the year's last day, by age group then; and who joined and left in it."""
    figures.members = dict.fromkeys(welfare.AGE_GROUPS, 0)
    figures.vulnerable = dict.fromkeys(welfare.VULNERABLE, 0)
    for member in Member.select().where((Member.group == group.id)
                                        & (Member.joined_on <= figures.last)):
        if figures.first <= member.joined_on:
            figures.joined += 1
        if member.exited_on is not None and member.exited_on <= figures.last:
            figures.left += figures.first <= member.exited_on
            continue
        figures.members_total += 1
        figures.members[welfare.age_group(member.birth_date, figures.last)] += 1
        for code in member.vulnerable or ():
            if code in figures.vulnerable:
                figures.vulnerable[code] += 1
