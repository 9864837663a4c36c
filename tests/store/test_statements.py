"""Receipts, passbooks, the cash book and the trial balance over a ledger checked by hand.

The ledger (group กลุ่มบ้านหนึ่ง, share price ฿50.00; A is สมศรี ใจดี, B is สมชาย มั่นคง):

    receipt  date    entry                                   cash       cash balance
    1        31 Oct  B deposits savings 500.00               +500.00        500.00
    2         1 Nov  A deposits savings 100.00               +100.00        600.00
    3         3 Nov  A deposits savings 40.00 (a mistake)     +40.00        640.00
    -         3 Nov  the committee voids receipt 3            -40.00        600.00
    4         5 Nov  A deposits savings 250.50               +250.50        850.50
    5         7 Nov  B buys 3 shares (3 x 50.00)             +150.00      1,000.50
    6         8 Nov  group expense (lamp oil) 20.00           -20.00        980.50
    7        10 Nov  A withdraws savings 50.00                -50.00        930.50

A's savings passbook: 100.00, 140.00, 100.00, 350.50, 300.50.
B's: savings 500.00; shares 150.00.
Cash book for November: opening 500.00, closing 930.50, in 540.50, out 110.00.
Cash book from 6 Nov: opening 850.50 (everything before), closing 930.50.
Trial balance: 1010 Dr 930.50; 2100 Cr 800.50 (A 300.50 + B 500.00); 3100 Cr 150.00;
5100 Dr 20.00. Debits = credits = 950.50. As of 5 Nov: 1010 Dr 850.50, 2100 Cr 850.50.
"""

from datetime import date

import pytest

from core import books
from core.store import statements
from core.store.ledger import audit, balance_of


def _ok(result):
    assert result.status == "accepted", result
    return result


def build_ledger(world):
    """The ledger of the module docstring; returns the member ids and the voided op's id."""
    a = world.member_id
    b = world.add_member("สมชาย มั่นคง", joined_on="2025-02-01")
    dep = "savings.deposit"
    _ok(world.apply(dep, {"member_id": b, "amount_satang": 50000}, business_date="2025-10-31"))
    _ok(world.apply(dep, {"member_id": a, "amount_satang": 10000}, business_date="2025-11-01"))
    mistake = _ok(world.apply(dep, {"member_id": a, "amount_satang": 4000},
                              business_date="2025-11-03"))
    _ok(world.apply("void", {"target_op_id": mistake.op_id, "reason": "บันทึกผิด"},
                    by="committee", business_date="2025-11-03"))
    _ok(world.apply(dep, {"member_id": a, "amount_satang": 25050}, business_date="2025-11-05"))
    _ok(world.apply("shares.buy", {"member_id": b, "shares": 3}, business_date="2025-11-07"))
    _ok(world.apply("group.expense", {"amount_satang": 2000, "category": "น้ำมันตะเกียง"},
                    business_date="2025-11-08"))
    _ok(world.apply("savings.withdraw", {"member_id": a, "amount_satang": 5000},
                    business_date="2025-11-10"))
    return a, b


@pytest.fixture
def ledger(world):
    return build_ledger(world)


def test_receipt_of_a_deposit_with_the_amount_in_words(world, ledger):
    a, _ = ledger
    receipt = statements.receipt(world.group.id, 4)
    assert receipt.kind == "savings.deposit"
    assert receipt.business_date == date(2025, 11, 5)
    assert receipt.member.id == a and receipt.member.name == "สมศรี ใจดี"
    assert receipt.group.name == "กลุ่มบ้านหนึ่ง"
    assert receipt.amount == 25050 and receipt.cash == "in"
    assert receipt.words_th == "สองร้อยห้าสิบบาทห้าสิบสตางค์"
    assert receipt.words_en == "Two hundred fifty baht and fifty satang"
    assert receipt.recorded_by == "treasurer"
    assert not receipt.voided and receipt.voided_on is None


def test_receipts_of_a_voided_entry_a_payment_and_one_without_a_member(world, ledger):
    voided = statements.receipt(world.group.id, 3)
    assert voided.voided and voided.voided_on == date(2025, 11, 3)
    assert voided.voided_reason == "บันทึกผิด" and voided.amount == 4000
    withdrawal = statements.receipt(world.group.id, 7)
    assert withdrawal.kind == "savings.withdraw"
    assert withdrawal.cash == "out" and withdrawal.amount == 5000
    assert withdrawal.words_th == "ห้าสิบบาทถ้วน"
    expense = statements.receipt(world.group.id, 6)
    assert expense.member is None and expense.memo == "น้ำมันตะเกียง"
    assert expense.cash == "out" and expense.amount == 2000
    assert statements.receipt(world.group.id, 8) is None
    assert statements.receipt(world.other.id, 4) is None  # numbers are per group


def test_receipt_numbers_are_a_sequence_per_group(world, ledger):
    result = _ok(world.apply("savings.deposit", {
        "member_id": world.add_member("คนนอก", group=world.other, by="other-treasurer"),
        "amount_satang": 100}, by="other-treasurer", group=world.other,
        business_date="2025-11-01"))
    assert result.status == "accepted"
    assert statements.receipt(world.other.id, 1).amount == 100
    assert statements.receipt(world.other.id, 1).words_th == "หนึ่งบาทถ้วน"


def test_a_non_cash_entry_shows_its_debit_total(world):
    _ok(world.apply("fine.charge", {"member_id": world.member_id, "amount_satang": 1000,
                                    "reason": "มาสาย"}, business_date="2025-11-01"))
    _ok(world.apply("fine.pay", {"member_id": world.member_id, "amount_satang": 1000},
                    business_date="2025-11-01"))
    paid = statements.receipt(world.group.id, 1)  # the charge posts no receipt
    assert paid.kind == "fine.pay" and paid.amount == 1000 and paid.cash == "in"
    book = statements.passbook(world.member_id)
    fines = book.section(books.FINES_DUE)
    assert [(r.kind, r.amount_out, r.amount_in, r.balance) for r in fines.rows] == [
        ("fine.charge", 1000, 0, 1000), ("fine.pay", 0, 1000, 0)]
    assert fines.owed and fines.balance == 0


def test_passbook_running_balances(world, ledger):
    a, b = ledger
    book = statements.passbook(a)
    assert book.member.name == "สมศรี ใจดี"
    savings = book.section(books.SAVINGS)
    assert [(r.business_date.day, r.kind, r.receipt_no, r.amount_in, r.amount_out, r.balance)
            for r in savings.rows] == [
        (1, "savings.deposit", 2, 10000, 0, 10000),
        (3, "savings.deposit", 3, 4000, 0, 14000),
        (3, "reversal", None, 0, 4000, 10000),
        (5, "savings.deposit", 4, 25050, 0, 35050),
        (10, "savings.withdraw", 7, 0, 5000, 30050),
    ]
    assert [r.voided for r in savings.rows] == [False, True, False, False, False]
    assert [r.reversal_of for r in savings.rows] == [None, None, 3, None, None]
    assert savings.balance == 30050 == savings.rows[-1].balance and not savings.owed
    assert book.balances == {books.SAVINGS: 30050, books.SHARES: 0, books.WELFARE_FUND: 0,
                             books.FINES_DUE: 0, books.LOANS: 0}
    other = statements.passbook(b)
    assert [r.balance for r in other.section(books.SAVINGS).rows] == [50000]
    assert [(r.receipt_no, r.amount_in, r.balance)
            for r in other.section(books.SHARES).rows] == [(5, 15000, 15000)]
    assert other.balances[books.SHARES] == 15000
    assert statements.passbook("no-such-member") is None


def test_a_passbook_from_a_day_brings_the_balance_forward(world, ledger):
    """From 5 November: the deposits of the 1st (100.00) and the 3rd (40.00, voided and
    reversed the same day) come forward as 100.00; the rows shown run on from there."""
    a, _ = ledger
    book = statements.passbook(a, since=date(2025, 11, 5))
    savings = book.section(books.SAVINGS)
    assert savings.brought_forward == 10000 and book.earlier
    assert [(r.business_date.day, r.amount_in, r.amount_out, r.balance)
            for r in savings.rows] == [(5, 25050, 0, 35050), (10, 0, 5000, 30050)]
    assert savings.balance == 30050
    assert book.year_before == date(2024, 11, 5)
    # From the 3rd, the voided deposit is shown with its mark and its reversal
    third = statements.passbook(a, since=date(2025, 11, 3)).section(books.SAVINGS)
    assert third.brought_forward == 10000
    assert [(r.receipt_no, r.voided, r.reversal_of) for r in third.rows[:2]] == [
        (3, True, None), (None, False, 3)]
    # Nothing before the 1st: no balance to bring forward, no earlier entries
    whole = statements.passbook(a, since=date(2025, 11, 1))
    assert not whole.earlier and whole.section(books.SAVINGS).brought_forward == 0
    assert whole.sections == statements.passbook(a).sections
    # After the last entry: only the balances, each section's brought forward
    later = statements.passbook(a, since=date(2026, 1, 1))
    assert later.earlier and later.section(books.SAVINGS).rows == ()
    assert later.section(books.SAVINGS).brought_forward == 30050
    assert later.section(books.SAVINGS).shown and not later.section(books.LOANS).shown


def test_cash_book_for_november(world, ledger):
    book = statements.cash_book(world.group.id, date(2025, 11, 1), date(2025, 11, 30))
    assert book.opening == 50000
    assert [(line.business_date.day, line.receipt_no, line.money_in, line.money_out,
             line.balance) for line in book.lines] == [
        (1, 2, 10000, 0, 60000),
        (3, 3, 4000, 0, 64000),
        (3, None, 0, 4000, 60000),
        (5, 4, 25050, 0, 85050),
        (7, 5, 15000, 0, 100050),
        (8, 6, 0, 2000, 98050),
        (10, 7, 0, 5000, 93050),
    ]
    assert book.closing == 93050
    assert book.total_in == 54050 and book.total_out == 11000
    assert book.lines[0].member_name == "สมศรี ใจดี" and book.lines[0].member_no == 1
    assert book.lines[0].member_id == world.member_id
    assert book.lines[1].voided and book.lines[2].reversal_of == 3
    assert book.lines[2].kind == "reversal" and book.lines[2].memo == "บันทึกผิด"
    expense = book.lines[5]
    assert expense.kind == "group.expense" and expense.member_name is None
    assert expense.memo == "น้ำมันตะเกียง"


def test_cash_book_from_the_sixth_opens_with_everything_before(world, ledger):
    book = statements.cash_book(world.group.id, date(2025, 11, 6), date(2025, 11, 30))
    assert book.opening == 85050
    assert [line.balance for line in book.lines] == [100050, 98050, 93050]
    assert book.closing == 93050
    october = statements.cash_book(world.group.id, date(2025, 10, 1), date(2025, 10, 31))
    assert (october.opening, october.closing, len(october.lines)) == (0, 50000, 1)
    empty = statements.cash_book(world.group.id, date(2025, 12, 1), date(2025, 12, 31))
    assert (empty.opening, empty.closing, empty.lines) == (93050, 93050, ())


def test_cash_book_over_all_time_equals_the_cached_cash_balance(world, ledger):
    book = statements.cash_book(world.group.id)
    assert book.opening == 0 and len(book.lines) == 8
    assert book.closing == balance_of(world.group.id, books.CASH) == 93050
    assert statements.first_business_date(world.group.id) == date(2025, 10, 31)
    assert statements.first_business_date(world.other.id) is None
    assert audit() == ([], [])


def test_trial_balance_from_the_cache_and_as_of_a_date(world, ledger):
    tb = statements.trial_balance(world.group.id)
    figures = {row.code: (row.debit, row.credit) for row in tb.rows if row.balance}
    assert figures == {books.CASH: (93050, 0), books.SAVINGS: (0, 80050),
                       books.SHARES: (0, 15000), books.EXPENSES: (2000, 0)}
    assert tb.total_debit == tb.total_credit == 95050 and tb.balanced
    assert [row.code for row in tb.rows] == sorted(row.code for row in tb.rows)
    assert next(r for r in tb.rows if r.code == books.SAVINGS).name_th == "เงินออมสมาชิก"

    journal = statements.trial_balance(world.group.id, as_of=date(2025, 11, 30))
    assert [(r.code, r.debit, r.credit) for r in journal.rows if r.balance] == [
        (r.code, r.debit, r.credit) for r in tb.rows if r.balance]

    early = statements.trial_balance(world.group.id, as_of=date(2025, 11, 5))
    assert {r.code: (r.debit, r.credit) for r in early.rows if r.balance} == {
        books.CASH: (85050, 0), books.SAVINGS: (0, 85050)}
    assert early.total_debit == early.total_credit == 85050

    before = statements.trial_balance(world.group.id, as_of=date(2025, 10, 1))
    assert before.total_debit == before.total_credit == 0


def test_an_empty_group_has_a_balanced_trial_balance(world):
    tb = statements.trial_balance(world.other.id)
    assert tb.total_debit == tb.total_credit == 0
    assert books.CASH in {row.code for row in tb.rows}
