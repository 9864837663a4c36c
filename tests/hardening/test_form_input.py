"""Hostile input to every form of the app, found from the URL map: generated fields and values
(wrong types, huge numbers, unicode tricks, markup) with a valid CSRF token never give a 500,
and a refused post changes nothing; without the token every form is a 400."""

import re

from hypothesis import given
from hypothesis import strategies as st

from core.store.models import JournalTxn
from tests.hardening.conftest import fingerprint, fuzz, signed_in, skipped
from tests.webapp.test_access_matrix import POST_ONLY, ROUTES, _url

# Posting these ends the session the next examples need; they are checked in test_sessions.
SESSION_ENDING = {"auth.logout", "auth.sign_out_everywhere"}
FIELD_POOL = ["action", "amount", "amount_baht", "business_date", "confirm_password",
              "counted_cash", "current_password", "date", "decide", "lang", "meeting_id",
              "member_id", "month", "months", "name", "new_password", "next", "op_id",
              "password", "pay", "payoff", "reason", "refuse_reason", "remove", "seed",
              "target_op_id", "type", "username", "year", "role", "group", "shares",
              "national_id", "birth_date", "phone", "joined_on", "nights", "benefit_type"]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "9" * 40, "1,000.505", "๑๒๓",
                     "2569-13-45", "2026-02-30", "31/12/2569", "<script>alert(1)</script>",
                     "\u202e", "\x00", "กิ่ ่ ่ ่", "savings.deposit", "loan.repay:x", "approve",
                     "deactivate", "confirm", "correct", "th", "en", "//evil.example",
                     "javascript:alert(1)", "00000000-0000-0000-0000-000000000000"]),
    st.integers().map(str))


def _role_for(endpoint: str) -> str:
    # a route not yet in the access matrix fails the matrix test; here it is fuzzed anyway
    allowed = POST_ONLY.get(endpoint) or ROUTES.get(endpoint, ({"committee"},))[0]
    for role in ("committee", "admin", "treasurer", "member"):
        if role in allowed:
            return role
    return "anonymous"


def _post_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and not rule.rule.startswith("/api/")
                   and rule.endpoint not in SESSION_ENDING and not skipped(rule.endpoint)),
                  key=lambda r: r.endpoint)


def _field_names(client, rule, url) -> list[str]:
    """The names the route's own page asks for, when it has one, and the common ones."""
    names = set(FIELD_POOL)
    if "GET" in rule.methods:
        try:
            response = client.get(url)
        except Exception:  # noqa: BLE001 - a page that fails is the access matrix's finding
            return sorted(names)
        html = response.get_data(as_text=True) if response.status_code == 200 else ""
        names |= set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token", "csrf-token"}
    return sorted(names)


def test_every_form_survives_generated_fields(app, world):
    clients, targets = {}, []
    for rule in _post_rules(app):
        role = _role_for(rule.endpoint)
        if role not in clients:
            clients[role] = (app.test_client(), None) if role == "anonymous" else signed_in(
                app, role)
        client, _token = clients[role]
        url = _url(rule, world, world.group)
        targets.append((rule.endpoint, role, url, _field_names(client, rule, url)))
    assert len(targets) >= 30  # every form of the app, not a few
    anonymous = clients.get("anonymous") or (app.test_client(), None)
    from tests.conftest import csrf_token
    anonymous_token = csrf_token(anonymous[0])

    cases = []

    @fuzz(600)
    @given(st.sampled_from(targets), st.data())
    def post(target, data):
        cases.append(1)
        endpoint, role, url, names = target
        client, token = clients[role] if role != "anonymous" else (anonymous[0],
                                                                   anonymous_token)
        fields = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=6))
        fields["csrf_token"] = token
        before, txns = fingerprint(), JournalTxn.select().count()
        response = client.post(url, data=fields, headers=data.draw(
            st.sampled_from([{}, {"HX-Request": "true"}])))
        assert response.status_code < 500, (endpoint, fields, response.status_code)
        if response.status_code >= 400:
            assert fingerprint() == before, (endpoint, fields, response.status_code)
        assert JournalTxn.select().count() >= txns

    post()
    assert len(cases) >= 600  # the budget was spent: the search space did not run dry


def test_every_form_without_a_csrf_token_is_a_400_and_changes_nothing(app, world):
    rules = _post_rules(app) + [r for r in app.url_map.iter_rules()
                                if r.endpoint in SESSION_ENDING]
    clients = {}
    for rule in rules:
        role = _role_for(rule.endpoint)
        if role not in clients:
            clients[role] = app.test_client() if role == "anonymous" else signed_in(
                app, role)[0]
    urls = [_url(rule, world, world.group) for rule in rules]  # makes the loan, the claim...
    before = fingerprint()
    for rule, url in zip(rules, urls, strict=True):
        client = clients[_role_for(rule.endpoint)]
        for forged in ({}, {"csrf_token": "forged"}):
            response = client.post(url, data={
                "amount": "100", "lang": "en", **forged})
            assert response.status_code == 400, (rule.endpoint, response.status_code)
            assert "แบบฟอร์มหมดอายุ" in response.get_data(as_text=True)
            assert fingerprint() == before, rule.endpoint
