"""Members through the test client: register, search, edit, exit with payout, own sign-in."""

import html
import re
import uuid

from core import books
from core.store import groups, ledger
from core.store.models import JournalTxn, Member, User
from core.store.users import LIMIT_PER_USERNAME
from tests.conftest import csrf_token, sign_in

VALID_ID = "1112034563562"
BAD_ID = "1112034563563"  # the check digit is wrong


def _hidden(page_html: str) -> dict:
    """The hidden fields a form carries, as a browser would send them back."""
    return {name: html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page_html)}


def _form(client, path: str, **fields) -> dict:
    """What a person sends from the form at `path`: its hidden fields and what they typed."""
    data = _hidden(client.get(path).get_data(as_text=True))
    data.update(fields)
    return data


def _members_url(world, tail=""):
    return f"/groups/{world.group.id}/members{tail}"


def _register(client, world, **fields):
    data = _form(client, _members_url(world, "/new"), **{"joined_on": "2026-01-10", **fields})
    return client.post(_members_url(world, "/new"), data=data), data


def _treasurer(client):
    sign_in(client, "treasurer")
    return client


def _count(world) -> int:
    return Member.select().where(Member.group == world.group.id).count()


def test_register_with_all_fields(client, world):
    _treasurer(client)
    response, data = _register(
        client, world, name="  บุญมี   มีสุข ", joined_on="15/01/2569",
        national_id="1-1120-34563-56-2", birth_date="02/03/2510", gender="female",
        phone="081-234-5678", house_no="12/3", moo="4", soi="", road="มิตรภาพ",
        tambon="ในเมือง", amphoe="เมืองขอนแก่น", changwat="ขอนแก่น", postcode="40000",
        beneficiary_1_name="สมชาย มีสุข", beneficiary_1_relation="บุตร",
        beneficiary_2_name="สมหญิง มีสุข", beneficiary_2_relation="หลาน")
    assert response.status_code == 302
    member = Member.get_by_id(data["member_id"])
    assert response.location.endswith(f"/members/{member.id}")
    assert member.name == "บุญมี มีสุข"
    assert member.joined_on.isoformat() == "2026-01-15"  # typed in the Buddhist Era
    assert member.birth_date.isoformat() == "1967-03-02"
    assert member.national_id == VALID_ID and member.phone == "0812345678"
    assert member.gender == "female"
    assert member.address == {"house_no": "12/3", "moo": "4", "road": "มิตรภาพ",
                              "tambon": "ในเมือง", "amphoe": "เมืองขอนแก่น",
                              "changwat": "ขอนแก่น", "postcode": "40000"}
    assert member.beneficiaries == [{"name": "สมชาย มีสุข", "relation": "บุตร"},
                                    {"name": "สมหญิง มีสุข", "relation": "หลาน"}]
    page = client.get(response.location).get_data(as_text=True)
    assert "X-XXXX-XXXX3-56-2" in page  # the last four digits only
    assert VALID_ID not in page
    assert "081 234 5678" in page
    assert "15 ม.ค. 2569" in page  # joined, in the Buddhist Era
    assert "หมู่ 4" in page and "40000" in page and "สมหญิง มีสุข" in page


def test_member_numbers_run_per_group(client, world):
    _treasurer(client)
    numbers = []
    for name in ("หนึ่ง", "สอง", "สาม"):
        response, data = _register(client, world, name=name)
        assert response.status_code == 302
        numbers.append(Member.get_by_id(data["member_id"]).member_no)
    assert numbers == [2, 3, 4]  # the world's own member is no. 1
    outsider = world.add_member("คนกลุ่มสอง", group=world.other, by="other-treasurer")
    assert Member.get_by_id(outsider).member_no == 1


def test_bad_national_id_is_shown_beside_the_field_and_nothing_is_written(client, world):
    _treasurer(client)
    before = _count(world)
    response, _ = _register(client, world, name="มานี มีนา", national_id=BAD_ID,
                            phone="0812345678")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    beside = re.search(r'<small class="error" id="national_id-error">([^<]+)</small>', page)
    assert beside and beside.group(1) == "เลขประจำตัวประชาชนไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง"
    assert 'value="มานี มีนา"' in page and f'value="{BAD_ID}"' in page  # what was typed stays
    assert _count(world) == before


def test_bad_phone_postcode_and_date_are_each_refused_beside_their_field(client, world):
    _treasurer(client)
    before = _count(world)
    for fields, name in (({"phone": "12345"}, "phone"), ({"postcode": "4000"}, "postcode"),
                         ({"birth_date": "31/02/2510"}, "birth_date"),
                         ({"joined_on": ""}, "joined_on"), ({"name": "  "}, "name")):
        response, _ = _register(client, world, **{"name": "ทดลอง", **fields})
        assert response.status_code == 400, name
        assert f'id="{name}-error"' in response.get_data(as_text=True), name
    assert _count(world) == before


def test_double_submit_of_the_same_form_creates_one_member(client, world):
    _treasurer(client)
    before = _count(world)
    data = _form(client, _members_url(world, "/new"), name="ซ้ำ สองที", joined_on="2026-01-10")
    first = client.post(_members_url(world, "/new"), data=data)
    second = client.post(_members_url(world, "/new"), data=data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert _count(world) == before + 1


def test_phone_numbers_are_normalised(client, world):
    _treasurer(client)
    _, data = _register(client, world, name="โทร ได้", phone="+66 89 876 5432")
    assert Member.get_by_id(data["member_id"]).phone == "0898765432"


def test_search_by_name_fragment_and_by_number_and_as_an_htmx_fragment(client, world):
    _treasurer(client)
    for name in ("มะลิ ใจงาม", "กุหลาบ แดงดี", "ลิลลี่ ใจดี"):
        _register(client, world, name=name)
    by_name = client.get(_members_url(world, "?q=ใจ")).get_data(as_text=True)
    assert "มะลิ ใจงาม" in by_name and "ลิลลี่ ใจดี" in by_name and "สมศรี ใจดี" in by_name
    assert "กุหลาบ แดงดี" not in by_name
    by_number = client.get(_members_url(world, "?q=3")).get_data(as_text=True)
    assert "กุหลาบ แดงดี" in by_number and "มะลิ ใจงาม" not in by_number
    fragment = client.get(_members_url(world, "?q=กุหลาบ"),
                          headers={"HX-Request": "true", "HX-Target": "results"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert "<html" not in text and 'id="results"' in text and "กุหลาบ แดงดี" in text
    assert "มะลิ" not in text
    full = client.get(_members_url(world)).get_data(as_text=True)
    assert "<html" in full and 'hx-get="' in full and 'hx-target="#results"' in full


def test_edit_sends_only_the_changed_fields(client, world):
    _treasurer(client)
    path = _members_url(world, f"/{world.member_id}/edit")
    data = _form(client, path)
    page = client.get(path).get_data(as_text=True)
    assert 'value="สมศรี ใจดี"' in page
    data.update(name="สมศรี ใจดีมาก", joined_on="2025-01-15", phone="0812223333")
    response = client.post(path, data=data)
    assert response.status_code == 302
    member = Member.get_by_id(world.member_id)
    assert member.name == "สมศรี ใจดีมาก" and member.phone == "0812223333"
    assert member.version == 2
    change = member.changes.get()
    assert set(change.fields) == {"name", "phone"}


def test_stale_edit_of_the_same_field_is_refused_with_the_conflict_message(client, world):
    _treasurer(client)
    path = _members_url(world, f"/{world.member_id}/edit")
    data = _form(client, path, joined_on="2025-01-15")
    assert data["base_version"] == "1"
    other = world.apply("member.update", {"member_id": world.member_id,
                                          "fields": {"name": "สมศรี ทางอื่น"}}, base_version=1)
    assert other.status == "accepted"
    data["name"] = "สมศรี จากฟอร์ม"
    response = client.post(path, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "มีการแก้ไขข้อมูลเดียวกันจากอีกเครื่อง" in page
    assert 'value="สมศรี จากฟอร์ม"' in page
    assert Member.get_by_id(world.member_id).name == "สมศรี ทางอื่น"
    # saving again, having seen the message, keeps what this person typed
    again = client.post(path, data=_hidden(page) | {"name": "สมศรี จากฟอร์ม",
                                                     "joined_on": "2025-01-15"})
    assert again.status_code == 302
    assert Member.get_by_id(world.member_id).name == "สมศรี จากฟอร์ม"


def test_stale_edit_of_other_fields_is_a_parallel_update(client, world):
    _treasurer(client)
    path = _members_url(world, f"/{world.member_id}/edit")
    data = _form(client, path, joined_on="2025-01-15", name="สมศรี ใจดี")
    world.apply("member.update", {"member_id": world.member_id,
                                  "fields": {"phone": "0899999999"}}, base_version=1)
    data["moo"] = "7"
    assert client.post(path, data=data).status_code == 302
    member = Member.get_by_id(world.member_id)
    assert member.phone == "0899999999" and member.address == {"moo": "7"}


def _cash(world) -> int:
    return ledger.balance_of(world.group.id, books.CASH)


def test_exit_pays_out_savings_and_shares(client, world):
    assert world.apply("savings.deposit", {"member_id": world.member_id,
                                           "amount_satang": 150_000}).status == "accepted"
    assert world.apply("shares.buy", {"member_id": world.member_id,
                                      "shares": 2}).status == "accepted"
    _treasurer(client)
    cash_before = _cash(world)
    path = _members_url(world, f"/{world.member_id}/exit")
    page = client.get(path).get_data(as_text=True)
    assert "1,500.00" in page and "100.00" in page and "1,600.00" in page
    response = client.post(path, data=_form(client, path, reason="ย้ายไปอยู่ต่างจังหวัด"))
    assert response.status_code == 302
    assert _cash(world) == cash_before - 160_000
    member = Member.get_by_id(world.member_id)
    assert member.status == "exited" and member.exited_on is not None
    for code in (books.SAVINGS, books.SHARES):
        assert ledger.balance_of(world.group.id, books.account_key(code, world.member_id)) == 0
    assert JournalTxn.select().where((JournalTxn.member == world.member_id)
                                     & (JournalTxn.kind == "member.exit")).count() == 2
    listed = client.get(_members_url(world)).get_data(as_text=True)
    assert "สมศรี ใจดี" in listed and 'class="exited"' in listed
    only_left = client.get(_members_url(world, "?status=exited")).get_data(as_text=True)
    assert "สมศรี ใจดี" in only_left
    assert "สมศรี ใจดี" not in client.get(_members_url(world, "?status=active")).get_data(
        as_text=True)
    mismatches, unbalanced = ledger.audit()
    assert not mismatches and not unbalanced


def test_exit_with_nothing_to_pay_posts_nothing(client, world):
    _treasurer(client)
    path = _members_url(world, f"/{world.member_id}/exit")
    assert client.post(path, data=_form(client, path, reason="ลาออก")).status_code == 302
    assert JournalTxn.select().where(JournalTxn.member == world.member_id).count() == 0
    assert Member.get_by_id(world.member_id).status == "exited"


def test_exit_is_refused_while_fines_are_due(client, world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 10_000})
    assert world.apply("fine.charge", {"member_id": world.member_id,
                                       "amount_satang": 2_000}).status == "accepted"
    _treasurer(client)
    cash_before = _cash(world)
    path = _members_url(world, f"/{world.member_id}/exit")
    response = client.post(path, data=_form(client, path, reason="ลาออก"))
    assert response.status_code == 400
    assert "ค่าปรับค้างชำระ" in response.get_data(as_text=True)
    assert Member.get_by_id(world.member_id).status == "active"
    assert _cash(world) == cash_before


def test_exit_is_refused_while_a_loan_is_owed(client, world):
    world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 500_000})
    product = groups.create_product(world.group.id, "สามัญ", method="flat",
                                    monthly_rate_bp=100, max_months=12)
    loan_id = str(uuid.uuid4())
    for op_type, payload, by in (
            ("loan.apply", {"loan_id": loan_id, "member_id": world.member_id,
                            "product_id": product.id, "principal_satang": 300_000,
                            "months": 3}, "treasurer"),
            ("loan.approve", {"loan_id": loan_id}, "committee"),
            ("loan.disburse", {"loan_id": loan_id}, "treasurer")):
        assert world.apply(op_type, payload, by=by).status == "accepted", op_type
    _treasurer(client)
    path = _members_url(world, f"/{world.member_id}/exit")
    assert "3,000.00" in client.get(path).get_data(as_text=True)
    response = client.post(path, data=_form(client, path, reason="ลาออก"))
    assert response.status_code == 400
    assert "เงินกู้ค้างชำระ" in response.get_data(as_text=True)
    assert Member.get_by_id(world.member_id).status == "active"


def test_exit_needs_a_reason(client, world):
    _treasurer(client)
    path = _members_url(world, f"/{world.member_id}/exit")
    response = client.post(path, data=_form(client, path, reason="  "))
    assert response.status_code == 400 and 'id="reason-error"' in response.get_data(as_text=True)
    assert Member.get_by_id(world.member_id).status == "active"


def _give_sign_in(client, world, member_id) -> str:
    path = _members_url(world, f"/{member_id}/sign-in")
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 200
    return re.search(r'<dd class="pin" id="pin">(\d{6})</dd>', response.get_data(as_text=True)
                     ).group(1)


def test_member_gets_own_sign_in_with_the_phone_and_a_pin_to_change(app, world):
    treasurer = _treasurer(app.test_client())
    _, data = _register(treasurer, world, name="ดวงใจ รักออม", phone="0812345678")
    member_id = data["member_id"]
    pin = _give_sign_in(treasurer, world, member_id)
    account = User.get(User.member == member_id)
    assert account.username == "0812345678" and account.must_change_password

    phone = app.test_client()
    sign_in(phone, "081-234-5678", pin)
    assert phone.get("/").location.endswith("/account/password")
    assert phone.get("/me").location.endswith("/account/password")
    token = csrf_token(phone, "/account/password")
    short = phone.post("/account/password", data={
        "current_password": pin, "new_password": "2468", "confirm_password": "2468",
        "csrf_token": token})
    assert short.status_code == 400 and "6 หลัก" in short.get_data(as_text=True)
    done = phone.post("/account/password", data={
        "current_password": pin, "new_password": "246813", "confirm_password": "246813",
        "csrf_token": token}, follow_redirects=True)
    assert done.status_code == 200 and done.request.path == "/me"
    assert "ดวงใจ รักออม" in done.get_data(as_text=True)

    again = app.test_client()
    sign_in(again, "+66 81 234 5678", "246813")
    assert again.get("/me").status_code == 200


def test_reset_pin_ends_old_sessions_and_asks_for_a_new_pin(app, world):
    treasurer = _treasurer(app.test_client())
    world.apply("member.update", {"member_id": world.member_id,
                                  "fields": {"phone": "0861112222"}})
    first = _give_sign_in(treasurer, world, world.member_id)  # the world's member has one
    assert User.get(User.member == world.member_id).username == "0861112222"
    phone = app.test_client()
    sign_in(phone, "086 111 2222", first)
    second = _give_sign_in(treasurer, world, world.member_id)
    assert phone.get("/me").status_code == 302  # the old session has ended
    fresh = app.test_client()
    sign_in(fresh, "0861112222", second)
    assert fresh.get("/").location.endswith("/account/password")


def test_giving_a_sign_in_needs_a_phone(client, world):
    _treasurer(client)
    _, data = _register(client, world, name="ไม่มี โทรศัพท์")
    path = _members_url(world, f"/{data['member_id']}/sign-in")
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 400
    assert "หมายเลขโทรศัพท์" in response.get_data(as_text=True)
    assert not User.select().where(User.member == data["member_id"]).exists()


def test_wrong_pin_five_times_is_rate_limited(app, world):
    treasurer = _treasurer(app.test_client())
    _, data = _register(treasurer, world, name="ลอง ผิด", phone="0891234567")
    pin = _give_sign_in(treasurer, world, data["member_id"])
    phone = app.test_client()
    token = csrf_token(phone)
    for typed in ("089-123-4567", "+66891234567", "0891234567", "089 123 4567",
                  "66 89 123 4567")[:LIMIT_PER_USERNAME]:
        wrong = phone.post("/login", data={"username": typed, "password": "000000",
                                           "csrf_token": token})
        assert wrong.status_code == 401
    blocked = phone.post("/login", data={"username": "0891234567", "password": pin,
                                         "csrf_token": token})
    assert blocked.status_code == 429


def test_member_pages_are_for_the_group_only(client, world):
    sign_in(client, "other-treasurer")
    assert client.get(_members_url(world, f"/{world.member_id}")).status_code == 403
    other_members = f"/groups/{world.other.id}/members/{world.member_id}"
    assert client.get(other_members).status_code == 404
