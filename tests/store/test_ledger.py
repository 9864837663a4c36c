"""The journal and its cached balances: posting, reversing, auditing, receipt numbers.

Every figure below was worked out by hand. Amounts are satang, debit positive, credit negative;
`balance_of` gives the raw (debit-minus-credit) balance, so savings owed to a member is negative.
"""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import fn

from core import books
from core.books import Line, transfer
from core.errors import OpRefused
from core.store import ledger
from core.store.counters import current_value, receipt_counter
from core.store.db import database
from core.store.groups import create_group
from core.store.models import Account, JournalLine, JournalTxn, Member
from core.store.summaries import group_totals, member_figures

DAY = date(2026, 11, 20)


def savings(member_id):
    return books.account_key(books.SAVINGS, member_id)


def add_member(group_id, name, no):
    return Member.create(id=str(uuid.uuid4()), group=group_id, member_no=no, name=name,
                         joined_on=date(2025, 1, 15)).id


@pytest.fixture
def group(db):
    return create_group("กลุ่มออมทรัพย์บ้านทดสอบ")


@pytest.fixture
def members(group):
    return add_member(group.id, "สมศรี ใจดี", 1), add_member(group.id, "สมชาย รักดี", 2)


def counts():
    return JournalTxn.select().count(), JournalLine.select().count(), Account.select().count()


def balances(group_id):
    return dict(Account.select(Account.key, Account.balance)
                .where(Account.group == group_id).tuples())


def raw_update(sql, *params):
    """Tamper with the books behind the store's back, as a bad script or a bad hand would."""
    database.execute_sql(sql.replace("?", database.obj.param), params)


# ------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("name", "amounts"), [
    ("unbalanced", [10_000, -9_000]),
    ("one satang off", [10_000, -9_999]),
    ("single line", [10_000]),
    ("no lines", []),
    ("zero lines", [0, 0]),
    ("a zero line among balanced ones", [10_000, -10_000, 0]),
    ("float baht", [100.0, -100.0]),
    ("float satang", [10_000.0, -10_000]),
    ("decimal", [Decimal("100.50"), Decimal("-100.50")]),
    ("bool", [True, -1]),
    ("string", ["10000", "-10000"]),
])
def test_post_refuses_what_is_not_a_balanced_transaction(group, members, name, amounts):
    first, _ = members
    keys = [books.CASH, savings(first), books.FINE_INCOME]
    lines = [Line(keys[i], amount) for i, amount in enumerate(amounts)]
    before_counts, before_balances = counts(), balances(group.id)
    with pytest.raises(OpRefused) as refusal:
        ledger.post(group.id, lines, business_date=DAY, kind="test")
    assert refusal.value.problem.reason == "invalid"
    assert counts() == before_counts  # no txn, no line, not even the member's sub-account
    assert balances(group.id) == before_balances
    assert current_value(receipt_counter(group.id)) == 0  # no receipt number was used up


def test_cached_balances_follow_the_journal(group, members):
    a, b = members
    ledger.post(group.id, transfer(books.CASH, savings(a), 50_000), business_date=DAY,
                kind="savings.deposit", member=a)
    ledger.post(group.id, transfer(books.CASH, savings(a), 25_050), business_date=DAY,
                kind="savings.deposit", member=a)
    ledger.post(group.id, transfer(books.CASH, savings(b), 10_000), business_date=DAY,
                kind="savings.deposit", member=b)
    ledger.post(group.id, transfer(savings(a), books.CASH, 20_000), business_date=DAY,
                kind="savings.withdraw", member=a)
    ledger.post(group.id, transfer(books.EXPENSES, books.CASH, 1_525), business_date=DAY,
                kind="group.expense")
    # b brings 100 baht savings, 30 baht welfare and a 20 baht fine in one entry
    ledger.post(group.id, [Line(books.CASH, 15_000), Line(savings(b), -10_000),
                           Line(books.account_key(books.WELFARE_FUND, b), -3_000),
                           Line(books.FINE_INCOME, -2_000)],
                business_date=DAY, kind="meeting.entry", member=b)

    # cash: 500 + 250.50 + 100 - 200 - 15.25 + 150 = 785.25 baht
    assert ledger.balance_of(group.id, books.CASH) == 78_525
    assert ledger.balance_of(group.id, savings(a)) == -55_050
    assert ledger.balance_of(group.id, savings(b)) == -20_000
    assert ledger.balance_of(group.id, books.EXPENSES) == 1_525
    assert ledger.balance_of(group.id, books.FINE_INCOME) == -2_000
    figures = member_figures([a, b])
    assert figures[a] == {"savings": 55_050, "shares": 0, "loan_outstanding": 0,
                          "welfare_contributed": 0, "fines_due": 0}
    assert figures[b]["savings"] == 20_000 and figures[b]["welfare_contributed"] == 3_000
    totals = group_totals(group.id)
    assert totals[books.CASH] == 78_525
    assert totals[books.SAVINGS] == 75_050
    assert totals[books.WELFARE_FUND] == 3_000
    assert totals[books.FINE_INCOME] == 2_000
    assert totals[books.EXPENSES] == 1_525
    assert sum(balances(group.id).values()) == 0
    assert ledger.audit() == ([], [])


def test_sub_accounts_are_made_on_first_use_and_tied_to_their_member(group, members):
    a, _ = members
    loan_id = str(uuid.uuid4())
    ledger.post(group.id, transfer(books.account_key(books.LOANS, loan_id), books.CASH, 300_000),
                business_date=DAY, kind="loan.disburse", member=a)
    ledger.post(group.id, transfer(books.CASH, savings(a), 1), business_date=DAY, kind="t")
    saving = Account.get((Account.group == group.id) & (Account.key == f"2100:{a}"))
    assert (saving.code, saving.kind, saving.member_id, saving.balance) == (
        "2100", "liability", a, -1)
    loan = Account.get((Account.group == group.id) & (Account.key == f"1100:{loan_id}"))
    # a loan's account belongs to its borrower, so it shows in their passbook
    assert (loan.code, loan.kind, loan.member_id, loan.balance) == ("1100", "asset", a, 300_000)


def test_two_lines_on_one_account_in_one_transaction(group, members):
    a, _ = members
    txn = ledger.post(group.id, [Line(books.CASH, 10_000), Line(books.CASH, 5_000),
                                 Line(savings(a), -15_000)], business_date=DAY, kind="t")
    assert ledger.balance_of(group.id, books.CASH) == 15_000
    assert ledger.balance_of(group.id, savings(a)) == -15_000
    assert len(ledger.lines_of(txn)) == 3
    assert ledger.audit() == ([], [])


# ------------------------------------------------------------------------- reversals


def test_reversal_posts_the_mirror_image_linked_to_the_original(group, members):
    a, b = members
    original = ledger.post(group.id, [Line(books.CASH, 13_000), Line(savings(a), -10_000),
                                      Line(books.FINE_INCOME, -3_000)],
                           business_date=DAY, kind="savings.deposit", member=a)
    ledger.post(group.id, transfer(books.CASH, savings(b), 7_000), business_date=DAY,
                kind="savings.deposit", member=b)
    reversal = ledger.reverse(original, business_date=date(2026, 11, 21), memo="ผิดคน")

    assert reversal.reverses_id == original.id
    assert reversal.kind == "reversal"
    assert reversal.member_id == a
    assert reversal.receipt_no is None
    assert reversal.business_date == date(2026, 11, 21)
    assert [(line.account, line.amount) for line in ledger.lines_of(reversal)] == [
        (books.CASH, -13_000), (savings(a), 10_000), (books.FINE_INCOME, 3_000)]
    # only b's deposit is left standing
    assert ledger.balance_of(group.id, books.CASH) == 7_000
    assert ledger.balance_of(group.id, savings(a)) == 0
    assert ledger.balance_of(group.id, books.FINE_INCOME) == 0
    assert ledger.balance_of(group.id, savings(b)) == -7_000
    assert ledger.is_reversed(original) and not ledger.is_reversed(reversal)
    # the original is still there, untouched: the journal is append-only
    assert [line.amount for line in ledger.lines_of(JournalTxn.get_by_id(original.id))] == [
        13_000, -10_000, -3_000]
    assert ledger.audit() == ([], [])


def test_a_transaction_is_reversed_once_and_a_reversal_never(group, members):
    a, _ = members
    original = ledger.post(group.id, transfer(books.CASH, savings(a), 50_000),
                           business_date=DAY, kind="savings.deposit")
    reversal = ledger.reverse(original, business_date=DAY)
    before = counts(), balances(group.id)
    with pytest.raises(OpRefused) as twice:
        ledger.reverse(original, business_date=DAY)
    assert twice.value.problem.reason == "invalid"
    with pytest.raises(OpRefused):  # a stale copy of the row must not fool it
        ledger.reverse(JournalTxn.get_by_id(original.id), business_date=DAY)
    with pytest.raises(OpRefused) as of_reversal:
        ledger.reverse(reversal, business_date=DAY)
    assert of_reversal.value.problem.reason == "invalid"
    assert (counts(), balances(group.id)) == before
    assert JournalTxn.select().where(JournalTxn.reverses == original.id).count() == 1
    assert ledger.balance_of(group.id, books.CASH) == 0


# ------------------------------------------------------------------------------ audit


@pytest.mark.tampers_with_books
def test_audit_is_clean_on_good_books_and_catches_a_tampered_balance(group, members):
    a, b = members
    ledger.post(group.id, transfer(books.CASH, savings(a), 50_000), business_date=DAY, kind="t")
    ledger.post(group.id, transfer(books.CASH, savings(b), 20_000), business_date=DAY, kind="t")
    assert ledger.audit() == ([], [])

    cash = Account.get((Account.group == group.id) & (Account.key == books.CASH))
    raw_update('UPDATE "account" SET "balance" = "balance" + 100 WHERE "id" = ?', cash.id)
    mismatches, unbalanced = ledger.audit()
    assert mismatches == [ledger.Mismatch(group.id, books.CASH, 70_100, 70_000)]
    assert unbalanced == []


@pytest.mark.tampers_with_books
def test_audit_catches_a_tampered_journal_line(group, members):
    a, _ = members
    ledger.post(group.id, transfer(books.CASH, savings(a), 50_000), business_date=DAY, kind="t")
    txn = ledger.post(group.id, transfer(books.CASH, savings(a), 20_000), business_date=DAY,
                      kind="t")
    line = JournalLine.get((JournalLine.txn == txn.id) & (JournalLine.amount == 20_000))
    raw_update('UPDATE "journal_line" SET "amount" = 2000 WHERE "id" = ?', line.id)
    mismatches, unbalanced = ledger.audit()
    assert unbalanced == [ledger.Unbalanced(group.id, txn.id, -18_000)]
    # the cash line now says 500 + 20 baht while the cache still says 500 + 200, and so
    # does the month's total of cash debits
    month = f"{books.CASH} in {DAY.year}-{DAY.month:02d} (debit)"
    assert mismatches == [ledger.Mismatch(group.id, books.CASH, 70_000, 52_000),
                          ledger.Mismatch(group.id, month, 70_000, 52_000)]


@pytest.mark.tampers_with_books
def test_audit_catches_a_balance_on_an_account_without_lines(group):
    raw_update('UPDATE "account" SET "balance" = -5 WHERE "group_id" = ? AND "key" = ?',
               group.id, books.RESERVE)
    assert ledger.audit()[0] == [ledger.Mismatch(group.id, books.RESERVE, -5, 0)]


# -------------------------------------------------------------------- receipt numbers


def test_receipt_numbers_run_per_group_without_gaps(group, members):
    a, _ = members
    other = create_group("กลุ่มบ้านสอง")
    m = add_member(other.id, "มานี มีนา", 1)

    def deposit(group_id, member_id, amount, **kw):
        return ledger.post(group_id, transfer(books.CASH, savings(member_id), amount),
                           business_date=DAY, kind="savings.deposit", **kw).receipt_no

    assert deposit(group.id, a, 100) == 1
    assert deposit(other.id, m, 100) == 1
    assert deposit(group.id, a, 100) == 2
    # a refused posting uses no number
    with pytest.raises(OpRefused):
        ledger.post(group.id, [Line(books.CASH, 1)], business_date=DAY, kind="t")
    # nor does one whose transaction is rolled back
    with pytest.raises(RuntimeError), database.atomic():
        assert deposit(group.id, a, 100) == 3
        raise RuntimeError("the op failed after posting")
    # nor a posting that gives no receipt (reversals, charges)
    assert deposit(group.id, a, 100, receipt=False) is None
    assert deposit(group.id, a, 100) == 3
    assert deposit(other.id, m, 100) == 2
    numbers = [n for (n,) in JournalTxn.select(JournalTxn.receipt_no)
               .where((JournalTxn.group == group.id) & JournalTxn.receipt_no.is_null(False))
               .order_by(JournalTxn.id).tuples()]
    assert numbers == [1, 2, 3]


# ------------------------------------------------------------------- property: the books


CODES = [entry.code for entry in books.CHART_TEMPLATE]
N_MEMBERS, N_LOANS = 3, 2

posting = st.lists(st.tuples(st.sampled_from(CODES), st.integers(0, 4),
                             st.sampled_from(CODES), st.integers(0, 4),
                             st.integers(1, 10_000_000)),
                   min_size=1, max_size=3)
step = st.one_of(
    st.tuples(st.just("post"), posting),
    st.tuples(st.just("reverse"), st.integers(0, 200)),
    st.tuples(st.just("bad"), st.integers(1, 1000)),
)


def _key(code, index, member_ids, loan_ids):
    per = books.CHART[code].per
    if per == "member":
        return books.account_key(code, member_ids[index % N_MEMBERS])
    if per == "loan":
        return books.account_key(code, loan_ids[index % N_LOANS])
    return code


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_any_postings_and_reversals_keep_the_books_balanced(db, steps):
    # A fresh group per example: the database is shared by the examples of this test.
    grp = create_group(f"กลุ่ม {uuid.uuid4().hex[:6]}")
    member_ids = [add_member(grp.id, f"สมาชิก {i}", i + 1) for i in range(N_MEMBERS)]
    loan_ids = [str(uuid.uuid4()) for _ in range(N_LOANS)]
    expected: dict[str, int] = {}
    txns: list[JournalTxn] = []
    reversed_ids: set[int] = set()

    for kind, arg in steps:
        if kind == "post":
            lines = []
            for debit_code, di, credit_code, ci, amount in arg:
                lines += transfer(_key(debit_code, di, member_ids, loan_ids),
                                  _key(credit_code, ci, member_ids, loan_ids), amount)
            txns.append(ledger.post(grp.id, lines, business_date=DAY, kind="random"))
            for line in lines:
                expected[line.account] = expected.get(line.account, 0) + line.amount
        elif kind == "reverse" and txns:
            target = txns[arg % len(txns)]
            if target.reverses_id is not None or target.id in reversed_ids:
                with pytest.raises(OpRefused):
                    ledger.reverse(target, business_date=DAY)
                continue
            reversal = ledger.reverse(target, business_date=DAY)
            reversed_ids.add(target.id)
            txns.append(reversal)
            for line in ledger.lines_of(target):
                expected[line.account] -= line.amount
        elif kind == "bad":
            with pytest.raises(OpRefused):
                ledger.post(grp.id, [Line(books.CASH, arg), Line(books.BANK, -arg + 1)],
                            business_date=DAY, kind="random")

    assert ledger.audit() == ([], [])
    cached = balances(grp.id)
    assert {k: v for k, v in cached.items() if v} == {k: v for k, v in expected.items() if v}
    assert sum(cached.values()) == 0
    per_txn = (JournalLine.select(fn.SUM(JournalLine.amount)).where(JournalLine.group == grp.id)
               .group_by(JournalLine.txn).tuples())
    assert all(total == 0 for (total,) in per_txn)
    assert JournalTxn.select().where(JournalTxn.group == grp.id).count() == len(txns)
