"""A loan's whole life through HTTP, with real CSRF tokens, and the books, the passbook page and
the audit agreeing at every step.

Worked out by hand (amounts in baht):

* Product "สามัญ" (made on its settings page by the committee): flat 1 % a month, at most 12
  months, at most 3 times the savings, 1 guarantor, late fine 50.00 after 5 days' grace.
* สมศรี saves 5,000.00, so may borrow up to 3 × 5,000.00 = 15,000.00. บุญมี saves 2,000.00 and
  guarantees.
* Loan: 3,000.00 over 3 months, applied for on 18 Aug 2026, paid out on 20 Aug 2026.
  Each month 3,000.00 / 3 = 1,000.00 principal + 3,000.00 × 1 % = 30.00 interest = 1,030.00,
  due 20 Sep, 20 Oct and 20 Nov 2026; total interest 90.00. Effective rate: the monthly r with
  3,000.00 = 1,030.00 × (1 − (1 + r)^−3) / r is 1.4925 %, × 12 = 17.91 % a year (above 15 %).
* Cash box: 5,000.00 + 2,000.00 saved = 7,000.00; after paying out 4,000.00; after each
  repayment 5,030.00, 6,060.00, 7,090.00. Loan account 3,000.00 -> 2,000.00 -> 1,000.00 -> 0.
  Interest income 30.00 -> 60.00 -> 90.00.
"""

import re
import uuid

import pytest

from core import books
from core.store import groups, ledger
from core.store.ledger import audit
from core.store.models import JournalTxn, Loan, LoanProduct, SyncOp
from tests.conftest import csrf_token, sign_in

GUARANTOR = "บุญมี ศรีสุข"


def _error(html: str, name: str) -> str:
    """The message shown beside a form field (empty when none)."""
    found = re.search(rf'id="{name}-error">([^<]*)<', html)
    return found.group(1) if found else ""


def _books(world) -> tuple[int, int, int]:
    """Cash box, all loans receivable, interest income (as a person reads it)."""
    loans = sum(a.balance for a in _accounts(world, books.LOANS))
    return (ledger.balance_of(world.group.id, books.CASH), loans,
            -ledger.balance_of(world.group.id, books.INTEREST_INCOME))


def _accounts(world, code):
    from core.store.models import Account

    return Account.select().where((Account.group == world.group.id) & (Account.code == code))


def _written() -> tuple[int, int]:
    return SyncOp.select().count(), JournalTxn.select().count()


class Desk:
    """One person at the app: signed in, posting forms with the token their page carried."""

    def __init__(self, app, world, username):
        self.client = app.test_client()
        self.world = world
        sign_in(self.client, username)
        self.base = f"/groups/{world.group.id}/loans"

    def get(self, path, **kwargs):
        response = self.client.get(self.base + path, **kwargs)
        return response, response.get_data(as_text=True)

    def post(self, path, data, page=None):
        token = csrf_token(self.client, self.base + (page if page is not None else path))
        response = self.client.post(self.base + path, data={"csrf_token": token, **data})
        return response, response.get_data(as_text=True)


def _product(app, world, **fields):
    desk = Desk(app, world, "committee")
    form = {"name_th": "สามัญ", "name_en": "Ordinary", "method": "flat", "monthly_rate": "1",
            "max_months": "12", "max_savings_multiple": "3", "count_shares": "1",
            "guarantors_needed": "1", "guarantor_limit_multiple": "2", "late_fine": "50",
            "grace_days": "5", "waive_future_interest": "1", "one_loan_at_a_time": "1",
            "rounding": "satang", "active": "1", **fields}
    response, _ = desk.post("/products/new", form)
    assert response.status_code == 302, _
    return LoanProduct.get(LoanProduct.name_th == form["name_th"])


def _savers(world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000},
                business_date="2026-08-01")
    guarantor = world.add_member(GUARANTOR)
    world.apply("savings.deposit", {"member_id": guarantor, "amount_satang": 200_000},
                business_date="2026-08-01")
    return guarantor


def _application(product, member, surety, **fields):
    return {"member": member, "product": product.id, "principal": "3,000", "months": "3",
            "guarantor": surety, "purpose": "ซื้อปุ๋ย", "business_date": "2026-08-18",
            "op_id": str(uuid.uuid4()), "loan_id": str(uuid.uuid4()), **fields}


def _apply(desk, product, member, surety, **fields):
    form = _application(product, member, surety, **fields)
    response, html = desk.post("/apply", form)
    return form["loan_id"], response, html


def _passbook_loans(app, world, client=None) -> str:
    """The loans balance on the member's passbook page."""
    client = client or Desk(app, world, "treasurer").client
    html = client.get(f"/groups/{world.group.id}/members/{world.member_id}/passbook") \
        .get_data(as_text=True)
    found = re.search(r"<dt>เงินกู้</dt><dd>([^<]+)</dd>", html)
    assert found, html[:2000]
    return found.group(1)


def test_apply_approve_disburse_repay_to_closed(app, world):
    guarantor = _savers(world)
    product = _product(app, world)
    treasurer, committee = Desk(app, world, "treasurer"), Desk(app, world, "committee")
    assert _books(world) == (700_000, 0, 0) and audit() == ([], [])

    # the checks show while typing (htmx), before anything is sent
    response, html = treasurer.get("/apply", query_string={
        "member": world.member_id, "product": product.id, "principal": "3000", "months": "3",
        "guarantor": guarantor}, headers={"HX-Request": "true", "HX-Target": "eligibility"})
    assert response.status_code == 200 and "<html" not in html
    assert "฿15,000.00" in html  # may borrow up to 3 × 5,000.00
    assert "฿90.00" in html and "17.91 %" in html  # total interest; the effective rate

    loan_id, response, html = _apply(treasurer, product, world.member_id, guarantor)
    assert response.status_code == 302, html
    loan = Loan.get_by_id(loan_id)
    assert (loan.status, loan.principal, loan.months) == ("applied", 300_000, 3)
    assert _books(world) == (700_000, 0, 0) and audit() == ([], [])

    # the treasurer cannot approve: the button is not there, and the page says why
    _, html = treasurer.get(f"/{loan_id}")
    assert f"/loans/{loan_id}/approve" not in html and 'id="why-no-approve"' in html
    response, html = committee.post(f"/{loan_id}/approve", {}, page=f"/{loan_id}")
    assert response.status_code == 302
    assert Loan.get_by_id(loan_id).status == "approved" and audit() == ([], [])
    again, html = committee.post(f"/{loan_id}/approve", {}, page=f"/{loan_id}")
    assert again.status_code == 400 and "ไม่ได้รออนุมัติ" in html  # approving twice

    response, _ = treasurer.post(f"/{loan_id}/disburse", {"business_date": "2026-08-20"},
                                 page=f"/{loan_id}")
    assert response.status_code == 302
    assert _books(world) == (400_000, 300_000, 0) and audit() == ([], [])
    assert _passbook_loans(app, world) == "฿3,000.00"
    _, html = treasurer.get(f"/{loan_id}")
    assert html.count('class="state-') == 3 and "1,030.00" in html and "20 ก.ย. 2569" in html

    steps = (("2026-09-20", (503_000, 200_000, 3_000), "฿2,000.00"),
             ("2026-10-20", (606_000, 100_000, 6_000), "฿1,000.00"))
    for day, figures, on_passbook in steps:
        response, html = treasurer.post(f"/{loan_id}/repay", {
            "amount": "1,030.00", "business_date": day}, page=f"/{loan_id}")
        assert response.status_code == 302, html
        assert _books(world) == figures and audit() == ([], [])
        assert _passbook_loans(app, world) == on_passbook
    # the last instalment, with the "pay off in full" button: 1,030.00 (no fines due)
    _, html = treasurer.get(f"/{loan_id}")
    assert "฿1,030.00" in html
    response, html = treasurer.post(f"/{loan_id}/repay", {
        "payoff": "1", "business_date": "2026-11-20"}, page=f"/{loan_id}")
    assert response.status_code == 302, html
    assert _books(world) == (709_000, 0, 9_000) and audit() == ([], [])
    assert _passbook_loans(app, world) == "฿0.00"
    loan = Loan.get_by_id(loan_id)
    assert (loan.status, str(loan.closed_on)) == ("closed", "2026-11-20")
    assert (loan.paid_principal, loan.paid_interest) == (300_000, 9_000)

    # a repayment on a closed loan: the reason, and nothing written
    before = _written()
    response, html = treasurer.post(f"/{loan_id}/repay", {
        "amount": "10", "business_date": "2026-11-21"}, page=f"/{loan_id}")
    assert response.status_code == 400 and "ไม่ได้อยู่ระหว่างชำระคืน" in html
    assert _written() == before and _books(world) == (709_000, 0, 9_000)
    result = app.test_cli_runner().invoke(args=["audit"])
    assert result.exit_code == 0, result.output


def test_maker_checker_is_refused_on_the_page_with_the_reason(app, world):
    guarantor = _savers(world)
    product = _product(app, world)
    committee = Desk(app, world, "committee")
    loan_id, response, _ = _apply(committee, product, world.member_id, guarantor)
    assert response.status_code == 302
    _, html = committee.get(f"/{loan_id}")
    assert f"/loans/{loan_id}/approve" not in html
    assert "คุณเป็นผู้บันทึกคำขอนี้" in html  # why the button is not there
    before = _written()
    response, html = committee.post(f"/{loan_id}/approve", {}, page=f"/{loan_id}")
    assert response.status_code == 400 and "อนุมัติคำขอของตนเองไม่ได้" in html
    assert Loan.get_by_id(loan_id).status == "applied" and _written() == before


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"principal": "0"}, "principal", "ไม่เป็นศูนย์"),
    ({"principal": "-500"}, "principal", "ไม่ติดลบ"),
    ({"principal": "20,000"}, "principal", "เกิน 3 เท่า"),
    ({"months": "24"}, "months", "ไม่เกิน 12 เดือน"),
    ({"guarantor": "BORROWER"}, "guarantors", "ค้ำประกันเงินกู้ของตนเองไม่ได้"),
    ({"guarantor": "EXITED"}, "guarantors", "ออกจากกลุ่มแล้ว"),
    ({"guarantor": "POOR"}, "guarantors", "เกินวงเงินค้ำประกัน"),
    ({"guarantor": "OUTSIDER"}, "guarantors", "ไม่พบผู้ค้ำประกัน"),  # of another group
])
def test_a_bad_application_is_answered_beside_the_field_and_writes_nothing(
        app, world, fields, field, words):
    guarantor = _savers(world)
    product = _product(app, world)
    exited = world.add_member("คนย้ายออก")
    assert world.apply("member.exit", {"member_id": exited, "reason": "ย้าย"}).applied
    poor = world.add_member("ออมน้อย")  # saves 500.00: guarantees at most 2 × 500 = 1,000.00
    world.apply("savings.deposit", {"member_id": poor, "amount_satang": 50_000})
    outsider = world.add_member("คนกลุ่มอื่น", group=world.other, by="other-treasurer")
    world.apply("savings.deposit", {"member_id": outsider, "amount_satang": 900_000},
                group=world.other, by="other-treasurer")
    chosen = {"BORROWER": world.member_id, "EXITED": exited, "POOR": poor, "OUTSIDER": outsider}
    fields = {k: chosen.get(v, v) for k, v in fields.items()}
    before = _written()
    _, response, html = _apply(Desk(app, world, "treasurer"), product, world.member_id,
                               guarantor, **fields)
    assert response.status_code == 400
    assert words in _error(html, field), (field, _error(html, field))
    assert _written() == before and Loan.select().count() == 0


def test_disbursing_an_unapproved_loan_is_refused_and_writes_nothing(app, world):
    guarantor = _savers(world)
    product = _product(app, world)
    treasurer = Desk(app, world, "treasurer")
    loan_id, _, _ = _apply(treasurer, product, world.member_id, guarantor)
    before, cash = _written(), _books(world)
    response, html = treasurer.post(f"/{loan_id}/disburse", {"business_date": "2026-08-20"},
                                    page=f"/{loan_id}")
    assert response.status_code == 400 and "ยังไม่ได้รับอนุมัติ" in html
    assert _written() == before and _books(world) == cash
    assert Loan.get_by_id(loan_id).status == "applied"


def test_repaying_a_loan_not_paid_out_says_why_on_the_page(app, world):
    """The repay form is gone from the page of a loan not paid out (a page opened before the
    loan changed, or a second tab): the refusal has no field to sit beside, so it is shown at
    the top, and nothing is written."""
    guarantor = _savers(world)
    product = _product(app, world)
    treasurer = Desk(app, world, "treasurer")
    loan_id, _, _ = _apply(treasurer, product, world.member_id, guarantor)
    before = _written()
    for amount in ("1030", "abc"):
        response, html = treasurer.post(f"/{loan_id}/repay", {
            "amount": amount, "business_date": "2026-08-20"}, page=f"/{loan_id}")
        assert response.status_code == 400
        alerts = re.findall(r'<p class="error" role="alert">([^<]+)</p>', html)
        assert len(alerts) == 1 and alerts[0].strip(), html[:3000]
    assert _written() == before and Loan.get_by_id(loan_id).status == "applied"


def _running_loan(app, world, product=None):
    """สมศรี's 3,000.00 loan of the module docstring, paid out on 20 Aug 2026."""
    guarantor = _savers(world)
    product = product or _product(app, world)
    loan_id, _, _ = _apply(Desk(app, world, "treasurer"), product, world.member_id, guarantor)
    assert world.apply("loan.approve", {"loan_id": loan_id}, by="committee").applied
    assert world.apply("loan.disburse", {"loan_id": loan_id},
                       business_date="2026-08-20").status == "accepted"
    return loan_id


def test_reschedule_then_write_off(app, world):
    """After the first 1,030.00 (20 Sep) 2,000.00 is still owed. Rescheduled on 1 Oct 2026
    over 4 months: 2,000.00 / 4 = 500.00 principal + 2,000.00 × 1 % = 20.00 interest =
    520.00 a month, due 1 Nov, 1 Dec 2026, 1 Jan and 1 Feb 2027. 520.00 paid on 1 Nov leaves
    1,500.00, which the committee writes off on 10 Nov: Dr 5300 loan write-offs 1,500.00,
    Cr the loan 1,500.00."""
    loan_id = _running_loan(app, world)
    treasurer, committee = Desk(app, world, "treasurer"), Desk(app, world, "committee")
    treasurer.post(f"/{loan_id}/repay", {"amount": "1030", "business_date": "2026-09-20"},
                   page=f"/{loan_id}")
    # the committee's only, and with a reason
    response, _ = treasurer.post(f"/{loan_id}/reschedule", {"months": "4", "reason": "x"},
                                 page=f"/{loan_id}")
    assert response.status_code == 403
    before = _written()
    response, html = committee.post(f"/{loan_id}/reschedule", {
        "months": "4", "reason": " ", "business_date": "2026-10-01"}, page=f"/{loan_id}")
    assert response.status_code == 400 and _error(html, "reason") and _written() == before
    response, html = committee.post(f"/{loan_id}/reschedule", {
        "months": "13", "reason": "น้ำท่วม", "business_date": "2026-10-01"}, page=f"/{loan_id}")
    assert response.status_code == 400 and "ไม่เกิน 12 เดือน" in _error(html, "months")
    response, html = committee.post(f"/{loan_id}/reschedule", {
        "months": "4", "reason": "น้ำท่วมนา", "business_date": "2026-10-01"},
        page=f"/{loan_id}")
    assert response.status_code == 302, html
    _, html = committee.get(f"/{loan_id}")
    assert html.count('class="state-') == 4 and html.count(">520.00<") == 4
    assert "1 พ.ย. 2569" in html and "1 ก.พ. 2570" in html and "น้ำท่วมนา" in html
    response, _ = treasurer.post(f"/{loan_id}/repay", {
        "amount": "520", "business_date": "2026-11-01"}, page=f"/{loan_id}")
    assert response.status_code == 302
    loan = Loan.get_by_id(loan_id)
    assert (loan.paid_principal, loan.paid_interest) == (150_000, 5_000)
    assert _books(world)[1] == 150_000 and audit() == ([], [])

    response, html = committee.post(f"/{loan_id}/write-off", {
        "reason": "ย้ายออกนอกพื้นที่", "business_date": "2026-11-10"}, page=f"/{loan_id}")
    assert response.status_code == 302, html
    assert Loan.get_by_id(loan_id).status == "written_off"
    assert _books(world)[1] == 0
    assert ledger.balance_of(world.group.id, books.WRITE_OFFS) == 150_000
    assert audit() == ([], [])
    trial = committee.client.get(f"/groups/{world.group.id}/trial-balance").get_data(
        as_text=True)
    assert "หนี้สูญ" in trial
    before = _written()
    response, html = treasurer.post(f"/{loan_id}/repay", {"amount": "10"}, page=f"/{loan_id}")
    assert response.status_code == 400 and _written() == before


def test_the_late_fine_job_run_twice_charges_once(app, world):
    """Nothing repaid on the loan paid out 20 Aug 2026: instalments due 20 Sep, 20 Oct and
    20 Nov count as late from 26 Sep, 26 Oct and 26 Nov (5 days' grace). Run as of 1 Oct 2026:
    one fine of 50.00; run from the page (today, after 26 Nov 2026) twice: the two others
    once, 150.00 in all."""
    from core.store.loans import charge_late_fines
    from core.store.operations import Actor

    loan_id = _running_loan(app, world)
    fines = books.account_key(books.FINES_DUE, world.member_id)
    from datetime import date

    actor = Actor(world.users["treasurer"], "web")
    assert charge_late_fines(actor, world.group, date(2026, 10, 1)) == 1
    assert charge_late_fines(actor, world.group, date(2026, 10, 1)) == 0
    assert ledger.balance_of(world.group.id, fines) == 5_000
    treasurer = Desk(app, world, "treasurer")
    response, _ = treasurer.post("/late-fines", {}, page="")
    assert response.status_code == 302
    assert ledger.balance_of(world.group.id, fines) == 15_000
    response, _ = treasurer.post("/late-fines", {}, page="")
    assert ledger.balance_of(world.group.id, fines) == 15_000
    assert ledger.balance_of(world.group.id, books.FINE_INCOME) == -15_000
    _, html = treasurer.get(f"/{loan_id}")
    assert html.count("<strong>ค่าปรับชำระล่าช้า</strong>") == 3  # each fine once in the history
    assert "งวดที่ 1" in html and "งวดที่ 3" in html
    assert audit() == ([], [])


def test_par30_and_par90_for_a_small_portfolio(app, world):
    """As of 1 Jun 2026, nothing repaid:

    * A: 3,000.00 over 3 months, paid out 10 Jan 2026, first due 10 Feb: 18 + 31 + 30 + 31 + 1
      = 111 days overdue (90+);
    * B: 2,000.00 over 4 months, paid out 15 Mar, first due 15 Apr: 15 + 31 + 1 = 47 days
      (31-90);
    * C: 5,000.00 over 10 months, paid out 1 May, first due 1 Jun: due that day, not late.

    Outstanding 10,000.00; PAR30 = (3,000 + 2,000) / 10,000 = 50.00 %; PAR90 = 3,000 / 10,000
    = 30.00 %.
    """
    product = groups.create_product(world.group.id, "สามัญ", method="flat", monthly_rate_bp=100,
                                    max_months=12)
    for name, principal, months, paid_out in (("เอ", 300_000, 3, "2026-01-10"),
                                              ("บี", 200_000, 4, "2026-03-15"),
                                              ("ซี", 500_000, 10, "2026-05-01")):
        member = world.add_member(name)
        world.apply("savings.deposit", {"member_id": member, "amount_satang": principal},
                    business_date="2026-01-02")
        loan_id = str(uuid.uuid4())
        assert world.apply("loan.apply", {
            "loan_id": loan_id, "member_id": member, "product_id": product.id,
            "principal_satang": principal, "months": months},
            business_date="2026-01-05").status == "accepted"
        world.apply("loan.approve", {"loan_id": loan_id}, by="committee")
        assert world.apply("loan.disburse", {"loan_id": loan_id},
                           business_date=paid_out).status == "accepted"
    _, html = Desk(app, world, "treasurer").get("", query_string={"as_of": "2026-06-01"})
    assert '<dd id="par30">50.00 %</dd>' in html and '<dd id="par90">30.00 %</dd>' in html
    assert "111 วัน" in html and "47 วัน" in html
    assert "฿10,000.00" in html
