"""Each report as tables of typed cells: the one form the page, the CSV and the XLSX file are
all made from, so they can never show different numbers."""

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from core import books
from core.money import format_baht
from core.store.reports import Figures, MemberRegister, NetworkReport, Portfolio
from core.store.reports.financial import BalanceSheet, IncomeStatement
from core.store.reports.welfare import WelfareSummary
from core.store.statements import CashBook, TrialBalance
from core.thaidate import format_date
from webapp.entry_kinds import entry_kind
from webapp.reports.words import BUCKETS, STATUSES

TEXT, DATE, BAHT, COUNT, PERCENT = "text", "date", "baht", "count", "percent"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT


@dataclass(frozen=True)
class Row:
    cells: tuple  # str for text, int satang for baht, int for count, Decimal for percent
    style: str = ""  # "section", "total" or "muted"


@dataclass
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    def add(self, *cells, style: str = "") -> None:
        self.rows.append(Row(tuple(cells), style))

    def section(self, title: str) -> None:
        self.rows.append(Row((title,) + (None,) * (len(self.columns) - 1), "section"))

    def block(self, title: str, lines, lang: str, total_title: str, total: int) -> None:
        """A section of named amounts and its total: income, expenses, assets..."""
        self.section(title)
        for line in lines:
            self.add(line.name(lang), line.amount)
        self.add(total_title, total, style="total")


def _item_amount(title: str) -> Table:
    return Table(title, (Column(_("Item")), Column(_("Amount (baht)"), BAHT)))


# ---------------------------------------------------------------------------- statements


def income_statement(statement: IncomeStatement, lang: str) -> list[Table]:
    table = _item_amount(_("Income statement"))
    table.block(_("Income"), statement.income, lang, _("Total income"), statement.total_income)
    table.block(_("Expenses"), statement.expenses, lang, _("Total expenses"),
                statement.total_expenses)
    table.add(_("Net profit (loss)"), statement.net_profit, style="total")
    return [table]


def balance_sheet(sheet: BalanceSheet, lang: str) -> list[Table]:
    table = _item_amount(_("Balance sheet"))
    table.block(_("Assets"), sheet.assets, lang, _("Total assets"), sheet.total_assets)
    table.block(_("Liabilities"), sheet.liabilities, lang, _("Total liabilities"),
                sheet.total_liabilities)
    table.section(_("Equity"))
    for line in sheet.equity:
        table.add(line.name(lang), line.amount)
    table.add(_("Net profit not yet closed"), sheet.profit)
    table.add(_("Total equity"), sheet.total_equity, style="total")
    table.add(_("Total liabilities and equity"), sheet.total_liabilities_and_equity,
              style="total")
    if not sheet.balanced:
        table.note = _("The balance sheet does not balance: run the audit of the books.")
    return [table]


def trial_balance(tb: TrialBalance, lang: str) -> list[Table]:
    table = Table(_("Trial balance"), (Column(_("Code")), Column(_("Account")),
                                       Column(_("Debit (baht)"), BAHT),
                                       Column(_("Credit (baht)"), BAHT)))
    for row in tb.rows:
        table.add(row.code, row.name_th if lang == "th" else row.name_en, row.debit,
                  row.credit, style="" if row.balance else "muted")
    table.add(_("Total"), "", tb.total_debit, tb.total_credit, style="total")
    return [table]


def cash_book(book: CashBook, lang: str) -> list[Table]:
    table = Table(_("Cash book"), (
        Column(_("Date"), DATE), Column(_("Receipt no.")), Column(_("Entry")),
        Column(_("In (baht)"), BAHT), Column(_("Out (baht)"), BAHT),
        Column(_("Balance (baht)"), BAHT)))
    table.add(format_date(book.start, lang) if book.start else "", "", _("Brought forward"),
              None, None, book.opening, style="muted")
    for line in book.lines:
        what = entry_kind(line.kind)
        if line.member_name:
            what += f" · {line.member_no} {line.member_name}"
        if line.voided:
            what += " · " + _("Voided")
        table.add(format_date(line.business_date, lang),
                  str(line.receipt_no) if line.receipt_no else "", what,
                  line.money_in or None, line.money_out or None, line.balance)
    table.add(_("Total"), "", "", book.total_in, book.total_out, book.closing, style="total")
    return [table]


# ---------------------------------------------------------------------- members and loans


def member_register(register: MemberRegister, lang: str) -> list[Table]:
    table = Table(_("Member register"), (
        Column(_("No.")), Column(_("Name")), Column(_("Joined"), DATE), Column(_("Status")),
        Column(_("Savings (baht)"), BAHT), Column(_("Shares (baht)"), BAHT),
        Column(_("Loans owed (baht)"), BAHT), Column(_("Welfare contributions (baht)"), BAHT)))
    for row in register.rows:
        status = str(STATUSES[row.status])
        if row.exited_on:
            status += f" {format_date(row.exited_on, lang)}"
        table.add(str(row.member_no), row.name, format_date(row.joined_on, lang), status,
                  row.savings, row.shares, row.loans, row.welfare)
    table.add(_("Total"), _("%(active)d members, %(exited)d left", active=register.active,
                            exited=register.exited), "", "",
              register.total("savings"), register.total("shares"), register.total("loans"),
              register.total("welfare"), style="total")
    return [table]


def _bucket_table(portfolio: Portfolio) -> Table:
    table = Table(_("Ageing of loans"), (
        Column(_("How late")), Column(_("Loans"), COUNT),
        Column(_("Principal owed (baht)"), BAHT), Column(_("Share (%)"), PERCENT)))
    for bucket in portfolio.buckets:
        share = (Decimal(bucket.outstanding * 100) / portfolio.outstanding).quantize(
            Decimal("0.01")) if portfolio.outstanding else None
        table.add(str(BUCKETS[bucket.code]), bucket.loans, bucket.outstanding, share)
    table.add(_("Total"), portfolio.loans, portfolio.outstanding, None, style="total")
    table.add(_("Portfolio at risk over 30 days (PAR30)"), None, portfolio.at_risk,
              portfolio.par30, style="total")
    table.note = _("PAR30: the principal still owed on loans more than 30 days late, over all "
                   "principal still owed.")
    return table


def loan_portfolio(portfolio: Portfolio, lang: str) -> list[Table]:
    loans = Table(_("Loans"), (
        Column(_("No.")), Column(_("Member")), Column(_("Paid out"), DATE),
        Column(_("Principal (baht)"), BAHT), Column(_("Principal owed (baht)"), BAHT),
        Column(_("Days late"), COUNT), Column(_("How late"))))
    for row in portfolio.rows:
        loans.add(str(row.member_no or ""), row.member_name, format_date(row.disbursed_on, lang),
                  row.principal, row.outstanding, row.days_late, str(BUCKETS[row.bucket]))
    return [_bucket_table(portfolio), loans]


def welfare_summary(summary: WelfareSummary, lang: str) -> list[Table]:
    benefits = Table(_("Welfare benefits"), (
        Column(_("Benefit")), Column(_("Claims made"), COUNT), Column(_("Approved"), COUNT),
        Column(_("Approved (baht)"), BAHT), Column(_("Refused"), COUNT),
        Column(_("Paid"), COUNT), Column(_("Paid (baht)"), BAHT)))
    for row in summary.rows:
        benefits.add(row.name(lang), row.claims, row.approved, row.approved_satang,
                     row.refused, row.paid, row.paid_satang)
    benefits.add(_("Total"), summary.total("claims"), summary.total("approved"),
                 summary.total("approved_satang"), summary.total("refused"),
                 summary.total("paid"), summary.total("paid_satang"), style="total")
    fund = _item_amount(_("Welfare fund"))
    fund.add(_("Fund at the start"), summary.opening)
    fund.add(_("Member contributions"), summary.contributions)
    fund.add(_("Other income and transfers"), summary.other_income)
    fund.add(_("Benefits paid"), -summary.paid_satang)
    fund.add(_("Fund at the end"), summary.closing, style="total")
    return [benefits, fund]


def ratios(figures: Figures, lang: str) -> list[Table]:
    r = figures.ratios
    table = Table(_("Savings-group ratios"), (
        Column(_("Ratio")), Column(_("Value (%)"), PERCENT), Column(_("Amount or count")),
        Column(_("How it is worked out"))))
    table.add(_("Annualised return on savings"), r.return_on_savings, "",
              _("net profit / average savings and shares × 12 / months"))
    table.add(_("Loan fund utilisation"), r.loan_fund_utilisation, "",
              _("loans owed / savings and shares at the end"))
    table.add(_("Attendance"), r.attendance, _("%(meetings)d meetings", meetings=r.meetings),
              _("members with an entry at a meeting / members on the books that day "
                "(no roll call is recorded)"))
    table.add(_("Drop-out rate"), r.drop_out_rate,
              _("%(left)d of %(start)d", left=r.members_exited, start=r.members_at_start),
              _("members who left / members at the start"))
    table.add(_("Portfolio at risk (PAR30)"), r.par30, "",
              _("principal owed on loans more than 30 days late / all principal owed"))
    table.add(_("Average savings and shares per member"), None,
              _money(r.average_funds), _("savings and shares / members at the end"))
    return [table]


def _money(satang: int | None) -> str:
    return "" if satang is None else format_baht(satang)


# --------------------------------------------------------------------------------- network


def network_tables(report: NetworkReport, name: str, lang: str) -> list[Table]:
    """A network's report: the sums as the group report shows them, then one row a group."""
    total = report.total
    builders = {
        "income-statement": lambda: income_statement(total.income, lang),
        "balance-sheet": lambda: balance_sheet(total.sheet, lang),
        "trial-balance": lambda: trial_balance(total.trial, lang),
        "cash-book": lambda: [],
        "members": lambda: [],
        "loans": lambda: [_bucket_table(total.portfolio)],
        "welfare": lambda: welfare_summary(total.welfare, lang),
        "ratios": lambda: ratios(total, lang),
    }
    return builders[name]() + [_by_group(report, name)]


def _by_group(report: NetworkReport, name: str) -> Table:
    columns, value = _GROUP_COLUMNS[name]()
    table = Table(_("By group"), (Column(_("Group")),) + columns)
    for group, figures in report.groups:
        table.add(group.name, *value(figures))
    table.add(_("Network"), *value(report.total), style="total")
    return table


def _group_columns():
    def income():
        return ((Column(_("Income (baht)"), BAHT), Column(_("Expenses (baht)"), BAHT),
                 Column(_("Net profit (baht)"), BAHT)),
                lambda f: (f.income.total_income, f.income.total_expenses, f.income.net_profit))

    def sheet():
        return ((Column(_("Assets (baht)"), BAHT), Column(_("Liabilities (baht)"), BAHT),
                 Column(_("Equity and profit (baht)"), BAHT)),
                lambda f: (f.sheet.total_assets, f.sheet.total_liabilities,
                           f.sheet.total_equity))

    def trial():
        return ((Column(_("Debit (baht)"), BAHT), Column(_("Credit (baht)"), BAHT)),
                lambda f: (f.trial.total_debit, f.trial.total_credit))

    def cash():
        return ((Column(_("Brought forward (baht)"), BAHT), Column(_("In (baht)"), BAHT),
                 Column(_("Out (baht)"), BAHT), Column(_("Balance (baht)"), BAHT)),
                lambda f: (f.cash.opening, f.cash.money_in, f.cash.money_out, f.cash.closing))

    def members():
        return ((Column(_("Members at the start"), COUNT), Column(_("Joined"), COUNT),
                 Column(_("Left"), COUNT), Column(_("Members at the end"), COUNT),
                 Column(_("Savings (baht)"), BAHT), Column(_("Shares (baht)"), BAHT)),
                lambda f: (f.counts.at_start, f.counts.joined, f.counts.exited, f.counts.at_end,
                           f.sheet.amount(books.SAVINGS), f.sheet.amount(books.SHARES)))

    def loans():
        return ((Column(_("Loans"), COUNT), Column(_("Principal owed (baht)"), BAHT),
                 Column(_("More than 30 days late (baht)"), BAHT),
                 Column(_("PAR30 (%)"), PERCENT)),
                lambda f: (f.portfolio.loans, f.portfolio.outstanding, f.portfolio.at_risk,
                           f.portfolio.par30))

    def welfare():
        return ((Column(_("Claims made"), COUNT), Column(_("Paid (baht)"), BAHT),
                 Column(_("Member contributions"), BAHT), Column(_("Fund at the end"), BAHT)),
                lambda f: (f.welfare.total("claims"), f.welfare.paid_satang,
                           f.welfare.contributions, f.welfare.closing))

    def ratio():
        return ((Column(_("Return on savings (%)"), PERCENT),
                 Column(_("Loan fund utilisation (%)"), PERCENT),
                 Column(_("Attendance (%)"), PERCENT), Column(_("Drop-out rate (%)"), PERCENT),
                 Column(_("PAR30 (%)"), PERCENT)),
                lambda f: (f.ratios.return_on_savings, f.ratios.loan_fund_utilisation,
                           f.ratios.attendance, f.ratios.drop_out_rate, f.ratios.par30))

    return {"income-statement": income, "balance-sheet": sheet, "trial-balance": trial,
            "cash-book": cash, "members": members, "loans": loans, "welfare": welfare,
            "ratios": ratio}


_GROUP_COLUMNS = _group_columns()
