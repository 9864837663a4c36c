"""The member register at the end of a period: every member who had joined by then, with
their status that day and their savings, shares, loans owed and welfare contributions."""

from dataclasses import dataclass
from datetime import date, timedelta

from peewee import Case, fn

from core import books
from core.store.models import Group, Member
from core.store.reports import sums
from core.store.reports.common import bounds_of, by_bounds
from core.store.reports.period import Period

ACTIVE, EXITED = "active", "exited"
# The register's money columns, by chart code.
COLUMNS = {"savings": books.SAVINGS, "shares": books.SHARES, "loans": books.LOANS,
           "welfare": books.WELFARE_FUND}


@dataclass(frozen=True)
class RegisterRow:
    member_id: str
    member_no: int
    name: str
    joined_on: date
    status: str  # on the last day of the period
    exited_on: date | None
    savings: int
    shares: int
    loans: int  # principal still owed
    welfare: int  # welfare contributions paid


@dataclass(frozen=True)
class MemberRegister:
    as_of: date
    rows: tuple[RegisterRow, ...]

    @property
    def active(self) -> int:
        return sum(row.status == ACTIVE for row in self.rows)

    @property
    def exited(self) -> int:
        return sum(row.status == EXITED for row in self.rows)

    def total(self, column: str) -> int:
        return sum(getattr(row, column) for row in self.rows)

    @property
    def empty(self) -> bool:
        return not self.rows


def member_register(group: Group, period: Period) -> MemberRegister:
    _first, last = bounds_of(group, period)
    balances = sums.member_balances_as_of(group.id, last)
    rows = []
    for member in (Member.select().where((Member.group == group.id) & (Member.joined_on <= last))
                   .order_by(Member.member_no)):
        gone = member.exited_on is not None and member.exited_on <= last
        own = balances.get(member.id, {})
        figures = {name: books.natural_balance(books.CHART[code].kind, own.get(code, 0))
                   for name, code in COLUMNS.items()}
        rows.append(RegisterRow(member.id, member.member_no, member.name, member.joined_on,
                                EXITED if gone else ACTIVE, member.exited_on if gone else None,
                                **figures))
    return MemberRegister(last, tuple(rows))


@dataclass(frozen=True)
class MemberCounts:
    """How many members a group had: at the start and end of a period, and who came and left
    in it."""

    at_start: int
    joined: int
    exited: int
    at_end: int


def _count(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


def _still_in(day: date):
    """Not gone by the end of ``day``."""
    return Member.exited_on.is_null() | (Member.exited_on > day)


def member_counts(groups: list[Group], period: Period) -> dict[str, MemberCounts]:
    """One query per span for every group: the register's head counts."""
    found = {}
    for (first, last), ids in by_bounds(groups, period).items():
        rows = (Member.select(
            Member.group,
            _count((Member.joined_on < first) & _still_in(first - timedelta(days=1))),
            _count(Member.joined_on.between(first, last)),
            _count(Member.exited_on.between(first, last)),
            _count((Member.joined_on <= last) & _still_in(last)))
            .where(Member.group.in_(ids)).group_by(Member.group).tuples())
        counted = {row[0]: MemberCounts(*(int(n or 0) for n in row[1:])) for row in rows}
        for group_id in ids:
            found[group_id] = counted.get(group_id, MemberCounts(0, 0, 0, 0))
    return found
