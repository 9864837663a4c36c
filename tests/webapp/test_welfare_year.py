"""A year of a ten-member welfare fund through HTTP, with every figure worked out by hand.

The fund starts on 1 Jan 2025 (30 baht a month). Eight members join that day, two on 1 Mar.
Contributions at the monthly meeting on the 15th, one tap each: members 1–7 all year
(12 × 30 = 360 each), member 8 January to June only (180; by 1 Oct nine months have ended and
six are paid: three missed, lapsed), member 9 from March (10 × 30 = 300); member 10 pays the
year's 300 at once on 1 Mar at the entry form. Contributions: 7 × 360 + 180 + 300 + 300 = 3,300.

Funding: local government 2,000 (20 Apr); CODI matching round 1 2,500 (10 Jun) and round 2
1,000 (10 Nov); a donation 500 (1 Aug). Income by source: members 3,300, local government
2,000, CODI 3,500, other 500; 9,300 in all.

Claims: member 4's baby (20 Aug; 231 days a member): birth 1,000, paid 25 Aug. Member 1 in
hospital 4 nights from 3 Sep: 800, capped at 600 a stay, paid 10 Sep. Member 8's house
flooded on 5 Oct: refused, membership lapsed. Benefits: 2 cases, 1,600.

The fund (and the cash box) ends the year at 3,300 + 6,000 − 1,600 = 7,700.
Members on 31 Dec 2025 by age: children 2 (members 6, 9), working age 4 (2, 4, 5, 7), elderly
3 (1, 3, 10), not recorded 1 (8); vulnerable: disabled 1, orphan 1, disadvantaged 1.
"""

import csv
import io
import re
import uuid
from decimal import Decimal

import openpyxl

from core.store import groups, users
from core.store.ledger import audit
from core.store.models import WelfareClaim
from tests.conftest import World, csrf_token, sign_in

MEMBERS = [  # name, joined, born, gender, vulnerable
    ("สมชาย ใจดี", "2025-01-01", "1960-03-10", "male", []),
    ("สมหญิง มีสุข", "2025-01-01", "1990-05-05", "female", []),
    ("บุญมี ศรีสุข", "2025-01-01", "1955-01-20", "male", []),
    ("มาลี บุญมา", "2025-01-01", "1995-08-08", "female", []),
    ("ประยูร ทองคำ", "2025-01-01", "1980-02-02", "male", ["disabled"]),
    ("สมพร แสงทอง", "2025-01-01", "2010-06-06", "female", ["orphan"]),
    ("วิไล คำมา", "2025-01-01", "1970-12-31", "female", []),
    ("ทองดี ดวงดี", "2025-01-01", "", "male", []),
    ("จันทร์เพ็ญ พรมมา", "2025-03-01", "2012-01-01", "female", []),
    ("สุดใจ สุขใจ", "2025-03-01", "1965-12-31", "female", ["disadvantaged"]),
]
EXPECTED_EN = [  # item, people or cases, amount in baht
    ("Members at the end of the year", 10, None),
    ("Children (under 18)", 2, None), ("Working age (18–59)", 4, None),
    ("Elderly (60 and over)", 3, None), ("Age not recorded", 1, None),
    ("of whom: People with disabilities", 1, None), ("of whom: Orphans", 1, None),
    ("of whom: Disadvantaged", 1, None),
    ("Joined during the year", 10, None), ("Left during the year", 0, None),
    ("Member contributions", None, "3300.00"),
    ("Income: Members", None, "3300.00"), ("Income: Local government", None, "2000.00"),
    ("Income: Government through the support institute (CODI)", None, "3500.00"),
    ("Income: Other sources", None, "500.00"), ("Income in all", None, "9300.00"),
    ("Matching: Government through the support institute (CODI), round 1", None, "2500.00"),
    ("Matching: Government through the support institute (CODI), round 2", None, "1000.00"),
    ("Birth", 1, "1000.00"), ("Hospital stay", 1, "600.00"), ("Death", 0, "0.00"),
    ("Elderly", 0, "0.00"), ("Disability", 0, "0.00"), ("Education", 0, "0.00"),
    ("Disaster", 0, "0.00"), ("Other", 0, "0.00"), ("All benefits", 2, "1600.00"),
    ("Balance at the start of the year", None, "0.00"),
    ("Balance at the end of the year", None, "7700.00"),
]


class Person:
    """A signed-in browser: its client, its CSRF token, and the group's paths."""

    def __init__(self, app, username, group):
        self.client = app.test_client()
        sign_in(self.client, username)
        self.base = f"/groups/{group.id}"
        self.token = csrf_token(self.client, self.base)

    def post(self, path, expect=302, headers=None, **data):
        response = self.client.post(self.base + path, headers=headers or {},
                                    data={"csrf_token": self.token, **data})
        assert response.status_code == expect, response.get_data(as_text=True)[:3000]
        return response

    def get(self, path):
        response = self.client.get(self.base + path)
        assert response.status_code == 200, path
        return response


def _fund(db):
    group = groups.create_group("กองทุนสวัสดิการชุมชนตำบลหนองบัว", kind="welfare")
    for name, role in (("wf-treasurer", "treasurer"), ("wf-committee", "committee")):
        users.create_user(name, World.PASSWORD, role, group_ids=[group.id])
    return group


def _register(treasurer) -> list[str]:
    ids = []
    for name, joined, born, gender, vulnerable in MEMBERS:
        member_id = str(uuid.uuid4())
        treasurer.post("/members/new", name=name, joined_on=joined, birth_date=born,
                       gender=gender, vulnerable=vulnerable, member_id=member_id,
                       op_id=str(uuid.uuid4()))
        ids.append(member_id)
    return ids


def _meeting(treasurer, day: str, member_ids: list[str], cash: int) -> int:
    """Open the month's meeting, tap each member's 30 baht, count the cash and close."""
    meeting_id = str(uuid.uuid4())
    treasurer.post("/meetings", meeting_id=meeting_id, date=day)
    for member_id in member_ids:
        treasurer.post(f"/meetings/{meeting_id}/members/{member_id}", type="welfare.contribute")
    cash += 3_000 * len(member_ids)
    treasurer.post(f"/meetings/{meeting_id}/close", counted_cash=f"{cash // 100}")
    return cash


def _claim(treasurer, member_id, benefit, event, expect=302, **extra) -> str:
    claim_id = str(uuid.uuid4())
    treasurer.post("/welfare/claims/new", expect=expect, member_id=member_id,
                   benefit_type=benefit, event_date=event, claim_id=claim_id,
                   op_id=str(uuid.uuid4()), action="record", **extra)
    return claim_id


def _decide_and_pay(committee, treasurer, claim_id, amount: str, paid_on: str) -> None:
    page = committee.get(f"/welfare/claims/{claim_id}").get_data(as_text=True)
    assert f'name="amount" value="{amount}"' in page  # the rule's amount, prefilled
    committee.post(f"/welfare/claims/{claim_id}/approve", amount=amount,
                   op_id=str(uuid.uuid4()))
    paid = treasurer.post(f"/welfare/claims/{claim_id}/pay", business_date=paid_on,
                          op_id=str(uuid.uuid4()))
    assert "/receipts/" in paid.location
    voucher = treasurer.client.get(paid.location).get_data(as_text=True)
    assert f"฿{Decimal(amount):,.2f}" in voucher


def test_a_year_of_a_ten_member_welfare_fund(app, db):
    group = _fund(db)
    treasurer = Person(app, "wf-treasurer", group)
    committee = Person(app, "wf-committee", group)
    m = _register(treasurer)
    founders, latecomer, own_payer = m[:8], m[8], m[9]

    cash, claims = 0, {}

    def meeting(month):
        def run():
            nonlocal cash
            paying = founders[:7] + ([founders[7]] if month <= 6 else [])
            paying += [latecomer] if month >= 3 else []
            cash = _meeting(treasurer, f"2025-{month:02d}-15", paying, cash)
        return run

    def own_payment():  # member 10 pays the year at the entry form, on their own
        nonlocal cash
        treasurer.post(f"/entries/new?type=welfare.contribute&member={own_payer}",
                       amount="300", business_date="2025-03-01", op_id=str(uuid.uuid4()))
        cash += 30_000

    def income(when, source, amount, round_no=""):
        def run():
            nonlocal cash
            treasurer.post("/welfare/funding", source=source, amount=str(amount),
                           matching_round=round_no, business_date=when, note="ทุนสมทบ",
                           op_id=str(uuid.uuid4()))
            cash += amount * 100
        return run

    def birth():
        check = treasurer.post("/welfare/claims/new", expect=200,
                               headers={"HX-Request": "true", "HX-Target": "assessment"},
                               member_id=m[3], benefit_type="birth", event_date="2025-05-01",
                               action="check")
        fragment = check.get_data(as_text=True)
        assert "<html" not in fragment and "120 จาก 180 วัน" in fragment
        claims["birth"] = _claim(treasurer, m[3], "birth", "2025-08-20", note="สูติบัตร")

    def pay_birth():
        nonlocal cash
        _decide_and_pay(committee, treasurer, claims["birth"], "1000.00", "2025-08-25")
        cash -= 100_000

    def hospital():
        nonlocal cash
        claim_id = _claim(treasurer, m[0], "hospital", "2025-09-03", nights="4")
        _decide_and_pay(committee, treasurer, claim_id, "600.00", "2025-09-10")
        cash -= 60_000

    def flood():
        refused = treasurer.post("/welfare/claims/new", expect=400, member_id=m[7],
                                 benefit_type="disaster", event_date="2025-10-05",
                                 claim_id=str(uuid.uuid4()), op_id=str(uuid.uuid4()),
                                 action="record", note="น้ำท่วมบ้าน")
        assert ("สมาชิกภาพขาด: ค้างส่งเงินสมทบ 3 งวด ณ วันที่เกิดเหตุ"
                in refused.get_data(as_text=True))

    events = [(f"2025-{month:02d}-15", meeting(month)) for month in range(1, 13)] + [
        ("2025-03-01", own_payment), ("2025-04-20", income("2025-04-20", "local_government",
                                                           2_000)),
        ("2025-06-10", income("2025-06-10", "codi", 2_500, "1")),
        ("2025-08-01", income("2025-08-01", "other", 500)), ("2025-08-22", birth),
        ("2025-08-25", pay_birth), ("2025-09-10", hospital), ("2025-10-20", flood),
        ("2025-11-10", income("2025-11-10", "codi", 1_000, "2"))]
    for _day, run in sorted(events, key=lambda event: event[0]):
        run()
    assert cash == 770_000
    assert WelfareClaim.select().count() == 2
    assert sorted(c.status for c in WelfareClaim.select()) == ["paid", "paid"]

    # the yearly figures, in English, then the same numbers in both exports
    committee.client.post("/language", data={"csrf_token": committee.token, "lang": "en"})
    page = committee.get("/welfare/report?year=2025").get_data(as_text=True)
    for item, count, baht in EXPECTED_EN:
        cells = re.search(rf"<th scope=\"row\">{re.escape(item)}</th>\s*"
                          r"<td class=\"num\">([^<]*)</td>\s*<td class=\"num\">([^<]*)</td>",
                          page.replace("&amp;", "&"))
        assert cells, item
        assert cells.group(1) == ("" if count is None else str(count)), item
        expected = "" if baht is None else f"฿{Decimal(baht):,.2f}"
        assert cells.group(2) == expected, item

    exported = committee.get("/welfare/report.csv?year=2025")
    assert exported.mimetype == "text/csv"
    assert "welfare-2568.csv" in exported.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Item", "People or cases", "Amount (baht)"]
    assert [(r[1], int(r[2]) if r[2] else None, r[3] or None) for r in rows[1:]] == EXPECTED_EN

    workbook = openpyxl.load_workbook(io.BytesIO(
        committee.get("/welfare/report.xlsx?year=2025").data))
    sheet = workbook.active
    cells = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [(r[1], r[2], None if r[3] is None else f"{Decimal(str(r[3])):.2f}")
            for r in cells] == EXPECTED_EN
    assert sheet["A1"].value == group.name

    # Thai first: the same export in Thai has Thai headers and the same numbers
    committee.client.post("/language", data={"csrf_token": committee.token, "lang": "th"})
    thai = list(csv.reader(io.StringIO(committee.get("/welfare/report.csv?year=2025")
                                       .data.decode("utf-8-sig"))))
    assert thai[0][1] == "รายการ"
    assert [r[2:] for r in thai[1:]] == [r[2:] for r in rows[1:]]

    # who is behind today (2026 unpaid by everyone): member 8 most of all, lapsed
    status = committee.get("/welfare/contributions").get_data(as_text=True)
    assert status.index("ทองดี ดวงดี") < status.index("สมชาย ใจดี")
    assert "ขาดสมาชิกภาพ" in status or "lapsed" in status

    result = app.test_cli_runner().invoke(args=["audit"])
    assert result.exit_code == 0, result.output
    assert audit() == ([], [])
