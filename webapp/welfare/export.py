"""The funders' yearly figures as rows, and those same rows as CSV and as an XLSX workbook:
one table, so the page, the CSV and the workbook can never disagree."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core import welfare
from core.money import format_plain
from core.store.welfare import YearFigures
from core.thaidate import format_date
from webapp.i18n import current_language
from webapp.welfare.words import AGE_GROUPS, SOURCES, VULNERABLE, benefit_name


@dataclass(frozen=True)
class Row:
    section: str
    item: str
    count: int | None = None  # people or cases
    satang: int | None = None


def report_rows(figures: YearFigures, benefits: list[dict]) -> list[Row]:
    members, money = _("Members"), _("Contributions and income")
    rows = [Row(members, _("Members at the end of the year"), figures.members_total)]
    rows += [Row(members, str(AGE_GROUPS[code]), figures.members[code])
             for code in welfare.AGE_GROUPS]
    rows += [Row(members, _("of whom: %(group)s", group=VULNERABLE[code]),
                 figures.vulnerable[code]) for code in welfare.VULNERABLE]
    rows += [Row(members, _("Joined during the year"), figures.joined),
             Row(members, _("Left during the year"), figures.left)]
    rows.append(Row(money, _("Member contributions"), satang=figures.contributions))
    rows += [Row(money, _("Income: %(source)s", source=SOURCES[code]),
                 satang=figures.by_source[code]) for code in welfare.FUNDING_SOURCES]
    rows.append(Row(money, _("Income in all"), satang=figures.income_total))
    rows += [Row(money, _("Matching: %(source)s, round %(round)d", source=SOURCES[source],
                          round=number), satang=amount)
             for source, number, amount in figures.rounds]
    paid = _("Benefits paid")
    names = {b["code"]: benefit_name(b, b["code"]) for b in benefits}
    rows += [Row(paid, names.get(code, code), cases, baht)
             for code, (cases, baht) in figures.benefits.items()]
    rows.append(Row(paid, _("All benefits"), figures.cases, figures.paid))
    fund = _("Welfare fund")
    rows += [Row(fund, _("Balance at the start of the year"), satang=figures.opening),
             Row(fund, _("Balance at the end of the year"), satang=figures.closing)]
    return rows


def _headers() -> list[str]:
    return [_("Section"), _("Item"), _("People or cases"), _("Amount (baht)")]


def _period(figures: YearFigures) -> str:
    lang = current_language()
    return f"{format_date(figures.first, lang)} – {format_date(figures.last, lang)}"


def csv_bytes(rows: list[Row]) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opens the Thai text as Thai."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_headers())
    for row in rows:
        writer.writerow([row.section, row.item, "" if row.count is None else row.count,
                         "" if row.satang is None else format_plain(row.satang)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[Row], group_name: str, figures: YearFigures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Welfare fund")[:31]
    sheet.append([group_name])
    sheet.append([_("Yearly figures, %(period)s", period=_period(figures))])
    sheet.append([])
    sheet.append(_headers())
    for cell in sheet[1] + sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        amount = None if row.satang is None else Decimal(row.satang) / 100
        sheet.append([row.section, row.item, row.count, amount])
        if amount is not None:
            sheet.cell(sheet.max_row, 4).number_format = "#,##0.00"
    for column, width in zip("ABCD", (26, 48, 16, 18), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
