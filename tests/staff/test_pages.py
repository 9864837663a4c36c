"""The staff home and network pages as a person sees them, the charts, and who may see what."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

from core import health
from core.money import format_baht
from core.store.models import UserGroup
from core.store.network_figures import month_ends, rollup, series
from core.store.staff_home import staff_home
from core.thaidate import add_months
from tests.conftest import sign_in
from tests.staff.helpers import build_two_groups
from webapp import charts


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="card group-card[^"]*" id="group-([^"]+)"', html)


def test_staff_lands_on_the_staff_home_and_sees_only_assigned_groups(client, world):
    build_two_groups(world)
    sign_in(client, "staff")
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/staff")
    html = client.get("/staff").get_data(as_text=True)
    assert _cards(html) == [world.group.id]
    assert world.other.name not in html
    assert "฿1,000.00" in html and "฿900.00" in html and "66.7 %" in html  # savings, loans, PAR30
    assert "฿100.00" in html and "฿30.00" in html  # shares, welfare fund
    # the mark is a shape and a word as well as a colour
    assert 'class="mark mark-red"' in html and "ต้องแก้ไข" in html and "■" in html
    assert "เงินกู้ค้างชำระเกิน 30 วัน (PAR30)" in html and "&lt; 5 %" in html  # the legend
    # why it is red: its red indicators with their values (PAR30, repayment 0 %)
    why = re.findall(r'<li class="ind-red">.*?</li>', html, re.S)
    assert any("PAR30" in item and "66.7 %" in item for item in why), why
    assert not re.findall(r'<li class="ind-green">', html)  # green ones are not listed


def test_last_sync_and_reviews_as_words(client, world):
    build_two_groups(world)
    UserGroup.create(user=world.users["staff"].id, group=world.other.id)
    sign_in(client, "staff")
    html = client.get("/staff?sort=reviews").get_data(as_text=True)
    assert _cards(html) == [world.other.id, world.group.id]  # the open review first
    start, end = (html.index(f'id="group-{gid}"') for gid in (world.other.id, world.group.id))
    other = html[start:end]
    assert "3 วันที่แล้ว" in other
    assert f'/groups/{world.other.id}/reviews">1</a>' in other


def test_sorting_by_link_and_by_htmx_fragment(client, world):
    build_two_groups(world)
    UserGroup.create(user=world.users["staff"].id, group=world.other.id)
    sign_in(client, "staff")
    by_savings = client.get("/staff?sort=savings").get_data(as_text=True)
    assert _cards(by_savings) == [world.group.id, world.other.id]
    by_sync = client.get("/staff?sort=sync").get_data(as_text=True)
    assert _cards(by_sync) == [world.other.id, world.group.id]  # the oldest sync first
    fragment = client.get("/staff?sort=sync", headers={"HX-Request": "true",
                                                        "HX-Target": "staff-table"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="staff-table">') and "<html" not in body
    assert _cards(body) == [world.other.id, world.group.id]
    assert 'aria-current="true">' in body


def test_the_network_rollup_is_the_sum_of_its_groups(client, world):
    built = build_two_groups(world)
    UserGroup.create(user=world.users["staff"].id, group=world.other.id)
    rows = staff_home([world.group.id, world.other.id], built.today)
    (total,) = rollup(rows, "network")
    for name in ("members", "savings", "shares", "loans_outstanding", "welfare_fund",
                 "open_reviews"):
        assert getattr(total, name) == sum(getattr(r, name) for r in rows), name
    assert (total.members, total.savings, total.loans_outstanding) == (4, 129_000, 90_000)
    assert total.par30 == Decimal("66.7") and total.groups == 2
    assert total.marks[health.RED] == 2
    (province,) = rollup(rows, "province")
    assert province.name == "ขอนแก่น" and province.savings == total.savings
    sign_in(client, "staff")
    index = client.get("/networks").get_data(as_text=True)
    assert "เครือข่ายทดสอบ" in index and "฿1,290.00" in index and "2 กลุ่ม" in index
    page = client.get(f"/networks/{world.network.id}").get_data(as_text=True)
    assert "฿1,290.00" in page and len(_cards(page)) == 2 and "<svg" in page


def _desc_values(svg: str) -> list[str]:
    desc = unescape(re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1))
    return [part.split(": ", 1)[1] for part in desc.split("; ")]


def test_the_chart_points_are_the_month_end_balances(client, world):
    built = build_two_groups(world)
    t = built.today
    ends = month_ends(t)
    assert len(ends) == 12 and ends[-1] == t and ends[-2] == t.replace(day=1) - timedelta(days=1)
    late_paid_out = add_months(t - timedelta(days=35), -1)  # ก's loan, first due T-35
    expected_savings = [(80_000 if e >= t - timedelta(days=120) else 0)
                        + (20_000 if e >= t - timedelta(days=10) else 0) for e in ends]
    expected_loans = [(60_000 if e >= late_paid_out else 0)
                      + (30_000 if e >= t - timedelta(days=5) else 0) for e in ends]
    points = series([world.group.id], t)
    assert [p.savings for p in points] == expected_savings
    assert [p.loans_outstanding for p in points] == expected_loans
    assert points[-1].par30 == Decimal("66.7")

    sign_in(client, "staff")
    html = client.get(f"/groups/{world.group.id}").get_data(as_text=True)
    svgs = re.findall(r"<svg class=\"spark[^\"]*\".*?</svg>", html, re.S)
    assert len(svgs) == 3
    savings_svg, loans_svg, par_svg = svgs
    assert _desc_values(savings_svg) == [format_baht(v) for v in expected_savings]
    assert _desc_values(loans_svg) == [format_baht(v) for v in expected_loans]
    assert _desc_values(par_svg)[-1] == "66.7 %"
    drawn = re.search(r'<polyline points="([^"]+)"', savings_svg).group(1).split()
    ys = [float(p.split(",")[1]) for p in drawn]
    assert len(ys) == 12
    top = max(expected_savings)
    assert ys == [charts.points(expected_savings)[i][1] for i in range(12)]
    assert ys[expected_savings.index(top)] == charts.PAD  # the largest value at the top
    assert "<title" in savings_svg and len(savings_svg) < 2000


def test_who_may_see_the_staff_home_and_networks(client, world, app):
    build_two_groups(world)
    sign_in(client, "committee")
    html = client.get("/staff").get_data(as_text=True)
    assert _cards(html) == [world.group.id] and world.other.name not in html
    assert client.get("/networks").status_code == 403
    for name in ("member", "admin"):
        other = app.test_client()
        sign_in(other, name, world.MEMBER_PIN if name == "member" else world.PASSWORD)
        assert other.get("/staff").status_code == 403
        assert other.get("/networks").status_code == 403
        assert other.get(f"/networks/{world.network.id}").status_code == 403


def test_a_network_without_the_persons_groups_is_refused(client, world):
    from core.store import groups as group_store

    elsewhere = group_store.create_network("เครือข่ายอื่น", "เชียงใหม่")
    group_store.create_group("กลุ่มไกล", network_id=elsewhere.id)
    sign_in(client, "staff")
    assert client.get(f"/networks/{elsewhere.id}").status_code == 403
    assert client.get("/networks/nope").status_code == 404
    assert "กลุ่มไกล" not in client.get("/networks").get_data(as_text=True)


def test_a_month_without_a_figure_leaves_a_gap_in_the_line():
    svg = str(charts.sparkline([None, None, 5, 10, None, 10], list("abcdef"),
                               ["–", "–", "5", "10", "–", "10"], "PAR30"))
    # x by month, the largest value at the top
    assert re.findall(r'<polyline points="([^"]+)"', svg) == ["48.6,33 71.4,3"]
    assert '<circle cx="120' not in svg and 'cx="117" cy="3" r="1.5"' in svg  # a lone point
    assert "<desc" in svg and "a: –; b: –; c: 5; d: 10; e: –; f: 10" in svg
    assert charts.points([None, None]) == [None, None]
    assert charts.points([7, 7])[0][1] == charts.HEIGHT / 2  # a flat line sits in the middle
