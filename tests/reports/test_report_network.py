"""A network's report is its groups' added up, and its ratios are worked out over the sums."""

import pytest

from core import books as chart
from core.store import reports
from core.store.reports.period import MONTH, YEAR, Period
from tests.conftest import sign_in
from tests.reports.conftest import entry
from tests.reports.test_report_pages import _csv_numbers, _page_numbers, _xlsx_numbers
from webapp.reports.words import REPORT_NAMES

PERIODS = [Period(MONTH, 2026, 9), Period(MONTH, 2026, 10), Period(YEAR, 2026)]


@pytest.fixture
def two_groups(small_books):
    """The small books, and the second group of the network with books of its own."""
    world = small_books.world
    member = world.add_member("สมหญิง กลุ่มสอง", group=world.other, by="other-treasurer")
    for op_type, payload, day in (
            ("savings.deposit", {"member_id": member, "amount_satang": 50_000}, "2026-09-03"),
            ("fine.charge", {"member_id": member, "amount_satang": 1_500}, "2026-09-04"),
            ("group.expense", {"amount_satang": 2_500, "category": "rent"}, "2026-10-01"),
            ("welfare.contribute", {"member_id": member, "amount_satang": 3_000}, "2026-10-01")):
        entry(world, op_type, payload, day, by="other-treasurer", group=world.other)
    return small_books


@pytest.mark.parametrize("period", PERIODS)
def test_network_totals_are_the_sum_of_the_groups(two_groups, period):
    world = two_groups.world
    report = reports.network_report(world.network.id, period)
    groups = [world.group, world.other]
    assert {g.id for g, _ in report.groups} == {g.id for g in groups}
    statements = [reports.income_statement(g, period) for g in groups]
    sheets = [reports.balance_sheet(g, period) for g in groups]
    total = report.total
    assert total.income.total_income == sum(s.total_income for s in statements)
    assert total.income.total_expenses == sum(s.total_expenses for s in statements)
    assert total.income.net_profit == sum(s.net_profit for s in statements)
    assert total.sheet.total_assets == sum(s.total_assets for s in sheets)
    assert total.sheet.total_liabilities == sum(s.total_liabilities for s in sheets)
    assert total.sheet.total_equity == sum(s.total_equity for s in sheets)
    assert total.sheet.balanced
    assert total.trial.total_debit == total.trial.total_credit
    books = [reports.cash_book(g, period) for g in groups]
    assert total.cash.money_in == sum(b.total_in for b in books)
    assert total.cash.money_out == sum(b.total_out for b in books)
    assert total.cash.closing == sum(b.closing for b in books)
    portfolios = [reports.portfolio(g, period) for g in groups]
    assert total.portfolio.outstanding == sum(p.outstanding for p in portfolios)
    assert total.portfolio.at_risk == sum(p.at_risk for p in portfolios)
    registers = [reports.member_register(g, period) for g in groups]
    assert total.counts.at_end == sum(r.active for r in registers)
    welfare = [reports.welfare_summary(g, period) for g in groups]
    assert total.welfare.contributions == sum(w.contributions for w in welfare)
    assert total.welfare.closing == sum(w.closing for w in welfare)


def test_network_september_by_hand(two_groups):
    report = reports.network_report(two_groups.world.network.id, Period(MONTH, 2026, 9))
    total = report.total
    assert total.income.total_income == 3_500  # 20.00 + 15.00 of fines
    assert total.income.total_expenses == 15_000
    assert total.sheet.amount(chart.SAVINGS) == 350_000
    # ratios over the sums: loans 1,600.00 over savings and shares 3,600.00
    assert str(total.ratios.loan_fund_utilisation) == "44.44"
    assert str(total.portfolio.par30) == "37.50"


def test_an_unknown_network_has_no_report(db):
    assert reports.network_report("no-such-network", Period(MONTH, 2026, 9)) is None


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_network_pages_and_files_show_the_same_numbers(client, two_groups, name):
    sign_in(client, "staff")
    base = f"/networks/{two_groups.world.network.id}/reports"
    page = client.get(f"{base}/{name}?month=2569-09")
    assert page.status_code == 200
    shown = _page_numbers(page.get_data(as_text=True))
    assert shown
    assert _csv_numbers(client.get(f"{base}/{name}.csv?month=2569-09").data) == shown
    assert _xlsx_numbers(client.get(f"{base}/{name}.xlsx?month=2569-09").data) == shown
    assert "สมหญิง" not in page.get_data(as_text=True)  # never a member's name


def test_the_network_index(client, two_groups):
    sign_in(client, "staff")
    html = client.get(f"/networks/{two_groups.world.network.id}/reports?year=2569").get_data(
        as_text=True)
    assert "ปีบัญชี 2569" in html and "2 กลุ่ม" in html
    bad = client.get(f"/networks/{two_groups.world.network.id}/reports?year=99")
    assert bad.status_code == 400
