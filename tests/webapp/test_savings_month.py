"""A month of a 10-member savings group, recorded through the HTTP client as a treasurer would.

The ledger, worked out by hand (the default policy: commitment ฿100.00, welfare ฿30.00 a month,
share price ฿50.00):

    members 1..10 registered (member 1 is the world's สมศรี ใจดี)
    savings day: nine members tap the usual ฿100.00      cash +  900.00
                 member 3 saves another amount ฿250.50   cash +  250.50
                 members 1–4 pay welfare ฿30.00 each     cash +  120.00
                 member 2's welfare is voided            cash −   30.00
    member 5 buys 2 shares at ฿50.00                     cash +  100.00
    stationery expense ฿45.00                            cash −   45.00
                                            books say:   cash  1,295.50
    the cash box is counted at ฿1,290.00: short ฿5.50, so cash ends at 1,290.00

Trial balance: debits  cash 1,290.00 + expenses 45.00 + cash short 5.50   = 1,340.50
               credits savings 1,150.50 + shares 100.00 + welfare 90.00   = 1,340.50
"""

import html
import re

from core import books
from core.store import ledger
from core.store.models import Meeting, Member
from tests.conftest import csrf_token, sign_in, today_iso


def _hidden(page_html: str) -> dict:
    return {name: html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page_html)}


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_a_month_of_a_ten_member_group(client, world):
    sign_in(client, "treasurer")
    gid = world.group.id
    today = today_iso(world.group)
    for number in range(2, 11):
        form = f"/groups/{gid}/members/new"
        data = _hidden(client.get(form).get_data(as_text=True))
        data.update(name=f"สมาชิก ที่{number}", joined_on="2026-01-10")
        assert client.post(form, data=data).status_code == 302
    members = list(Member.select().where(Member.group == gid).order_by(Member.member_no))
    assert [m.member_no for m in members] == list(range(1, 11))

    meetings = f"/groups/{gid}/meetings"
    opened = client.post(meetings, data={**_hidden(client.get(meetings).get_data(as_text=True)),
                                         "date": today})
    screen = opened.location
    meeting_id = screen.rsplit("/", 1)[1]
    page = client.get(screen).get_data(as_text=True)
    seed, token = _hidden(page)["seed"], csrf_token(client, screen)

    def tap(member, op_type, amount=""):
        response = client.post(f"{meetings}/{meeting_id}/members/{member.id}", data={
            "csrf_token": token, "seed": seed, "type": op_type, "amount": amount})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    for member in members:
        tap(member, "savings.deposit", "250.50" if member.member_no == 3 else "")
    for member in members[:4]:
        tap(member, "welfare.contribute")
    from core.store.models import SyncOp
    welfare_ops = SyncOp.select().where(SyncOp.type == "welfare.contribute")
    second = next(op for op in welfare_ops if members[1].id in op.payload)
    voided = client.post(f"{meetings}/{meeting_id}/void", data={
        "csrf_token": token, "target_op_id": second.op_id, "member_id": members[1].id})
    assert voided.status_code == 302

    def entry(op_type, member=None, **fields):
        url = f"/groups/{gid}/entries/new?type={op_type}" + (f"&member={member.id}"
                                                             if member else "")
        data = {**_hidden(client.get(url).get_data(as_text=True)), "business_date": today,
                **fields}
        assert client.post(url, data=data).status_code == 302

    entry("shares.buy", members[4], shares="2")
    entry("group.expense", category="stationery", amount="45")
    assert ledger.balance_of(gid, books.CASH) == 129_550

    closed = client.post(f"{meetings}/{meeting_id}/close", data={"csrf_token": token,
                                                                 "counted_cash": "1,290"})
    assert closed.status_code == 302
    meeting = Meeting.get_by_id(meeting_id)
    assert meeting.counted_cash - meeting.expected_cash == -550  # ฿5.50 short
    assert ledger.balance_of(gid, books.CASH) == 129_000

    summary = _text(client.get(f"/groups/{gid}"))
    assert "฿1,290.00" in summary and "฿1,150.50" in summary and "฿100.00" in summary
    passbook = _text(client.get(f"/groups/{gid}/members/{members[2].id}/passbook"))
    assert "฿250.50" in passbook
    month = today[:7]
    cash_book = _text(client.get(f"/groups/{gid}/cash-book?month={month}"))
    assert "฿1,295.50" in cash_book  # the running balance before the count
    assert "฿1,290.00" in cash_book  # the closing balance
    trial = _text(client.get(f"/groups/{gid}/trial-balance"))
    assert trial.count("฿1,340.50") >= 2  # debit and credit totals agree
    for figure in ("฿1,290.00", "฿45.00", "฿5.50", "฿1,150.50", "฿100.00", "฿90.00"):
        assert figure in trial, figure
