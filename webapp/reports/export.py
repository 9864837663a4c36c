"""A report's tables as CSV (UTF-8 with a byte-order mark, so a spreadsheet opens the Thai
as Thai) and as an XLSX workbook with numbers kept as numbers: baht with two decimals."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from core.money import format_plain
from webapp.reports.tables import BAHT, COUNT, PERCENT, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAHT_FORMAT, PERCENT_FORMAT = "#,##0.00", "0.00"


def _plain(kind: str, value) -> str | int:
    if value is None:
        return ""
    if kind == BAHT:
        return format_plain(value)
    if kind == PERCENT:
        return f"{value:.2f}"
    return value


def csv_bytes(heading: list[str], tables: list[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in heading:
        writer.writerow([line])
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow([column.title for column in table.columns])
        for row in table.rows:
            writer.writerow([_plain(column.kind, value)
                             for column, value in zip(table.columns, row.cells, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(kind: str, value):
    if value is None or (kind in (BAHT, PERCENT, COUNT) and value == ""):
        return None, None
    if kind == BAHT:
        return Decimal(value) / 100, BAHT_FORMAT
    if kind == PERCENT:
        return Decimal(value), PERCENT_FORMAT
    return value, None


def xlsx_bytes(sheet_title: str, heading: list[str], tables: list[Table]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    bold = Font(bold=True)
    for line in heading:
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).font = bold
    widths: dict[int, int] = {}
    for table in tables:
        sheet.append([])
        sheet.append([table.title])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append([column.title for column in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            values = [_cell(column.kind, value)
                      for column, value in zip(table.columns, row.cells, strict=True)]
            sheet.append([value for value, _ in values])
            for index, (_, number_format) in enumerate(values, start=1):
                cell = sheet.cell(sheet.max_row, index)
                if number_format:
                    cell.number_format = number_format
                if row.style in ("total", "section"):
                    cell.font = bold
        for index, column in enumerate(table.columns, start=1):
            widths[index] = max(widths.get(index, 10), min(len(column.title) + 4, 40))
    for index, width in widths.items():
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
