"""The savings day through the HTTP client: open, one tap per usual amount, other amounts,
a double tap, a void, the running totals and the close with a cash count."""

import re

from core import books
from core.store import ledger
from core.store.ledger import audit
from core.store.models import Meeting, SyncOp
from tests.conftest import csrf_token, sign_in, today_iso


def _open_meeting(client, world):
    page = f"/groups/{world.group.id}/meetings"
    html = client.get(page).get_data(as_text=True)
    meeting_id = re.search(r'name="meeting_id" value="([^"]+)"', html).group(1)
    response = client.post(page, data={"csrf_token": csrf_token(client, page),
                                       "meeting_id": meeting_id, "date": today_iso(world.group)})
    assert response.status_code == 302
    return meeting_id, response.location


def _seed(html):
    return re.search(r'name="seed" value="([^"]+)"', html).group(1)


def test_a_savings_day_from_open_to_close(client, world):
    b = world.add_member("บุญมี ศรีสุข")
    sign_in(client, "treasurer")
    meeting_id, screen = _open_meeting(client, world)
    html = client.get(screen).get_data(as_text=True)
    assert "฿100" in html  # the default commitment, one tap away
    token, seed = csrf_token(client, screen), _seed(html)
    record = f"/groups/{world.group.id}/meetings/{meeting_id}/members"

    def tap(member, op_type, amount="", seed=seed, htmx=False):
        headers = {"HX-Request": "true", "HX-Target": f"m-{member}"} if htmx else {}
        return client.post(f"{record}/{member}", headers=headers, data={
            "csrf_token": token, "seed": seed, "type": op_type, "amount": amount})

    assert tap(world.member_id, "savings.deposit").status_code == 302
    assert tap(world.member_id, "savings.deposit").status_code == 302  # double tap
    fragment = tap(b, "savings.deposit", "250.50", htmx=True)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert 'id="totals" hx-swap-oob="true"' in body and "฿350.50" in body
    tap(b, "welfare.contribute", htmx=True)  # 30.00 a month by default
    bad = tap(b, "savings.deposit", "12,34", htmx=True)
    assert "error" in bad.get_data(as_text=True)

    deposits = SyncOp.select().where(SyncOp.type == "savings.deposit").count()
    assert deposits == 2  # the double tap applied once
    assert ledger.balance_of(world.group.id, books.CASH) == 10_000 + 25_050 + 3_000

    # void b's welfare contribution
    welfare_op = SyncOp.get(SyncOp.type == "welfare.contribute")
    voided = client.post(f"/groups/{world.group.id}/meetings/{meeting_id}/void", data={
        "csrf_token": token, "target_op_id": welfare_op.op_id, "member_id": b})
    assert voided.status_code == 302
    assert ledger.balance_of(world.group.id, books.CASH) == 35_050

    # close with 5.00 short of the 350.50 the books expect
    closed = client.post(f"/groups/{world.group.id}/meetings/{meeting_id}/close", data={
        "csrf_token": token, "counted_cash": "345.50"})
    assert closed.status_code == 302
    meeting = Meeting.get_by_id(meeting_id)
    assert (meeting.status, meeting.expected_cash, meeting.counted_cash) == ("closed", 35_050,
                                                                            34_550)
    assert ledger.balance_of(world.group.id, books.CASH) == 34_550
    assert ledger.balance_of(world.group.id, books.CASH_OVER_SHORT) == 500
    html = client.get(screen).get_data(as_text=True)
    assert "฿5.00" in html and "Close the meeting" not in html
    assert tap(world.member_id, "savings.deposit", seed=_seed(html) if 'name="seed"' in html
               else seed).status_code == 400  # a closed meeting takes no more entries
    assert audit() == ([], [])


def _entry(client, world, op_type, member=None, **fields):
    url = f"/groups/{world.group.id}/entries/new?type={op_type}" + (
        f"&member={member}" if member else "")
    html = client.get(url).get_data(as_text=True)
    op_id = re.search(r'name="op_id" value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf_token(client, url), "op_id": op_id,
            "business_date": today_iso(world.group), **fields}
    return client.post(url, data=data), data, url


def test_entry_forms_refuse_bad_input_beside_the_field_and_write_nothing(client, world):
    sign_in(client, "treasurer")
    for typed, message in (("", "กรุณากรอกจำนวนเงิน"), ("abc", None), ("-5", None),
                           ("0", None), ("1.234", "ทศนิยม")):
        response, _data, _url = _entry(client, world, "savings.deposit", world.member_id,
                                       amount=typed)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, typed
        assert 'aria-describedby="amount-error"' in html, typed
        if message:
            assert message in html
    assert SyncOp.select().count() == 1  # only the member.create of the world

    ok, data, url = _entry(client, world, "savings.deposit", world.member_id, amount="1,500")
    assert ok.status_code == 302
    again = client.post(url, data=data)  # the same form sent twice
    assert again.status_code == 302
    assert ledger.balance_of(world.group.id, books.account_key(books.SAVINGS,
                                                                world.member_id)) == -150_000

    over, _data, _url = _entry(client, world, "savings.withdraw", world.member_id,
                               amount="2000")
    html = over.get_data(as_text=True)
    assert over.status_code == 400 and "ยอดถอนมากกว่าเงินออมคงเหลือ" in html
    assert 'value="2000"' in html  # what was typed stays
    out, _data, _url = _entry(client, world, "savings.withdraw", world.member_id,
                              amount="400.25")
    assert out.status_code == 302
    assert ledger.balance_of(world.group.id, books.CASH) == 150_000 - 40_025

    expense, _data, _url = _entry(client, world, "group.expense", category="stationery",
                                  amount="45")
    assert expense.status_code == 302
    assert ledger.balance_of(world.group.id, books.EXPENSES) == 4_500
    assert audit() == ([], [])


def test_older_entries_are_voided_by_the_committee_with_a_reason(app, world):
    deposit = world.apply("savings.deposit", {"member_id": world.member_id,
                                              "amount_satang": 20_000},
                          business_date="2025-06-01")
    treasurer, committee = app.test_client(), app.test_client()
    sign_in(treasurer, "treasurer")
    sign_in(committee, "committee")
    url = f"/groups/{world.group.id}/entries/{deposit.op_id}/void"
    refused = treasurer.post(url, data={"csrf_token": csrf_token(treasurer, url),
                                        "reason": "ผิด"})
    assert refused.status_code == 400 and "คณะกรรมการ" in refused.get_data(as_text=True)
    assert ledger.balance_of(world.group.id, books.CASH) == 20_000
    no_reason = committee.post(url, data={"csrf_token": csrf_token(committee, url),
                                          "reason": ""})
    assert no_reason.status_code == 400
    done = committee.post(url, data={"csrf_token": csrf_token(committee, url),
                                     "reason": "บันทึกซ้ำ"})
    assert done.status_code == 302
    assert ledger.balance_of(world.group.id, books.CASH) == 0
    assert audit() == ([], [])


def test_commitment_and_late_fines_charge_each_short_member_once(client, world):
    from core.store.models import Group

    Group.update(policy={"savings": {"monthly_commitment_satang": 10_000,
                                     "late_savings_fine_satang": 2_000}}).where(
        Group.id == world.group.id).execute()
    paid_in_full = world.add_member("จ่ายครบ")
    world.apply("savings.deposit", {"member_id": paid_in_full, "amount_satang": 10_000})
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 4_000})
    sign_in(client, "treasurer")
    page = f"/groups/{world.group.id}/meetings"
    html = client.get(page).get_data(as_text=True)
    assert "1 จาก 2" in html  # one of the two members has paid the whole commitment
    month = today_iso(world.group)[:7]
    for _ in range(2):  # the scheduler or a person pressing twice
        response = client.post(f"{page}/late-fines", data={
            "csrf_token": csrf_token(client, page), "month": month})
        assert response.status_code == 302
    fines = SyncOp.select().where(SyncOp.type == "fine.charge")
    assert fines.count() == 1
    assert ledger.balance_of(world.group.id, books.account_key(
        books.FINES_DUE, world.member_id)) == 2_000
    assert ledger.balance_of(world.group.id, books.account_key(
        books.FINES_DUE, paid_in_full)) == 0


def test_the_group_page_leads_back_to_the_open_meeting(client, world):
    sign_in(client, "treasurer")
    home = f"/groups/{world.group.id}"
    assert f"/groups/{world.group.id}/meetings\"" in client.get(home).get_data(as_text=True)
    meeting_id, _screen = _open_meeting(client, world)
    html = client.get(home).get_data(as_text=True)
    assert f"/meetings/{meeting_id}" in html  # "continue the savings day of ..."
