"""Walks every route of the app's URL map for every role: allowed where DESIGN.md says,
refused everywhere else. A new route fails this test until it is added to ROUTES."""

import re

import pytest

from tests.conftest import World, sign_in

ANON, ADMIN, STAFF, COMMITTEE, TREASURER, MEMBER = (
    "anonymous", "admin", "staff", "committee", "treasurer", "member")
EVERYONE = {ANON, ADMIN, STAFF, COMMITTEE, TREASURER, MEMBER}
SIGNED_IN = EVERYONE - {ANON}
BOOKKEEPERS = {STAFF, COMMITTEE, TREASURER}

# endpoint -> (roles that may GET it, whether it is scoped to a group in its URL)
ROUTES = {
    "static": (EVERYONE, False),
    # the installable app: manifest, service worker, offline page, a fresh token for the outbox
    "pwa.manifest": (EVERYONE, False),
    "pwa.service_worker": (EVERYONE, False),
    "pwa.offline": (EVERYONE, False),
    "pwa.csrf_token": (EVERYONE, False),
    "auth.login": (EVERYONE, False),
    "auth.change_password": (SIGNED_IN, False),
    "home.index": (SIGNED_IN, False),
    "groups.index": (BOOKKEEPERS, False),
    "groups.show": (BOOKKEEPERS, True),
    "groups.my_passbook": ({MEMBER}, False),
    # the staff home: every group the person looks after; networks: field staff's rollups
    "staff.home": (BOOKKEEPERS, False),
    "staff.networks": ({STAFF}, False),
    "staff.network": ({STAFF}, False),
    "members.index": (BOOKKEEPERS, True),
    "members.new": (BOOKKEEPERS, True),
    "members.show": (BOOKKEEPERS, True),
    "members.edit": (BOOKKEEPERS, True),
    "members.exit": (BOOKKEEPERS, True),
    "members.give_sign_in": (BOOKKEEPERS, True),
    "books.cashbook": (BOOKKEEPERS, True),
    "books.trial_balance": (BOOKKEEPERS, True),
    "books.receipt": (BOOKKEEPERS | {MEMBER}, True),  # a member: only their own receipts
    "books.passbook": (BOOKKEEPERS, True),
    "meetings.index": (BOOKKEEPERS, True),
    "meetings.show": (BOOKKEEPERS, True),
    "entries.new": (BOOKKEEPERS, True),
    "entries.void": (BOOKKEEPERS, True),
    "reviews.index": ({COMMITTEE, STAFF}, True),
    "audit.index": ({COMMITTEE, STAFF}, True),  # who did what: for those who oversee the books
    # each person's own notices; meeting announcements are written by the group's bookkeepers
    "notices.index": (SIGNED_IN, False),
    "notices.announcements_page": (BOOKKEEPERS, True),
    "loans.index": (BOOKKEEPERS, True),
    "loans.apply": (BOOKKEEPERS, True),
    "loans.show": (BOOKKEEPERS, True),
    "loans.products": (BOOKKEEPERS, True),
    "loans.new_product": ({STAFF, COMMITTEE}, True),  # lending policy: not the treasurer's
    "loans.edit_product": ({STAFF, COMMITTEE}, True),
    # a member works out a loan before applying, in their own group only
    "loans.calculator": (BOOKKEEPERS | {MEMBER}, True),
    # the year-end close: field staff prepare it, the committee confirms it
    "yearend.show": ({STAFF, COMMITTEE}, True),
    "welfare.index": (BOOKKEEPERS, True),
    "welfare.claims": (BOOKKEEPERS, True),
    "welfare.new_claim": (BOOKKEEPERS, True),
    "welfare.claim": (BOOKKEEPERS, True),
    "welfare.contributions": (BOOKKEEPERS, True),
    "welfare.funding": (BOOKKEEPERS, True),
    "welfare.report": (BOOKKEEPERS, True),
    "welfare.report_csv": (BOOKKEEPERS, True),
    "welfare.report_xlsx": (BOOKKEEPERS, True),
    # reports for a month or fiscal year: a group's for its bookkeepers; a network's (group
    # sums, no member) for the field staff who look after one of its groups
    "reports.group_index": (BOOKKEEPERS, True),
    "reports.group_report": (BOOKKEEPERS, True),
    "reports.group_export": (BOOKKEEPERS, True),
    "reports.network": ({STAFF}, False),
    "reports.network_report": ({STAFF}, False),
    "reports.network_export": ({STAFF}, False),
    # The JSON API: pull shows each person only what they may see (a member: themself).
    "sync.pull": (BOOKKEEPERS | {MEMBER}, False),
    # Web Push: everyone signed in may be told on their own phones
    "push.key": (SIGNED_IN, False),
    "devices.index": (SIGNED_IN, False),
    "admin.index": ({ADMIN}, False),
    "admin.new_group": ({ADMIN}, False),
    "admin.new_user": ({ADMIN}, False),
    "admin.user": ({ADMIN}, False),
}
# Routes that take only POST: who may post (they are checked with a valid CSRF token).
POST_ONLY = {
    "auth.logout": SIGNED_IN | {ANON},
    "auth.sign_out_everywhere": SIGNED_IN,
    "home.language": EVERYONE,
    "meetings.record": BOOKKEEPERS,
    "meetings.void": BOOKKEEPERS,
    "meetings.close": BOOKKEEPERS,
    "meetings.late_fines": BOOKKEEPERS,
    "reviews.resolve": {COMMITTEE, STAFF},
    "loans.approve": {COMMITTEE},
    "loans.disburse": BOOKKEEPERS,
    "loans.repay": BOOKKEEPERS,
    "loans.reschedule": {COMMITTEE},
    "loans.write_off": {COMMITTEE},
    "loans.late_fines": BOOKKEEPERS,
    "welfare.approve": {COMMITTEE},
    "welfare.refuse": {COMMITTEE},
    "welfare.pay": BOOKKEEPERS,
    "yearend.close": {COMMITTEE},
    "yearend.save_policy": {COMMITTEE},
    "push.subscriptions": SIGNED_IN,  # POST and DELETE: only one's own subscriptions
    "sync.push": SIGNED_IN,  # each op is then checked against what the person may do
}
# Query strings a route needs to show its page.
QUERIES = {"entries.new": "?type=group.expense"}


def _url(rule, world, group):
    values = {"group_id": group.id, "user_id": world.users["admin"].id, "item_id": 1,
              "filename": "app.css", "member_id": world.member_id,
              "network_id": world.network.id, "report_name": "balance-sheet",
              "file_type": "xlsx"}
    if "<int:receipt_no>" in rule.rule:
        values["receipt_no"] = _receipt_no(world)
    if "<meeting_id>" in rule.rule:
        values["meeting_id"] = _meeting_id(world)
    if "<loan_id>" in rule.rule:
        values["loan_id"] = _loan_id(world)
    if "<product_id>" in rule.rule:
        values["product_id"] = _product_id(world)
    if "<claim_id>" in rule.rule:
        values["claim_id"] = _claim_id(world)
    if "<op_id>" in rule.rule:
        from core.store.models import SyncOp

        values["op_id"] = SyncOp.get(SyncOp.group == world.group.id).op_id
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)
    return path + QUERIES.get(rule.endpoint, "")


def _meeting_id(world) -> str:
    """An open meeting of the world's group, made once."""
    if not hasattr(world, "meeting_id"):
        import uuid

        from tests.conftest import today_iso

        world.meeting_id = str(uuid.uuid4())
        result = world.apply("meeting.open", {"meeting_id": world.meeting_id,
                                              "date": today_iso(world.group)})
        assert result.status == "accepted", result
    return world.meeting_id


def _product_id(world) -> str:
    """A loan product of the world's group, made once."""
    if not hasattr(world, "product_id"):
        from core.store import groups

        world.product_id = groups.create_product(world.group.id, "สามัญ", method="flat",
                                                 monthly_rate_bp=100, max_months=12).id
    return world.product_id


def _loan_id(world) -> str:
    """An application of the world's member in its group, recorded by the treasurer, once."""
    if not hasattr(world, "loan_id"):
        import uuid

        world.apply("savings.deposit", {"member_id": world.member_id, "amount_satang": 100_000})
        world.loan_id = str(uuid.uuid4())
        result = world.apply("loan.apply", {
            "loan_id": world.loan_id, "member_id": world.member_id,
            "product_id": _product_id(world), "principal_satang": 100_000, "months": 3})
        assert result.status == "accepted", result
    return world.loan_id


def _claim_id(world) -> str:
    """A welfare claim of the world's member in its group, recorded by the treasurer, once."""
    if not hasattr(world, "claim_id"):
        import uuid

        from tests.conftest import today_iso

        world.claim_id = str(uuid.uuid4())
        result = world.apply("welfare.claim", {
            "claim_id": world.claim_id, "member_id": world.member_id, "benefit_type": "birth",
            "event_date": today_iso(world.group)})
        assert result.applied, result  # flagged: the member has paid no contributions
    return world.claim_id


def _receipt_no(world) -> int:
    """A receipt of the world's member in its group (so the member may open it), made once."""
    if not hasattr(world, "receipt_no"):
        from core.store.models import JournalTxn, SyncOp

        result = world.apply("savings.deposit", {"member_id": world.member_id,
                                                 "amount_satang": 10000})
        assert result.status == "accepted", result
        world.receipt_no = (JournalTxn.select().join(SyncOp)
                            .where(SyncOp.op_id == result.op_id).get().receipt_no)
    return world.receipt_no


def _client_for(app, role):
    client = app.test_client()
    if role != ANON:
        sign_in(client, role, World.MEMBER_PIN if role == MEMBER else World.PASSWORD)
    return client


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(ROUTES) - set(POST_ONLY)
    assert not missing, f"add these routes to the access matrix: {sorted(missing)}"


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_each_role_reaches_only_its_routes(app, world, role):
    client = _client_for(app, role)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        allowed, scoped = ROUTES[rule.endpoint]
        response = client.get(_url(rule, world, world.group))
        denied = response.status_code in (401, 403) or (
            response.status_code == 302 and "/login" in response.location)
        if role in allowed:
            assert not denied and response.status_code < 400, (rule.endpoint, role,
                                                               response.status_code)
        else:
            assert denied, (rule.endpoint, role, response.status_code)
        if scoped and role in allowed:
            other = client.get(_url(rule, world, world.other))
            assert other.status_code == 403, (rule.endpoint, role, "other group")
            assert world.other.name not in other.get_data(as_text=True)


def test_no_page_of_one_group_shows_another_groups_members(app, world):
    outsider = world.add_member("คนนอก กลุ่มสอง", group=world.other, by="other-treasurer")
    assert outsider
    client = _client_for(app, TREASURER)
    for path in ("/", f"/groups/{world.group.id}", "/groups"):
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert "คนนอก กลุ่มสอง" not in html and world.other.name not in html


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_post_only_routes_check_who_posts(app, world, role):
    from tests.conftest import csrf_token

    for endpoint, allowed in POST_ONLY.items():
        client = _client_for(app, role)
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        response = client.post(_url(rule, world, world.group), data={
            "csrf_token": csrf_token(client), "lang": "th"})
        refused = response.status_code in (401, 403) or (
            response.status_code == 302 and "/login?" in response.location)
        assert refused is (role not in allowed), (endpoint, role, response.status_code)
