"""The year-end page over HTTP: field staff prepare, the committee confirms and sets the
policy. Figures are those of tests/yearend/test_close.py (the same year, scenario.py)."""

import re

import pytest

from core.policy import DEFAULTS
from core.store import yearend as store
from core.store.models import FiscalPeriod, Group
from tests.conftest import csrf_token, sign_in
from tests.yearend.scenario import savings_year

YEAR = 2568


@pytest.fixture
def year(world):
    return savings_year(world)


def _as(client, who):
    sign_in(client, who)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/groups")})


def _url(world, suffix=""):
    return f"/groups/{world.group.id}/year-end{suffix}"


def test_staff_prepare_the_preview_but_cannot_confirm(client, world, year):
    _as(client, "staff")
    html = client.get(_url(world, f"?year={YEAR}")).get_data(as_text=True)
    assert "Net profit" in html and "฿1,060.00" in html
    assert "฿182.90" in html and "฿202.97" in html  # m2's dividend and refund
    assert "In default: no refund" in html  # m3
    assert "Prepared: this preview is ready for the committee" in html
    assert "books_hash" not in html and "Save the policy" not in html
    token = csrf_token(client, _url(world))
    refused = client.post(_url(world, "/close"), data={"csrf_token": token, "year": YEAR})
    assert refused.status_code == 403
    assert not FiscalPeriod.select().exists()


def test_the_committee_confirms_the_close(client, world, year):
    _as(client, "committee")
    html = client.get(_url(world, f"?year={YEAR}")).get_data(as_text=True)
    books_hash = re.search(r'name="books_hash" value="([0-9a-f]+)"', html).group(1)
    op_id = re.search(r'name="op_id" value="([^"]+)"', html).group(1)
    form = {"csrf_token": csrf_token(client, _url(world)), "year": YEAR,
            "books_hash": books_hash, "op_id": op_id}
    done = client.post(_url(world, "/close"), data=form)
    assert done.status_code == 302
    page = client.get(done.location).get_data(as_text=True)
    assert f"The year {YEAR} is closed." in page and "Closed on" in page
    assert "Confirm and close" not in page
    form["op_id"] = "2b1f3c9a-0000-4000-8000-000000000001"
    again = client.post(_url(world, "/close"), data=form)
    assert again.status_code == 400
    assert f"The year {YEAR} is already closed" in again.get_data(as_text=True)


def test_the_refusal_reasons_are_shown_before_anyone_tries(client, world, year):
    world.apply("savings.withdraw", {"member_id": year["m5"], "amount_satang": 100})
    _as(client, "committee")
    html = client.get(_url(world, f"?year={YEAR}")).get_data(as_text=True)
    assert "1 entries are waiting for review" in html
    assert re.search(r"<button[^>]*disabled[^>]*>\s*Confirm and close", html)


def test_choosing_a_year_swaps_only_the_fragment(client, world, year):
    _as(client, "staff")
    response = client.get(_url(world, f"?year={YEAR}"),
                          headers={"HX-Request": "true", "HX-Target": "year-end-body"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="year-end-body">') and "<html" not in html
    assert "฿1,060.00" in html


def test_a_policy_that_does_not_add_up_is_refused_when_saved(client, world):
    _as(client, "committee")
    token = csrf_token(client, _url(world))
    form = {"csrf_token": token, "dividend_pct": "45", "refund_pct": "20", "reserve_pct": "10",
            "welfare_pct": "10", "committee_pct": "10", "public_benefit_pct": "10",
            "exclude_defaulters": "1"}
    refused = client.post(_url(world, "/policy"), data=form)
    assert refused.status_code == 400
    assert "must add up to 100 % (it adds up to 105 %)" in refused.get_data(as_text=True)
    assert store.year_end_policy(Group.get_by_id(world.group.id)) == DEFAULTS["year_end"]

    low_reserve = client.post(_url(world, "/policy"), data={**form, "dividend_pct": "45",
                                                            "reserve_pct": "5"})
    assert "The reserve must be at least 10 %" in low_reserve.get_data(as_text=True)

    saved = client.post(_url(world, "/policy"), data={**form, "dividend_pct": "40",
                                                      "dividend_cap_pct": "10"})
    assert saved.status_code == 302
    policy = store.year_end_policy(Group.get_by_id(world.group.id))
    assert (policy["dividend_pct"], policy["dividend_cap_pct"]) == (40, 10)
    assert policy["exclude_defaulters"] is True


def test_the_group_page_links_to_the_year_end_for_those_who_may_see_it(app, world):
    for who, shown in (("committee", True), ("staff", True), ("treasurer", False)):
        client = app.test_client()
        _as(client, who)
        html = client.get(f"/groups/{world.group.id}").get_data(as_text=True)
        assert (_url(world) in html) is shown, who


def test_the_passbooks_show_the_dividend_and_the_refund_in_thai(app, world, year):
    fig = store.figures(world.group, YEAR)
    assert world.apply("year.close", {"year_be": YEAR, "books_hash": fig.books_hash},
                       by="committee", business_date="2026-01-05").status == "accepted"
    member = app.test_client()
    sign_in(member, "member", world.MEMBER_PIN)
    html = member.get("/me").get_data(as_text=True)
    assert re.search(r"ปันผล\s*</span>\s*</td>\s*<td class=\"num\">฿91.45</td>", html), html
    staff = app.test_client()
    sign_in(staff, "staff")
    html = staff.get(f"/groups/{world.group.id}/members/{year['m2']}/passbook").get_data(
        as_text=True)
    assert re.search(r"เฉลี่ยคืน\s*</span>\s*</td>\s*<td class=\"num\">฿202.97</td>", html)
    assert re.search(r"ปันผล\s*</span>\s*</td>\s*<td class=\"num\">฿182.90</td>", html)
