"""The health mark: each indicator's colour from the table, the mark the worst known one."""

from decimal import Decimal

import pytest

from core import health
from core.health import AMBER, GREEN, RED, UNKNOWN

HEALTHY = {health.MEETINGS: 3, health.SAVINGS_GROWTH: Decimal("2.0"),
           health.REPAYMENT: Decimal("100.0"), health.PAR30: Decimal("0.0"),
           health.BOOKS: True, health.REVIEWS: 0, health.COMMITTEE: None}


@pytest.mark.parametrize(("code", "value", "colour"), [
    (health.MEETINGS, 3, GREEN), (health.MEETINGS, 2, AMBER), (health.MEETINGS, 1, RED),
    (health.MEETINGS, 0, RED),
    (health.SAVINGS_GROWTH, Decimal("0.1"), GREEN), (health.SAVINGS_GROWTH, Decimal(0), AMBER),
    (health.SAVINGS_GROWTH, Decimal("-9.9"), AMBER), (health.SAVINGS_GROWTH, Decimal(-10), RED),
    (health.REPAYMENT, Decimal(95), GREEN), (health.REPAYMENT, Decimal("94.9"), AMBER),
    (health.REPAYMENT, Decimal(85), AMBER), (health.REPAYMENT, Decimal("84.9"), RED),
    (health.PAR30, Decimal("4.9"), GREEN), (health.PAR30, Decimal(5), AMBER),
    (health.PAR30, Decimal("9.9"), AMBER), (health.PAR30, Decimal(10), RED),
    (health.BOOKS, True, GREEN), (health.BOOKS, False, RED),
    (health.REVIEWS, 7, GREEN), (health.REVIEWS, 8, AMBER), (health.REVIEWS, 30, AMBER),
    (health.REVIEWS, 31, RED),
    (health.PAR30, None, UNKNOWN), (health.COMMITTEE, 3, UNKNOWN),
])
def test_each_indicator_band(code, value, colour):
    assert health.colour_of(health.RULES_BY_CODE[code], value) == colour


@pytest.mark.parametrize(("changes", "mark"), [
    ({}, GREEN),
    ({health.PAR30: None, health.REPAYMENT: None}, GREEN),  # no loans yet: not counted
    ({health.MEETINGS: 2}, AMBER),
    ({health.MEETINGS: 2, health.REVIEWS: 12}, AMBER),
    ({health.MEETINGS: 2, health.PAR30: Decimal(12)}, RED),
    ({health.BOOKS: False}, RED),
    ({health.SAVINGS_GROWTH: Decimal(-15)}, RED),
    ({code: None for code in HEALTHY}, UNKNOWN),
])
def test_the_mark_is_the_worst_known_colour(changes, mark):
    result = health.mark({**HEALTHY, **changes})
    assert result.colour == mark
    assert result.reading(health.COMMITTEE).colour == UNKNOWN


@pytest.mark.parametrize(("now", "before", "pct"), [
    (110, 100, Decimal("10.0")), (90, 100, Decimal("-10.0")), (0, 0, None),
    (50, 0, Decimal(100)), (100, 100, Decimal("0.0")), (1, 3, Decimal("-66.7")),
])
def test_growth(now, before, pct):
    assert health.growth_pct(now, before) == pct


def test_rate_and_legend():
    assert health.rate_pct(2, 3) == Decimal("66.7") and health.rate_pct(0, 0) is None
    legend = {row["code"]: row for row in health.legend("en")}
    assert legend[health.PAR30]["bands"] == [(GREEN, "< 5 %"), (AMBER, "< 10 %")]
    assert legend[health.BOOKS]["bands"] == [(GREEN, "yes")]
    assert legend[health.COMMITTEE]["bands"] == []
    thai = {row["code"]: row for row in health.legend("th")}
    assert thai[health.MEETINGS]["bands"][0] == (GREEN, ">= 3 เดือน")
