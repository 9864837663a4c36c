"""What the reports share: the group's fiscal year, the lines of a statement, and summing
one report over many groups."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from core import books
from core.policy import DEFAULTS
from core.store.models import Group
from core.store.reports.period import Period


def start_month(group: Group) -> int:
    """The month the group's fiscal year starts (without copying its whole policy)."""
    return (group.policy or {}).get("fiscal_year_start_month",
                                    DEFAULTS["fiscal_year_start_month"])


def bounds_of(group: Group, period: Period) -> tuple[date, date]:
    return period.bounds(start_month(group))


def by_bounds(groups: list[Group], period: Period) -> dict[tuple[date, date], list[str]]:
    """The groups by the days the period covers for them: one query per distinct span (a
    month is one span; a fiscal year one per fiscal-year start among the groups)."""
    spans: dict[tuple[date, date], list[str]] = defaultdict(list)
    for group in groups:
        spans[bounds_of(group, period)].append(group.id)
    return spans


@dataclass(frozen=True)
class StatementLine:
    """One chart code on a statement, in its natural sign (savings owed shows positive)."""

    code: str
    name_th: str
    name_en: str
    amount: int

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


def lines_of(kinds: tuple[str, ...], balances: dict[str, int],
             present: set[str] | None = None) -> tuple[StatementLine, ...]:
    """The chart's codes of these kinds, in chart order: those the group has (``present``)
    or that moved."""
    return tuple(
        StatementLine(entry.code, entry.name_th, entry.name_en,
                      books.natural_balance(entry.kind, balances.get(entry.code, 0)))
        for entry in books.CHART_TEMPLATE
        if entry.kind in kinds and (balances.get(entry.code) or (present is not None
                                                                 and entry.code in present)))


def sum_lines(many: list[tuple[StatementLine, ...]]) -> tuple[StatementLine, ...]:
    """Lines of the same codes added up, in chart order."""
    totals: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    for lines in many:
        for line in lines:
            totals[line.code] += line.amount
            seen.add(line.code)
    return tuple(StatementLine(e.code, e.name_th, e.name_en, totals[e.code])
                 for e in books.CHART_TEMPLATE if e.code in seen)
