"""Posting to the journal, reversing, and proving the cached balances.

The journal is append-only: nothing here updates or deletes a journal row. Each posting updates
the cached balance of its accounts in the same transaction, by an increment in SQL so two
writers never overwrite each other's figure.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

from peewee import IntegrityError, fn

from core import books
from core.errors import OpRefused, invalid
from core.store.counters import next_value, receipt_counter
from core.store.db import database, insert_row, is_postgres, run_sql, select_one
from core.store.models import Account, JournalLine, JournalTxn, Loan, Member


def month_key(day: date) -> int:
    """The yyyymm a MonthTotal row is kept under for lines of this business date."""
    return day.year * 100 + day.month


def account_for(group_id: str, key: str, member_hint: str | None = None) -> Account:
    """The group's account with this key, made from the chart template on first use.

    A loan's account belongs to its borrower (for their passbook): the loan says who that is,
    or, before the loan row exists, the member the posting is for."""
    account = select_one(Account, '"group_id" = ? AND "key" = ?', (group_id, key))
    if account:
        return account
    code = books.code_of(key)
    entry = books.CHART[code]
    sub = key.split(":", 1)[1] if ":" in key else None
    member_id = sub if entry.per == "member" else None
    if entry.per == "loan":
        loan = Loan.get_or_none(Loan.id == sub)
        member_id = loan.member_id if loan else member_hint
    try:
        with database.atomic():
            return insert_row(Account, group=group_id, key=key, code=code, kind=entry.kind,
                              member=member_id)
    except IntegrityError:
        return Account.get((Account.group == group_id) & (Account.key == key))


def open_chart(group_id: str) -> None:
    """Make the group-level accounts of the template (sub-accounts come with members, loans)."""
    for entry in books.CHART_TEMPLATE:
        if entry.per is None:
            account_for(group_id, entry.code)


def balance_of(group_id: str, key: str) -> int:
    account = Account.get_or_none((Account.group == group_id) & (Account.key == key))
    return account.balance if account else 0


def post(group_id: str, lines: list[books.Line], *, business_date: date, kind: str,
         memo: str = "", op=None, user=None, member: Member | str | None = None,
         reverses: JournalTxn | None = None, receipt: bool = True,
         meeting: str | None = None) -> JournalTxn:
    problem = books.check_balanced(lines)
    if problem:
        raise OpRefused(problem)
    if database.in_transaction():
        # An op's transaction (or savepoint) already makes this all-or-nothing.
        return _post(group_id, lines, business_date, kind, memo, op, user, member, reverses,
                     receipt, meeting)
    with database.atomic():
        return _post(group_id, lines, business_date, kind, memo, op, user, member, reverses,
                     receipt, meeting)


def _post(group_id, lines, business_date, kind, memo, op, user, member, reverses, receipt,
          meeting) -> JournalTxn:
    member_id = getattr(member, "id", member)
    accounts, owned = _account_ids(group_id, [line.account for line in lines], member_id)
    txn = insert_row(
        JournalTxn, group=group_id, op=op, kind=kind, business_date=business_date, memo=memo,
        member=member, reverses=reverses, created_by=user, meeting=meeting,
        receipt_no=next_value(receipt_counter(group_id)) if receipt else None)
    run_sql(_lines_sql(len(lines)), [
        value for line in lines for value in (group_id, txn.id, accounts[line.account],
                                              line.amount)])
    totals = {accounts[key]: amount for key, amount in _totals(lines).items()}
    balances = [*(value for pair in totals.items() for value in pair), *totals]
    months = _month_rows(lines, owned, kind == CLOSING_KIND)
    month_values = [value for code, figures in sorted(months.items())
                    for value in (group_id, month_key(business_date),
                                  code, *figures)]
    if totals and months and is_postgres():  # both in one statement: one round trip to the server
        run_sql(_both_sql(len(totals), len(months)), [*balances, *month_values])
        return txn
    if totals:  # one statement for every account the transaction moves
        run_sql(_balances_sql(len(totals)), balances)
    if months:  # and one for the month's totals of every chart code it moves
        run_sql(_month_totals_sql(len(months)), month_values)
    return txn


@cache
def _both_sql(accounts: int, codes: int) -> str:
    # PostgreSQL runs a data-modifying WITH once and to completion, read or not.
    return (f"WITH moved AS ({_balances_sql(accounts)} RETURNING 1) "
            f"{_month_totals_sql(codes)}")


CLOSING_KIND = "year.close"  # the year-end closing entry (core.store.handlers.yearend)


def _month_rows(lines: list[books.Line], owned: set[str], closing: bool
                ) -> dict[str, list[int]]:
    """The transaction's figures for MonthTotal by chart code: debit, credit, closing,
    members (see the model)."""
    rows: dict[str, list[int]] = {}
    for line in lines:
        row = rows.setdefault(books.code_of(line.account), [0, 0, 0, 0])
        if line.amount > 0:
            row[0] += line.amount
        else:
            row[1] -= line.amount
        if closing:
            row[2] += line.amount
        elif line.account in owned:
            row[3] += line.amount
    return rows


_MONTH_COLUMNS = ("debit", "credit", "closing", "members")


@cache
def _month_totals_sql(count: int) -> str:
    # One statement for every code the transaction moves, sorted so that two writers take
    # the rows' locks in the same order.
    rows = ", ".join("(?, ?, ?, ?, ?, ?, ?)" for _ in range(count))
    adds = ", ".join(f'"{c}" = "month_total"."{c}" + excluded."{c}"' for c in _MONTH_COLUMNS)
    return ('INSERT INTO "month_total" ("group_id", "month", "code", "debit", "credit", '
            f'"closing", "members") VALUES {rows} '
            f'ON CONFLICT ("group_id", "month", "code") DO UPDATE SET {adds}')


@cache
def _lines_sql(count: int) -> str:
    rows = ", ".join("(?, ?, ?, ?)" for _ in range(count))
    return ('INSERT INTO "journal_line" ("group_id", "txn_id", "account_id", "amount") '
            f"VALUES {rows}")


@cache
def _balances_sql(count: int) -> str:
    cases = " ".join("WHEN ? THEN ?" for _ in range(count))
    marks = ", ".join("?" for _ in range(count))
    return (f'UPDATE "account" SET "balance" = "balance" + CASE "id" {cases} END '
            f'WHERE "id" IN ({marks})')


@cache
def _account_ids_sql(count: int) -> str:
    marks = ", ".join("?" for _ in range(count))
    return ('SELECT "key", "id", "member_id" FROM "account" '
            f'WHERE "group_id" = ? AND "key" IN ({marks})')


def _account_ids(group_id: str, keys: list[str], member_id: str | None
                 ) -> tuple[dict[str, int], set[str]]:
    """The ids of the group's accounts with these keys, in one query (missing ones are
    made), and which of the keys are members' own accounts."""
    wanted = sorted(set(keys))
    found, owned = {}, set()
    for key, account_id, owner in run_sql(_account_ids_sql(len(wanted)), (group_id, *wanted)):
        found[key] = account_id
        if owner is not None:
            owned.add(key)
    for key in keys:
        if key not in found:
            account = account_for(group_id, key, member_id)
            found[key] = account.id
            if account.member_id is not None:
                owned.add(key)
    return found, owned


def _totals(lines: list[books.Line]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        totals[line.account] += line.amount
    return {key: amount for key, amount in totals.items() if amount}


def lines_of(txn: JournalTxn) -> list[books.Line]:
    rows = (JournalLine.select(JournalLine.amount, Account.key)
            .join(Account).where(JournalLine.txn == txn.id).order_by(JournalLine.id))
    return [books.Line(row.account.key, row.amount) for row in rows]


def is_reversed(txn: JournalTxn) -> bool:
    return JournalTxn.select().where(JournalTxn.reverses == txn.id).exists()


def reverse(txn: JournalTxn, *, business_date: date, memo: str = "", op=None,
            user=None) -> JournalTxn:
    """Undo a transaction by posting its mirror image, linked to it. Once only."""
    if txn.reverses_id is not None:
        raise OpRefused(invalid("รายการกลับบัญชีแล้ว ยกเลิกซ้ำไม่ได้",
                                "A reversal cannot itself be voided"))
    if is_reversed(txn):
        raise OpRefused(invalid("รายการนี้ถูกยกเลิกไปแล้ว", "This entry was already voided"))
    return post(txn.group_id, books.reversal_of(lines_of(txn)), business_date=business_date,
                kind="reversal", memo=memo, op=op, user=user, member=txn.member_id,
                reverses=txn, receipt=False, meeting=txn.meeting_id)


@dataclass(frozen=True)
class Mismatch:
    group_id: str
    account_key: str
    cached: int
    journal: int


@dataclass(frozen=True)
class Unbalanced:
    group_id: str
    txn_id: int
    total: int


def audit() -> tuple[list[Mismatch], list[Unbalanced]]:
    """Recompute every balance and monthly total from the journal; say where the cache or a
    transaction is off."""
    sums = dict(JournalLine.select(JournalLine.account, fn.SUM(JournalLine.amount))
                .group_by(JournalLine.account).tuples())
    mismatches = [
        Mismatch(acc.group_id, acc.key, acc.balance, int(sums.get(acc.id) or 0))
        for acc in Account.select().order_by(Account.group, Account.key)
        if acc.balance != int(sums.get(acc.id) or 0)
    ] + _month_mismatches()
    unbalanced = [
        Unbalanced(group_id, txn_id, int(total))
        for txn_id, group_id, total in (
            JournalLine.select(JournalLine.txn, JournalLine.group, fn.SUM(JournalLine.amount))
            .group_by(JournalLine.txn, JournalLine.group)
            .having(fn.SUM(JournalLine.amount) != 0).tuples())
    ]
    return mismatches, unbalanced


def _month_of(column: str) -> str:
    if is_postgres():
        return f"CAST(to_char({column}, 'YYYYMM') AS INTEGER)"
    return f"CAST(strftime('%Y%m', {column}) AS INTEGER)"


def _month_totals_from_journal() -> dict[tuple[str, int, str], tuple[int, ...]]:
    month = _month_of("t.business_date")
    closing = f"t.kind = '{CLOSING_KIND}'"
    rows = run_sql(
        f'SELECT t.group_id, {month}, a.code,'
        ' SUM(CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END),'
        ' SUM(CASE WHEN l.amount < 0 THEN -l.amount ELSE 0 END),'
        f' SUM(CASE WHEN {closing} THEN l.amount ELSE 0 END),'
        f' SUM(CASE WHEN a.member_id IS NOT NULL AND NOT ({closing}) THEN l.amount ELSE 0 END)'
        ' FROM "journal_line" l JOIN "journal_txn" t ON t.id = l.txn_id'
        ' JOIN "account" a ON a.id = l.account_id'
        f' GROUP BY t.group_id, {month}, a.code')
    return {(group_id, int(month), code): tuple(int(v or 0) for v in figures)
            for group_id, month, code, *figures in rows}


def rebuild_month_totals() -> None:
    """Work the monthly totals out again from the journal (for rows written behind the
    ledger's back, as the benchmarks' bulk data is)."""
    with database.atomic():
        run_sql('DELETE FROM "month_total"')
        for (group_id, month, code), figures in _month_totals_from_journal().items():
            run_sql(_month_totals_sql(1), (group_id, month, code, *figures))


def _month_mismatches() -> list[Mismatch]:
    """The monthly totals (MonthTotal) against the journal, figure by figure."""
    journal = _month_totals_from_journal()
    kept = {(group_id, int(month), code): tuple(int(v) for v in figures)
            for group_id, month, code, *figures in run_sql(
                'SELECT "group_id", "month", "code", "debit", "credit", "closing", "members" '
                'FROM "month_total"')}
    zero = (0,) * len(_MONTH_COLUMNS)
    found = []
    for key in sorted(journal.keys() | kept.keys()):
        group_id, month, code = key
        for column, cached, summed in zip(_MONTH_COLUMNS, kept.get(key, zero),
                                          journal.get(key, zero), strict=True):
            if cached != summed:
                found.append(Mismatch(group_id, f"{code} in {month // 100}-{month % 100:02d} "
                                                f"({column})", cached, summed))
    return found
