"""The savings-group ratios SAVIX and SEEP report, for a period.

The exact SAVIX definitions were not at hand (DOMAIN.md §3 lists the set as an assumption), so
each is defined here, on the books Sajja keeps; "member funds" are the members' savings (2100)
and shares (3100), which together are what a VSLA calls savings:

- annualised return on savings = net profit of the period / average member funds
  ((start + end) / 2) × 12 / months in the period;
- loan fund utilisation = principal owed on loans at the end / member funds at the end;
- attendance = members with an entry at a meeting of the period / members on the books on
  each meeting's day, over all the period's meetings. Sajja records no roll call, so a member
  who came and recorded nothing is not counted: a floor, not a head count; None without
  meetings;
- drop-out rate = members who left in the period / members at its start;
- average member funds per member = member funds at the end / members at the end;
- PAR30 as the loan portfolio gives it.

Percentages are Decimal, two places, half up; None where the divisor is zero.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from peewee import fn

from core.money import round_half_up
from core.store.models import Group, JournalTxn, Meeting, Member
from core.store.reports.common import by_bounds
from core.store.reports.period import Period

CENT = Decimal("0.01")


def percent(numerator: int, denominator: int, scale: int = 1) -> Decimal | None:
    """numerator / denominator × 100 × scale, or None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator * 100 * scale) / Decimal(denominator)).quantize(
        CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Ratios:
    months: int
    net_profit: int
    funds_opening: int  # savings and shares at the start
    funds_closing: int
    loans_outstanding: int
    members_at_start: int
    members_exited: int
    members_at_end: int
    meetings: int
    present: int  # members with an entry, summed over the meetings
    expected: int  # members on the books, summed over the meetings
    par30: Decimal

    @property
    def return_on_savings(self) -> Decimal | None:
        """Annualised: doubled average (start + end) keeps the arithmetic whole."""
        if not self.funds_opening + self.funds_closing:
            return None
        return (Decimal(self.net_profit * 2 * 100 * 12)
                / Decimal((self.funds_opening + self.funds_closing) * self.months)).quantize(
            CENT, ROUND_HALF_UP)

    @property
    def loan_fund_utilisation(self) -> Decimal | None:
        return percent(self.loans_outstanding, self.funds_closing)

    @property
    def attendance(self) -> Decimal | None:
        return percent(self.present, self.expected) if self.meetings else None

    @property
    def drop_out_rate(self) -> Decimal | None:
        return percent(self.members_exited, self.members_at_start)

    @property
    def average_funds(self) -> int | None:
        """Satang per member at the end, half up."""
        if not self.members_at_end:
            return None
        return round_half_up(self.funds_closing, self.members_at_end)


def attendance(groups: list[Group], period: Period) -> dict[str, tuple[int, int, int]]:
    """Each group's (meetings, members with an entry, members on the books) over the
    period's meetings. Members are counted by the days they joined and left (few distinct
    days), so nothing here walks the member list or the journal in Python."""
    found = {g.id: (0, 0, 0) for g in groups}
    for (first, last), ids in by_bounds(groups, period).items():
        held = list(Meeting.select(Meeting.id, Meeting.group, Meeting.date)
                    .where(Meeting.group.in_(ids) & Meeting.date.between(first, last)).tuples())
        if not held:
            continue
        # by the meetings' ids: a condition on `reverses` would lead the planner to that index
        present = dict(JournalTxn.select(JournalTxn.meeting,
                                         fn.COUNT(JournalTxn.member.distinct()))
                       .where(JournalTxn.meeting.in_([row[0] for row in held])
                              & JournalTxn.member.is_null(False)
                              & (JournalTxn.kind != "reversal"))
                       .group_by(JournalTxn.meeting).tuples())
        spans: dict[str, list[tuple]] = {}
        for group_id, joined, left, count in (
                Member.select(Member.group, Member.joined_on, Member.exited_on, fn.COUNT(Member.id))
                .where(Member.group.in_(ids) & (Member.joined_on <= last))
                .group_by(Member.group, Member.joined_on, Member.exited_on).tuples()):
            spans.setdefault(group_id, []).append((joined, left, int(count)))
        for meeting_id, group_id, day in held:
            on_books = sum(count for joined, left, count in spans.get(group_id, ())
                           if joined <= day and (left is None or left > day))
            meetings, came, expected = found[group_id]
            found[group_id] = (meetings + 1, came + int(present.get(meeting_id, 0)),
                               expected + on_books)
    return found
