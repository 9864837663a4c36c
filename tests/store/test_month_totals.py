"""The monthly totals per group and chart code (MonthTotal) that ledger.post keeps for the
reports: what each month's postings add, what the audit catches, and the migration's backfill
of a database that had a journal before the table existed."""

import importlib.util
import uuid
from datetime import date

import pytest

from core import books
from core.books import Line, transfer
from core.store import ledger
from core.store.db import database
from core.store.groups import create_group
from core.store.models import Member, MonthTotal
from core.store.schema import MIGRATIONS

NOV, DEC = date(2026, 11, 20), date(2026, 12, 3)


def savings(member_id):
    return books.account_key(books.SAVINGS, member_id)


@pytest.fixture
def group(db):
    return create_group("กลุ่มออมทรัพย์บ้านเดือน")


@pytest.fixture
def member(group):
    return Member.create(id=str(uuid.uuid4()), group=group.id, member_no=1, name="สมศรี ใจดี",
                         joined_on=date(2025, 1, 15)).id


def totals(group_id):
    """(month, code) -> (debit, credit, closing, members) as stored."""
    return {(row.month, row.code): (row.debit, row.credit, row.closing, row.members)
            for row in MonthTotal.select().where(MonthTotal.group == group_id)}


def raw(sql, *params):
    database.execute_sql(sql.replace("?", database.obj.param), params)


def test_postings_add_to_their_month_by_code(group, member):
    # November: 500 baht saved, then 30 baht of interest received in cash
    ledger.post(group.id, transfer(books.CASH, savings(member), 50_000), business_date=NOV,
                kind="savings.deposit")
    ledger.post(group.id, transfer(books.CASH, books.INTEREST_INCOME, 3_000),
                business_date=NOV, kind="loan.repay")
    # December: the deposit voided, and a closing entry moves the interest to equity
    deposit = ledger.post(group.id, transfer(books.CASH, savings(member), 20_000),
                          business_date=DEC, kind="savings.deposit")
    ledger.reverse(deposit, business_date=DEC)
    ledger.post(group.id, transfer(books.INTEREST_INCOME, books.PROFIT_TO_ALLOCATE, 3_000),
                business_date=DEC, kind="year.close")

    assert totals(group.id) == {
        # cash: 500 + 30 in; savings: 500 owed to the member (their own account)
        (202611, books.CASH): (53_000, 0, 0, 0),
        (202611, books.SAVINGS): (0, 50_000, 0, -50_000),
        (202611, books.INTEREST_INCOME): (0, 3_000, 0, 0),
        # 200 in and 200 out again; the member's account nets to nothing
        (202612, books.CASH): (20_000, 20_000, 0, 0),
        (202612, books.SAVINGS): (20_000, 20_000, 0, 0),
        # the closing entry is counted apart from what the month earned
        (202612, books.INTEREST_INCOME): (3_000, 0, 3_000, 0),
        (202612, books.PROFIT_TO_ALLOCATE): (0, 3_000, -3_000, 0),
    }
    assert ledger.audit() == ([], [])


def test_one_transaction_moving_a_code_both_ways_counts_both(group, member):
    ledger.post(group.id, [Line(books.CASH, 10_000), Line(books.CASH, -4_000),
                           Line(savings(member), -6_000)], business_date=NOV, kind="t")
    assert totals(group.id)[(202611, books.CASH)] == (10_000, 4_000, 0, 0)


@pytest.mark.tampers_with_books
def test_audit_catches_a_tampered_monthly_total(group, member):
    ledger.post(group.id, transfer(books.CASH, savings(member), 50_000), business_date=NOV,
                kind="savings.deposit")
    assert ledger.audit() == ([], [])
    raw('UPDATE "month_total" SET "credit" = "credit" + 100 WHERE "group_id" = ? AND "code" = ?',
        group.id, books.SAVINGS)
    assert ledger.audit() == ([ledger.Mismatch(group.id, f"{books.SAVINGS} in 2026-11 (credit)",
                                               50_100, 50_000)], [])


@pytest.mark.tampers_with_books
def test_audit_catches_a_missing_monthly_total(group, member):
    ledger.post(group.id, transfer(books.CASH, savings(member), 50_000), business_date=DEC,
                kind="savings.deposit")
    raw('DELETE FROM "month_total" WHERE "group_id" = ? AND "code" = ?', group.id, books.CASH)
    assert ledger.audit()[0] == [ledger.Mismatch(group.id, f"{books.CASH} in 2026-12 (debit)",
                                                 0, 50_000)]


def test_the_migration_fills_the_totals_from_an_existing_journal(group, member):
    ledger.post(group.id, transfer(books.CASH, savings(member), 50_000), business_date=NOV,
                kind="savings.deposit")
    ledger.post(group.id, transfer(books.INTEREST_INCOME, books.PROFIT_TO_ALLOCATE, 1_000),
                business_date=DEC, kind="year.close")
    kept = totals(group.id)
    assert len(kept) == 4
    database.execute_sql('DELETE FROM "month_total"')
    spec = importlib.util.spec_from_file_location(
        "month_totals_migration", f"{MIGRATIONS}/0009_month_totals.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    migration.backfill(database.obj)
    assert totals(group.id) == kept
    assert ledger.audit() == ([], [])
