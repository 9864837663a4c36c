"""The staff home's shortcut for "more than 30 days late" and "due by a day" gives the same
answers as core.loans.due_as_of and the schedule itself."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core import loans
from core.store.staff_home import cached_steps


@settings(max_examples=300, deadline=None, derandomize=True)
@given(principal=st.integers(100, 5_000_000), months=st.integers(1, 24),
       rate=st.integers(0, 300), method=st.sampled_from(["flat", "declining"]),
       start=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
       paid_share=st.fractions(0, 1), interest_share=st.fractions(0, 1),
       pick=st.integers(0, 23), offset=st.integers(-1, 1),
       late_days=st.sampled_from([0, 1, 30, 90]))
def test_late_over_and_due_by_agree_with_the_schedule(principal, months, rate, method, start,
                                                      paid_share, interest_share, pick, offset,
                                                      late_days):
    instalments = loans.schedule(principal, rate, months, method, start)
    steps = cached_steps(principal, rate, months, method, start, "satang")
    paid_principal = int(principal * paid_share)
    paid_interest = int(sum(i.interest for i in instalments) * interest_share)
    # on the boundaries: a day either side of an instalment's due date plus the days late
    as_of = instalments[pick % months].due_date + timedelta(days=late_days + offset)
    expected = loans.due_as_of(instalments, paid_principal, paid_interest,
                               as_of).days_past_due > late_days
    assert steps.late_over(late_days, as_of, paid_principal, paid_interest) == expected
    assert steps.due_by(as_of) == sum(i.total for i in instalments if i.due_date <= as_of)
