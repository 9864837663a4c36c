"""Statements read from the books: receipts, member passbooks, the cash book, the trial balance.

Queries only; nothing here writes. Amounts are satang. Rows are ordered by business date, then
by the order the server posted them (the transaction id), so a running balance reads the way a
paper book would. Voided entries stay in every statement, marked, next to their reversal: the
journal is append-only and the statements show it as it is.
"""

from dataclasses import dataclass
from datetime import date

from peewee import JOIN, fn

from core import books
from core.money import baht_words, baht_words_en
from core.store.models import Account, Group, JournalLine, JournalTxn, Loan, Member, User
from core.thaidate import add_months

# The member's accounts a passbook shows, in the order it shows them.
PASSBOOK_CODES = (books.SAVINGS, books.SHARES, books.WELFARE_FUND, books.FINES_DUE, books.LOANS)
PASSBOOK_MONTHS = 12  # a passbook opens on the last year; each year before is a tap away

Original = JournalTxn.alias("original")


# ---------------------------------------------------------------------------------- receipts


@dataclass(frozen=True)
class Receipt:
    txn: JournalTxn
    group: Group
    receipt_no: int
    kind: str
    business_date: date
    member: Member | None
    memo: str
    amount: int  # always positive: the cash received or paid, else the debit total
    cash: str | None  # "in": received into the cash box; "out": paid from it; None: no cash
    voided: bool
    voided_on: date | None  # business date of the reversal
    voided_reason: str
    recorded_by: str
    words_th: str
    words_en: str


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.display_name or user.username


def receipt(group_id: str, receipt_no: int) -> Receipt | None:
    """The entry with this receipt number in the group, or None."""
    txn = (JournalTxn.select(JournalTxn, Group, Member, User)
           .join(Group, on=(JournalTxn.group == Group.id)).switch(JournalTxn)
           .join(Member, JOIN.LEFT_OUTER, on=(JournalTxn.member == Member.id)).switch(JournalTxn)
           .join(User, JOIN.LEFT_OUTER, on=(JournalTxn.created_by == User.id))
           .where((JournalTxn.group == group_id) & (JournalTxn.receipt_no == receipt_no))
           .first())
    if txn is None:
        return None
    lines = list(JournalLine.select(JournalLine.amount, Account.code).join(Account)
                 .where(JournalLine.txn == txn.id).tuples())
    cash = sum(int(amount) for amount, code in lines if code == books.CASH)
    has_cash = any(code == books.CASH for _, code in lines)
    amount = abs(cash) if has_cash else sum(int(a) for a, _ in lines if a > 0)
    reversal = (JournalTxn.select(JournalTxn.business_date, JournalTxn.memo)
                .where(JournalTxn.reverses == txn.id).order_by(JournalTxn.id).first())
    member = txn.member if txn.member_id else None
    return Receipt(
        txn=txn, group=txn.group, receipt_no=txn.receipt_no, kind=txn.kind,
        business_date=txn.business_date, member=member, memo=txn.memo, amount=amount,
        cash=("in" if cash > 0 else "out" if cash < 0 else None) if has_cash else None,
        voided=reversal is not None,
        voided_on=reversal.business_date if reversal else None,
        voided_reason=reversal.memo if reversal else "",
        recorded_by=_person(txn.created_by if txn.created_by_id else None),
        words_th=baht_words(amount), words_en=baht_words_en(amount))


# --------------------------------------------------------------------------------- passbook


@dataclass(frozen=True)
class PassbookRow:
    txn_id: int
    business_date: date
    kind: str
    receipt_no: int | None
    memo: str
    amount_in: int  # credit to the member's account (a deposit; a repayment of what is owed)
    amount_out: int  # debit (a withdrawal; a loan paid out or a fine charged)
    balance: int  # running balance, natural sign: savings held and loans owed show positive
    voided: bool  # a reversal of this entry exists
    reversal_of: int | None  # for a reversal: the receipt number it voids


@dataclass(frozen=True)
class PassbookSection:
    code: str
    kind: str  # the chart kind: asset for what the member owes, liability/equity for what they hold
    rows: tuple[PassbookRow, ...]
    balance: int  # natural sign, from the cached balances
    brought_forward: int = 0  # natural sign: the balance before the first row shown

    @property
    def owed(self) -> bool:
        """Loans and fines: the member owes the group; the others the group holds for them."""
        return self.kind == books.ASSET

    @property
    def shown(self) -> bool:
        return bool(self.rows or self.brought_forward)


@dataclass(frozen=True)
class Passbook:
    member: Member
    sections: tuple[PassbookSection, ...]  # in PASSBOOK_CODES order, every code
    since: date | None = None  # entries from this business date on; None: the whole history
    earlier: bool = False  # entries before `since` exist

    @property
    def balances(self) -> dict[str, int]:
        return {section.code: section.balance for section in self.sections}

    def section(self, code: str) -> PassbookSection:
        return next(section for section in self.sections if section.code == code)

    @property
    def year_before(self) -> date | None:
        return add_months(self.since, -PASSBOOK_MONTHS) if self.since else None


def passbook_opens(today: date) -> date:
    """The first day a passbook shows unless asked: the first of the month a year back."""
    return add_months(today.replace(day=1), 1 - PASSBOOK_MONTHS)


def _voided_ids(where) -> set[int]:
    return {txn_id for (txn_id,) in JournalTxn.select(JournalTxn.reverses)
            .where(where & JournalTxn.reverses.is_null(False)).tuples()}


def passbook(member_id: str, since: date | None = None) -> Passbook | None:
    """The member's savings, shares, welfare, fines and loan accounts: every entry dated from
    `since` on (all of them when None), each section opening with the balance brought forward.

    The brought-forward balance is the cached balance less the entries shown, so a long
    history costs nothing: only the entries shown are read."""
    member = (Member.select(Member, Group).join(Group)
              .where(Member.id == member_id).first())
    if member is None:
        return None
    # A loan's account is its borrower's; its key names the loan, for accounts made before that
    loan_keys = [books.account_key(books.LOANS, loan_id) for (loan_id,) in
                 Loan.select(Loan.id).where(Loan.member == member.id).tuples()]
    accounts = list(Account.select().where(
        (Account.group == member.group_id) & Account.code.in_(PASSBOOK_CODES)
        & ((Account.member == member.id) | Account.key.in_(loan_keys or [""]))))
    account_ids = [a.id for a in accounts] or [0]
    shown = JournalLine.account.in_(account_ids)
    if since is not None:
        shown &= JournalTxn.business_date >= since
    rows = list(JournalLine.select(JournalLine.amount, Account.code,
                                   JournalTxn.id.alias("txn_id"), JournalTxn.business_date,
                                   JournalTxn.kind, JournalTxn.receipt_no, JournalTxn.memo,
                                   Original.receipt_no.alias("reversal_of"))
                .join(JournalTxn).join(Original, JOIN.LEFT_OUTER,
                                       on=(JournalTxn.reverses == Original.id))
                .switch(JournalLine).join(Account)
                .where(shown)
                .order_by(JournalTxn.business_date, JournalTxn.id, JournalLine.id).dicts())
    voided = {txn_id for (txn_id,) in JournalTxn.select(JournalTxn.reverses).where(
        JournalTxn.reverses.in_({row["txn_id"] for row in rows} or {0})).tuples()}
    by_code: dict[str, list[dict]] = {code: [] for code in PASSBOOK_CODES}
    for row in rows:
        by_code[row["code"]].append(row)
    sections = []
    for code in PASSBOOK_CODES:
        kind = books.CHART[code].kind
        cached = sum(a.balance for a in accounts if a.code == code)
        running = cached - sum(int(row["amount"]) for row in by_code[code])
        opening, out = running, []
        for row in by_code[code]:
            amount = int(row["amount"])
            running += amount
            out.append(PassbookRow(
                txn_id=row["txn_id"], business_date=row["business_date"], kind=row["kind"],
                receipt_no=row["receipt_no"], memo=row["memo"],
                amount_in=-amount if amount < 0 else 0, amount_out=amount if amount > 0 else 0,
                balance=books.natural_balance(kind, running), voided=row["txn_id"] in voided,
                reversal_of=row["reversal_of"]))
        sections.append(PassbookSection(code, kind, tuple(out),
                                        books.natural_balance(kind, cached),
                                        books.natural_balance(kind, opening)))
    earlier = since is not None and (
        JournalLine.select().join(JournalTxn)
        .where(JournalLine.account.in_(account_ids) & (JournalTxn.business_date < since))
        .exists())
    return Passbook(member=member, sections=tuple(sections), since=since, earlier=earlier)


# -------------------------------------------------------------------------------- cash book


@dataclass(frozen=True)
class CashLine:
    txn_id: int
    business_date: date
    receipt_no: int | None
    kind: str
    member_id: str | None
    member_name: str | None
    member_no: int | None
    memo: str
    money_in: int
    money_out: int
    balance: int
    voided: bool
    reversal_of: int | None  # for a reversal: the receipt number it voids


@dataclass(frozen=True)
class CashBook:
    start: date | None
    end: date | None
    opening: int
    lines: tuple[CashLine, ...]
    closing: int

    @property
    def total_in(self) -> int:
        return sum(line.money_in for line in self.lines)

    @property
    def total_out(self) -> int:
        return sum(line.money_out for line in self.lines)


def _cash_lines(group_id: str):
    return (JournalLine.select().join(Account)
            .switch(JournalLine).join(JournalTxn)
            .where((JournalLine.group == group_id) & (Account.group == group_id)
                   & (Account.code == books.CASH)))


def cash_book(group_id: str, start: date | None = None, end: date | None = None) -> CashBook:
    """The cash box from `start` to `end` (both included; None: open-ended), by business date."""
    opening = 0
    if start is not None:
        opening = int(_cash_lines(group_id).select(fn.SUM(JournalLine.amount))
                      .where(JournalTxn.business_date < start).scalar() or 0)
    query = (_cash_lines(group_id)
             .select(JournalLine.amount, JournalTxn.id.alias("txn_id"), JournalTxn.business_date,
                     JournalTxn.receipt_no, JournalTxn.kind, JournalTxn.memo,
                     Member.id.alias("member_id"), Member.name.alias("member_name"),
                     Member.member_no, Original.receipt_no.alias("reversal_of"))
             .join(Member, JOIN.LEFT_OUTER, on=(JournalTxn.member == Member.id))
             .switch(JournalTxn)
             .join(Original, JOIN.LEFT_OUTER, on=(JournalTxn.reverses == Original.id)))
    if start is not None:
        query = query.where(JournalTxn.business_date >= start)
    if end is not None:
        query = query.where(JournalTxn.business_date <= end)
    query = query.order_by(JournalTxn.business_date, JournalTxn.id, JournalLine.id).dicts()
    voided = _voided_ids(JournalTxn.group == group_id)
    running, lines = opening, []
    for row in query:
        amount = int(row["amount"])
        running += amount
        lines.append(CashLine(
            txn_id=row["txn_id"], business_date=row["business_date"],
            receipt_no=row["receipt_no"], kind=row["kind"], member_id=row["member_id"],
            member_name=row["member_name"],
            member_no=row["member_no"], memo=row["memo"],
            money_in=amount if amount > 0 else 0, money_out=-amount if amount < 0 else 0,
            balance=running, voided=row["txn_id"] in voided, reversal_of=row["reversal_of"]))
    return CashBook(start=start, end=end, opening=opening, lines=tuple(lines), closing=running)


def first_business_date(group_id: str) -> date | None:
    """The earliest business date in the group's journal (where its books begin)."""
    first = (JournalTxn.select(JournalTxn.business_date).where(JournalTxn.group == group_id)
             .order_by(JournalTxn.business_date).first())
    return first.business_date if first else None


# ---------------------------------------------------------------------------- trial balance


@dataclass(frozen=True)
class TrialRow:
    code: str
    name_th: str
    name_en: str
    kind: str
    balance: int  # debits minus credits over every sub-account of the code
    debit: int
    credit: int


@dataclass(frozen=True)
class TrialBalance:
    as_of: date | None  # None: from the cached balances (everything posted so far)
    rows: tuple[TrialRow, ...]
    total_debit: int
    total_credit: int

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit


def trial_balance(group_id: str, as_of: date | None = None) -> TrialBalance:
    """One row per chart code the group has accounts for: balances > 0 debit, < 0 credit."""
    codes = {code for (code,) in Account.select(Account.code).distinct()
             .where(Account.group == group_id).tuples()}
    if as_of is None:
        sums = (Account.select(Account.code, fn.SUM(Account.balance))
                .where(Account.group == group_id).group_by(Account.code))
    else:
        sums = (JournalLine.select(Account.code, fn.SUM(JournalLine.amount))
                .join(Account).switch(JournalLine).join(JournalTxn)
                .where((JournalLine.group == group_id) & (JournalTxn.business_date <= as_of))
                .group_by(Account.code))
    totals = {code: int(total or 0) for code, total in sums.tuples()}
    rows = tuple(
        TrialRow(entry.code, entry.name_th, entry.name_en, entry.kind, totals.get(entry.code, 0),
                 max(totals.get(entry.code, 0), 0), max(-totals.get(entry.code, 0), 0))
        for entry in books.CHART_TEMPLATE if entry.code in codes or totals.get(entry.code))
    return TrialBalance(as_of=as_of, rows=rows, total_debit=sum(r.debit for r in rows),
                        total_credit=sum(r.credit for r in rows))
