"""The report pages, their CSV and XLSX files and the printable page: the same numbers in all
three, empty periods shown empty, bad periods refused in words, and who may see what."""

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.conftest import sign_in
from webapp.reports.words import REPORT_NAMES

SEPTEMBER = "month=2569-09"


def _page_numbers(html: str) -> list[str]:
    """Every baht and percentage cell of the page's tables, in order, as "1234.50"."""
    found = []
    for kind, value in re.findall(r'data-(satang|percent)="(-?[0-9.]+)"', html):
        found.append(f"{Decimal(value) / 100:.2f}" if kind == "satang" else value)
    return found


def _csv_numbers(body: bytes) -> list[str]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = csv.reader(io.StringIO(text[1:]))
    return [cell for row in rows for cell in row if re.fullmatch(r"-?[0-9]+\.[0-9]{2}", cell)]


def _xlsx_numbers(body: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(body)).active
    return [f"{Decimal(str(cell.value)):.2f}" for row in sheet.iter_rows() for cell in row
            if cell.number_format in ("#,##0.00", "0.00") and cell.value is not None]


@pytest.fixture
def treasurer(client, small_books):
    sign_in(client, "treasurer")
    return client


def _base(books):
    return f"/groups/{books.world.group.id}/reports"


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_page_csv_and_xlsx_show_the_same_numbers(treasurer, small_books, name):
    base = _base(small_books)
    page = treasurer.get(f"{base}/{name}?{SEPTEMBER}")
    assert page.status_code == 200
    shown = _page_numbers(page.get_data(as_text=True))
    assert shown, name
    as_csv = treasurer.get(f"{base}/{name}.csv?{SEPTEMBER}")
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    as_xlsx = treasurer.get(f"{base}/{name}.xlsx?{SEPTEMBER}")
    assert as_xlsx.status_code == 200
    assert _csv_numbers(as_csv.data) == shown
    assert _xlsx_numbers(as_xlsx.data) == shown


def test_the_balance_sheet_page_shows_the_books(treasurer, small_books):
    html = treasurer.get(f"{_base(small_books)}/balance-sheet?{SEPTEMBER}").get_data(as_text=True)
    assert "กันยายน 2569" in html
    assert "฿1,400.00" in html  # cash at 30 Sep
    assert "฿3,000.00" in html  # total assets
    workbook = load_workbook(io.BytesIO(treasurer.get(
        f"{_base(small_books)}/balance-sheet.xlsx?{SEPTEMBER}").data))
    rows = {row[0]: row[1] for row in workbook.active.iter_rows(values_only=True) if row}
    assert rows["เงินสดในมือ"] == Decimal("1400")
    assert rows["รวมสินทรัพย์"] == Decimal("3000")


def test_an_empty_period_is_an_empty_report_not_an_error(treasurer, small_books):
    for name in REPORT_NAMES:
        response = treasurer.get(f"{_base(small_books)}/{name}?month=2568-03")
        assert response.status_code == 200, name
    html = treasurer.get(f"{_base(small_books)}/loans?month=2568-03").get_data(as_text=True)
    assert "ไม่มีรายการในช่วงนี้" in html


@pytest.mark.parametrize(("query", "words"), [
    ("month=2569-13", "เดือนต้องเป็นเลข 1 ถึง 12"),
    ("month=พฤศจิกา", "กรุณาระบุเดือนเป็น ปี พ.ศ.-เดือน"),
    ("year=25x9", "กรุณาระบุปีบัญชีเป็นปี พ.ศ. สี่หลัก"),
    ("year=3100", "ปี พ.ศ. ต้องอยู่ระหว่าง 2500 ถึง 2700"),
])
def test_a_bad_period_is_refused_in_words(treasurer, small_books, query, words):
    for path in ("", "/income-statement"):
        response = treasurer.get(f"{_base(small_books)}{path}?{query}")
        assert response.status_code == 400
        assert words in response.get_data(as_text=True)
    exported = treasurer.get(f"{_base(small_books)}/ratios.xlsx?{query}")
    assert exported.status_code == 400 and words in exported.get_data(as_text=True)


def test_a_bad_period_in_english(treasurer, small_books):
    treasurer.post("/language", data={"lang": "en", "csrf_token": _token(treasurer)})
    html = treasurer.get(f"{_base(small_books)}/ratios?month=2569-00").get_data(as_text=True)
    assert "The month must be a number from 1 to 12" in html


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/groups")


def test_a_fiscal_year_in_the_buddhist_era(treasurer, small_books):
    html = treasurer.get(f"{_base(small_books)}/income-statement?year=2569").get_data(
        as_text=True)
    assert "ปีบัญชี 2569" in html
    assert "1 ม.ค. 2569 – 31 ธ.ค. 2569" in html
    assert 'data-satang="-12000"' in html  # the year's net loss so far: -130.00 + 10.00


def test_the_printable_page_has_no_navigation(treasurer, small_books):
    html = treasurer.get(f"{_base(small_books)}/cash-book?{SEPTEMBER}&print=1").get_data(
        as_text=True)
    assert 'class="tabs"' not in html and "month-picker" not in html
    assert "data-print" in html and "app.css" in html
    assert "กลุ่มบ้านหนึ่ง" in html


def test_htmx_gets_only_the_report(treasurer, small_books):
    response = treasurer.get(f"{_base(small_books)}/ratios?{SEPTEMBER}",
                             headers={"HX-Request": "true", "HX-Target": "report"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="report"') and "<html" not in html


def test_the_group_page_links_to_the_reports(treasurer, small_books):
    html = treasurer.get(f"/groups/{small_books.world.group.id}").get_data(as_text=True)
    assert f'href="{_base(small_books)}"' in html


# --------------------------------------------------------------------------------- access


def test_who_may_see_a_groups_reports(app, small_books):
    group, other = small_books.world.group, small_books.world.other
    for user, own, theirs in (("treasurer", 200, 403), ("committee", 200, 403),
                              ("staff", 200, 403), ("other-treasurer", 403, 200)):
        client = app.test_client()
        sign_in(client, user)
        assert client.get(f"/groups/{group.id}/reports/ratios").status_code == own, user
        assert client.get(f"/groups/{other.id}/reports/members.csv").status_code == theirs
    member = app.test_client()
    sign_in(member, "member", small_books.world.MEMBER_PIN)
    assert member.get(f"/groups/{group.id}/reports/members").status_code == 403
    assert member.get(f"/groups/{group.id}/reports/members.xlsx").status_code == 403


def test_who_may_see_a_networks_reports(app, small_books):
    from core.store import groups

    world = small_books.world
    elsewhere = groups.create_network("เครือข่ายอื่น")
    groups.create_group("กลุ่มที่อื่น", network_id=elsewhere.id)
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get(f"/networks/{world.network.id}/reports").status_code == 200
    assert staff.get(f"/networks/{world.network.id}/reports/loans.csv").status_code == 200
    assert staff.get(f"/networks/{elsewhere.id}/reports").status_code == 403
    assert staff.get("/networks/no-such-network/reports").status_code == 404
    treasurer = app.test_client()
    sign_in(treasurer, "treasurer")
    assert treasurer.get(f"/networks/{world.network.id}/reports").status_code == 403
