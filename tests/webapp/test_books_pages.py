"""The books pages: cash book, trial balance, receipts and passbooks, over the hand-checked
ledger of tests/store/test_statements.py (receipt 3 is voided; receipt 4 is A's ฿250.50)."""

import re

import pytest

from core.thaidate import add_months, format_date, today_in
from tests.conftest import World, csrf_token, sign_in
from tests.store.test_statements import build_ledger


@pytest.fixture
def ledger(world):
    return build_ledger(world)


def _signed_in(app, role):
    client = app.test_client()
    sign_in(client, role, World.MEMBER_PIN if role == "member" else World.PASSWORD)
    return client


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_cash_book_for_a_month(app, world, ledger):
    client = _signed_in(app, "treasurer")
    response = client.get(f"/groups/{world.group.id}/cash-book?month=2025-11")
    text = _text(response)
    assert "สมุดเงินสด" in text and "พฤศจิกายน 2568" in text
    assert "5 พ.ย. 2568" in text and "฿850.50" in text  # after A's deposit on 5 Nov
    assert "฿500.00" in text  # brought forward from October
    assert "฿930.50" in text  # closing
    assert "฿540.50" in text and "฿110.00" in text  # money in and out
    assert "น้ำมันตะเกียง" in text and "สมศรี ใจดี" in text
    html = response.get_data(as_text=True)
    assert f'href="/groups/{world.group.id}/receipts/4"' in html
    assert f'href="/groups/{world.group.id}/members/{world.member_id}/passbook"' in html
    assert "month=2025-10" in html and "month=2025-12" in html  # previous and next month
    assert 'value="2025-10"' in html  # the picker reaches back to the first entry


def test_cash_book_defaults_to_this_month_and_takes_a_buddhist_era_month(app, world, ledger):
    client = _signed_in(app, "committee")
    this_month = _text(client.get(f"/groups/{world.group.id}/cash-book"))
    assert "฿930.50" in this_month  # everything so far is brought forward
    same = _text(client.get(f"/groups/{world.group.id}/cash-book?month=2568-11"))
    assert "฿850.50" in same
    for nonsense in ("nonsense", "2025-13", "0001-01", "9999-12", "2025-11-05"):
        bad = client.get(f"/groups/{world.group.id}/cash-book?month={nonsense}")
        assert bad.status_code == 200, nonsense


def test_cash_book_fragment_for_htmx(app, world, ledger):
    client = _signed_in(app, "staff")
    response = client.get(f"/groups/{world.group.id}/cash-book?month=2025-11",
                          headers={"HX-Request": "true", "HX-Target": "cashbook"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="cashbook"') and "<html" not in html
    assert "฿930.50" in html


def test_trial_balance(app, world, ledger):
    client = _signed_in(app, "treasurer")
    text = _text(client.get(f"/groups/{world.group.id}/trial-balance"))
    assert "งบทดลอง" in text
    assert "เงินสดในมือ" in text and "เงินออมสมาชิก" in text
    assert "฿930.50" in text and "฿800.50" in text and "฿150.00" in text and "฿20.00" in text
    assert text.count("฿950.50") == 2  # debit total = credit total
    early = _text(client.get(f"/groups/{world.group.id}/trial-balance?as_of=5/11/2568"))
    assert "5 พ.ย. 2568" in early and early.count("฿850.50") == 4
    wrong = client.get(f"/groups/{world.group.id}/trial-balance?as_of=31/02/2568")
    assert wrong.status_code == 200 and "ไม่มีวันที่นี้" in wrong.get_data(as_text=True)


def test_receipt_page(app, world, ledger):
    client = _signed_in(app, "treasurer")
    text = _text(client.get(f"/groups/{world.group.id}/receipts/4"))
    assert "ใบเสร็จรับเงิน" in text and "กลุ่มบ้านหนึ่ง" in text
    assert "เลขที่ 4" in text and "5 พฤศจิกายน 2568" in text
    assert "สมศรี ใจดี" in text and "สมาชิกเลขที่ 1" in text
    assert "฿250.50" in text and "(สองร้อยห้าสิบบาทห้าสิบสตางค์)" in text
    assert "treasurer" in text and "VOID" not in text
    assert client.get(f"/groups/{world.group.id}/receipts/99").status_code == 404


def test_receipt_of_a_payment_and_in_english(app, world, ledger):
    client = _signed_in(app, "treasurer")
    text = _text(client.get(f"/groups/{world.group.id}/receipts/7"))
    assert "ใบสำคัญจ่าย" in text and "฿50.00" in text and "(ห้าสิบบาทถ้วน)" in text
    token = csrf_token(client, f"/groups/{world.group.id}/receipts/4")
    client.post("/language", data={"lang": "en", "csrf_token": token})
    english = _text(client.get(f"/groups/{world.group.id}/receipts/4"))
    assert "Receipt" in english and "5 November 2025" in english
    assert "(Two hundred fifty baht and fifty satang)" in english
    assert "(สองร้อยห้าสิบบาทห้าสิบสตางค์)" in english


def test_a_voided_receipt_carries_the_void_mark(app, world, ledger):
    client = _signed_in(app, "committee")
    text = _text(client.get(f"/groups/{world.group.id}/receipts/3"))
    assert "VOID / ยกเลิกแล้ว" in text and "บันทึกผิด" in text and "3 พ.ย. 2568" in text


def test_member_sees_their_own_receipts_and_passbook_only(app, world, ledger):
    client = _signed_in(app, "member")
    own = _text(client.get(f"/groups/{world.group.id}/receipts/4"))
    assert "฿250.50" in own and "สองร้อยห้าสิบบาทห้าสิบสตางค์" in own
    assert client.get(f"/groups/{world.group.id}/receipts/1").status_code == 403  # B's
    assert client.get(f"/groups/{world.group.id}/receipts/6").status_code == 403  # group's
    assert client.get(f"/groups/{world.other.id}/receipts/4").status_code == 403
    assert client.get(f"/groups/{world.group.id}/cash-book").status_code == 403
    assert client.get(f"/groups/{world.group.id}/members/{world.member_id}/passbook"
                      ).status_code == 403

    # The passbook opens on the last twelve months: from the first of the month 11 back
    opens = add_months(today_in(world.group.timezone).replace(day=1), -11)
    assert f"รายการตั้งแต่ {format_date(opens)}" in _text(client.get("/me"))
    # The entries are of November 2568: from December on, the savings come forward as one
    # line, 350.50 - 50.00, and the entries before are a tap away
    later = _text(client.get("/me?since=2025-12-01"))
    assert "รายการตั้งแต่ 1 ธ.ค. 2568" in later and "1 พ.ย. 2568" not in later
    assert "ยอดยกมา ฿300.50" in later and "ดูทุกรายการ" in later

    response = client.get("/me?since=all")
    text = _text(response)
    assert "สมุดบัญชีสมาชิก" in text and "สมศรี ใจดี" in text
    assert "ยอดยกมา" not in text and "ดูทุกรายการ" not in text
    assert "1 พ.ย. 2568" in text and "5 พ.ย. 2568" in text and "10 พ.ย. 2568" in text
    assert "฿350.50" in text and "฿300.50" in text and "฿140.00" in text
    assert "ยกเลิกแล้ว" in text
    html = response.get_data(as_text=True)
    assert f'href="/groups/{world.group.id}/receipts/4"' in html
    assert "สมชาย มั่นคง" not in text


def test_treasurer_sees_a_members_passbook(app, world, ledger):
    _, b = ledger
    client = _signed_in(app, "treasurer")
    text = _text(client.get(f"/groups/{world.group.id}/members/{b}/passbook?since=all"))
    assert "สมชาย มั่นคง" in text and "฿500.00" in text and "฿150.00" in text
    assert "7 พ.ย. 2568" in text and "ซื้อหุ้น" in text
    mine = _text(client.get(f"/groups/{world.group.id}/members/{world.member_id}/passbook"
                            "?since=2025-11-01"))
    assert "฿350.50" in mine and "฿300.50" in mine
    assert client.get(f"/groups/{world.group.id}/members/nobody/passbook").status_code == 404
    outsider = world.add_member("คนนอก", group=world.other, by="other-treasurer")
    assert client.get(f"/groups/{world.group.id}/members/{outsider}/passbook"
                      ).status_code == 404
    other = _signed_in(app, "other-treasurer")
    assert other.get(f"/groups/{world.group.id}/members/{b}/passbook").status_code == 403
    assert other.get(f"/groups/{world.group.id}/receipts/4").status_code == 403
