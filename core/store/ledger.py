"""Posting to the journal, reversing, and proving the cached balances.

The journal is append-only: nothing here updates or deletes a journal row. Each posting updates
the cached balance of its accounts in the same transaction, by an increment in SQL so two
writers never overwrite each other's figure.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from peewee import Case, IntegrityError, fn

from core import books
from core.errors import OpRefused, invalid
from core.store.counters import next_value, receipt_counter
from core.store.db import database
from core.store.models import Account, JournalLine, JournalTxn, Loan, Member


def account_for(group_id: str, key: str, member_hint: str | None = None) -> Account:
    """The group's account with this key, made from the chart template on first use.

    A loan's account belongs to its borrower (for their passbook): the loan says who that is,
    or, before the loan row exists, the member the posting is for."""
    account = Account.get_or_none((Account.group == group_id) & (Account.key == key))
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
            return Account.create(group=group_id, key=key, code=code, kind=entry.kind,
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
    with database.atomic():
        member_id = getattr(member, "id", member)
        accounts = _account_ids(group_id, [line.account for line in lines], member_id)
        txn = JournalTxn.create(
            group=group_id, op=op, kind=kind, business_date=business_date, memo=memo,
            member=member, reverses=reverses, created_by=user, meeting=meeting,
            receipt_no=next_value(receipt_counter(group_id)) if receipt else None)
        JournalLine.insert_many([
            {"group": group_id, "txn": txn.id, "account": accounts[line.account],
             "amount": line.amount} for line in lines]).execute()
        totals = {accounts[key]: amount for key, amount in _totals(lines).items()}
        if totals:  # one statement for every account the transaction moves
            Account.update(balance=Account.balance + Case(
                Account.id, list(totals.items()))).where(Account.id.in_(list(totals))).execute()
    return txn


def _account_ids(group_id: str, keys: list[str], member_id: str | None) -> dict[str, int]:
    """The ids of the group's accounts with these keys, in one query; missing ones are made."""
    found = dict(Account.select(Account.key, Account.id).where(
        (Account.group == group_id) & Account.key.in_(sorted(set(keys)))).tuples())
    for key in keys:
        if key not in found:
            found[key] = account_for(group_id, key, member_id).id
    return found


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
    """Recompute every balance from the journal; say where the cache or a transaction is off."""
    sums = dict(JournalLine.select(JournalLine.account, fn.SUM(JournalLine.amount))
                .group_by(JournalLine.account).tuples())
    mismatches = [
        Mismatch(acc.group_id, acc.key, acc.balance, int(sums.get(acc.id) or 0))
        for acc in Account.select().order_by(Account.group, Account.key)
        if acc.balance != int(sums.get(acc.id) or 0)
    ]
    unbalanced = [
        Unbalanced(group_id, txn_id, int(total))
        for txn_id, group_id, total in (
            JournalLine.select(JournalLine.txn, JournalLine.group, fn.SUM(JournalLine.amount))
            .group_by(JournalLine.txn, JournalLine.group)
            .having(fn.SUM(JournalLine.amount) != 0).tuples())
    ]
    return mismatches, unbalanced
