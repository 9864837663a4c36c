"""Hostile bodies for the Web Push API (/api/v1/push): never a 500, a 4xx JSON error with a
message for what is refused, and a refused body stores no subscription."""

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.hardening.conftest import fingerprint, fuzz, signed_in
from tests.hardening.test_sync_api_input import JSON, TRICKY

SUBSCRIPTIONS, KEY = "/api/v1/push/subscriptions", "/api/v1/push/key"
URLS = st.one_of(TRICKY, st.sampled_from([
    "https://fcm.googleapis.com/fcm/send/abc", "http://127.0.0.1:1/push", "https://",
    "javascript:alert(1)", "https://x.example/" + "a" * 5000, "file:///etc/passwd",
    "https://updates.push.services.mozilla.com/wpush/v2/" + "ก" * 20]))
KEYS = st.one_of(TRICKY, st.text(max_size=120), st.sampled_from([
    "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    "tBHItJI5svbpez7KI4CCXg", "", "=" * 40]))
SUBSCRIPTION_LIKE = st.fixed_dictionaries(
    {"endpoint": URLS},
    optional={"keys": st.one_of(st.fixed_dictionaries({"p256dh": KEYS, "auth": KEYS}), JSON),
              "expirationTime": JSON})


def test_generated_subscription_bodies_never_give_a_500(app, world):
    client, token = signed_in(app, "member")
    headers = {"X-CSRFToken": token}

    cases = []

    @fuzz(250)
    @given(st.sampled_from(["POST", "DELETE"]), st.one_of(SUBSCRIPTION_LIKE, JSON))
    def send(method, body):
        cases.append(1)
        before = fingerprint()
        response = client.open(SUBSCRIPTIONS, method=method, data=json.dumps(body),
                               headers=headers, content_type="application/json")
        assert response.status_code < 500, (method, body, response.status_code)
        if response.status_code >= 400:
            error = response.get_json()["error"]
            assert error["code"] and error["message"]
            assert fingerprint() == before

    send()
    assert len(cases) >= 250  # the budget was spent: the search space did not run dry


def test_the_push_api_wants_a_session_and_the_token(app, world):
    anonymous = app.test_client()
    assert anonymous.get(KEY).status_code == 401
    assert anonymous.post(SUBSCRIPTIONS, json={"endpoint": "https://x"}).status_code == 401
    client, _token = signed_in(app, "member")
    before = fingerprint()
    response = client.post(SUBSCRIPTIONS, json={"endpoint": "https://x.example/p", "keys": {}})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf"
    assert fingerprint() == before
    assert client.get(KEY).get_json()["public_key"]
