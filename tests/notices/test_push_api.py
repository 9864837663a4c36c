"""/api/v1/push: the key, subscribing and unsubscribing a browser; /account/devices."""

import base64
import os
import re

import pytest

from bench.pushservice import Subscriber
from core.store.models import PushSubscription
from core.webpush import b64url_decode
from tests.conftest import World, csrf_token, sign_in

ANDROID = ("Mozilla/5.0 (Linux; Android 14; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Mobile Safari/537.36")
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def _signed_in(app, who="member"):
    client = app.test_client()
    sign_in(client, who, World.MEMBER_PIN if who == "member" else World.PASSWORD)
    return client, csrf_token(client, "/account/devices")


def _body(endpoint=ENDPOINT, subscriber=None):
    subscriber = subscriber or Subscriber("x", endpoint)
    return {"endpoint": endpoint, "expirationTime": None,
            "keys": {"p256dh": subscriber.p256dh, "auth": subscriber.auth}}


def _post(client, token, body, method="post"):
    return getattr(client, method)("/api/v1/push/subscriptions", json=body,
                                   headers={"X-CSRFToken": token, "User-Agent": ANDROID})


def test_the_key_is_an_uncompressed_p256_point_made_once(app, world):
    client, _ = _signed_in(app)
    first = client.get("/api/v1/push/key").get_json()["public_key"]
    point = b64url_decode(first)
    assert len(point) == 65 and point[0] == 4 and "=" not in first
    assert client.get("/api/v1/push/key").get_json()["public_key"] == first
    app.extensions.pop("sajja_vapid")  # a restart reads the same key from the instance folder
    assert client.get("/api/v1/push/key").get_json()["public_key"] == first
    key_file = os.path.join(app.instance_path, "vapid_private.pem")
    assert os.stat(key_file).st_mode & 0o777 == 0o600  # the private key is the app's own


def test_a_public_key_that_does_not_match_the_private_one_is_refused(app, vapid):
    from webapp.push.keys import vapid_of

    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    app.config["VAPID_PRIVATE_KEY"] = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    app.config["VAPID_PUBLIC_KEY"] = Subscriber("x", ENDPOINT).p256dh  # someone else's
    with pytest.raises(RuntimeError, match="VAPID_PUBLIC_KEY"):
        vapid_of(app)


def test_the_key_can_come_from_the_environment(app, world, vapid):
    from webapp.push.keys import public_key_of

    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    app.config["VAPID_PRIVATE_KEY"] = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    client, _ = _signed_in(app)
    assert client.get("/api/v1/push/key").get_json()["public_key"] == public_key_of(vapid)


def test_a_browser_subscribes_and_posting_again_updates_it(app, world):
    client, token = _signed_in(app)
    first = _post(client, token, _body())
    assert first.status_code == 201
    again = _body()  # the same endpoint with new keys (the browser renewed them)
    assert _post(client, token, again).status_code == 201
    row = PushSubscription.get(PushSubscription.endpoint == ENDPOINT)
    assert PushSubscription.select().count() == 1
    assert row.user_id == world.users["member"].id and row.p256dh == again["keys"]["p256dh"]
    assert row.label == "Chrome · Android"


def test_a_phone_signed_in_by_someone_else_moves_to_them(app, world):
    client, token = _signed_in(app, "member")
    _post(client, token, _body())
    other, other_token = _signed_in(app, "treasurer")
    assert _post(other, other_token, _body()).status_code == 201
    row = PushSubscription.get(PushSubscription.endpoint == ENDPOINT)
    assert row.user_id == world.users["treasurer"].id


def test_unsubscribing_removes_only_ones_own(app, world):
    client, token = _signed_in(app, "member")
    _post(client, token, _body())
    other, other_token = _signed_in(app, "treasurer")
    answer = _post(other, other_token, {"endpoint": ENDPOINT}, method="delete")
    assert answer.status_code == 200 and answer.get_json() == {"removed": False}
    assert PushSubscription.select().count() == 1
    answer = _post(client, token, {"endpoint": ENDPOINT}, method="delete")
    assert answer.get_json() == {"removed": True}
    assert PushSubscription.select().count() == 0


def _without(body, *path):
    keys = dict(body["keys"])
    keys.pop(path[-1])
    return {**body, "keys": keys}


GOOD = _body()
BAD_BODIES = {
    "not json": "not json",
    "a list": [GOOD],
    "no endpoint": {"keys": GOOD["keys"]},
    "no keys": {"endpoint": ENDPOINT},
    "no p256dh": _without(GOOD, "keys", "p256dh"),
    "no auth": _without(GOOD, "keys", "auth"),
    "plain http": _body("http://push.example.com/x"),
    "not a url": _body("push service"),
    "a javascript url": _body("javascript:alert(1)"),
    "bad base64url": {**GOOD, "keys": {**GOOD["keys"], "p256dh": "!!!" + GOOD["keys"]["p256dh"]}},
    "short p256dh": {**GOOD, "keys": {**GOOD["keys"], "p256dh": GOOD["keys"]["p256dh"][:40]}},
    "compressed point": {**GOOD, "keys": {**GOOD["keys"], "p256dh": base64.urlsafe_b64encode(
        b"\x02" + bytes(32)).decode()}},
    "65 bytes off the curve": {**GOOD, "keys": {**GOOD["keys"], "p256dh":
                                               base64.urlsafe_b64encode(
                                                   b"\x04" + bytes(64)).decode()}},
    "auth of 8 bytes": {**GOOD, "keys": {**GOOD["keys"], "auth": "AAAAAAAAAAA"}},
    "auth a number": {**GOOD, "keys": {**GOOD["keys"], "auth": 16}},
}


def test_what_is_not_a_subscription_is_refused_with_the_error_shape(app, world):
    client, token = _signed_in(app)  # one sign-in for all the cases: it is slow on purpose
    for case, body in BAD_BODIES.items():
        if isinstance(body, str):
            answer = client.post("/api/v1/push/subscriptions", data=body, headers={
                "X-CSRFToken": token, "Content-Type": "application/json"})
        else:
            answer = _post(client, token, body)
        assert answer.status_code == 400, case
        error = answer.get_json()["error"]
        assert error["code"] == "invalid" and re.search("[ก-๙]", error["message"]), case
    assert PushSubscription.select().count() == 0
    assert _post(client, token, GOOD).status_code == 201  # the same client can subscribe


def test_a_loopback_push_service_is_allowed_for_tests(app, world):
    client, token = _signed_in(app)
    assert _post(client, token, _body("http://127.0.0.1:8089/push/a")).status_code == 201


def test_deleting_with_a_bad_body_is_refused(app, world):
    client, token = _signed_in(app)
    answer = _post(client, token, {"nope": 1}, method="delete")
    assert answer.status_code == 400 and "error" in answer.get_json()


def test_signed_out_gets_401_json(app, world):
    client = app.test_client()
    for answer in (client.get("/api/v1/push/key"),
                   client.post("/api/v1/push/subscriptions", json=_body()),
                   client.delete("/api/v1/push/subscriptions", json={"endpoint": ENDPOINT})):
        assert answer.status_code == 401
        assert answer.get_json()["error"]["code"] == "unauthorized"


def test_without_the_csrf_token_nothing_is_stored(app, world):
    client, _ = _signed_in(app)
    answer = client.post("/api/v1/push/subscriptions", json=_body())
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "csrf"
    assert PushSubscription.select().count() == 0


def test_the_devices_page_lists_and_removes_ones_own(app, world):
    client, token = _signed_in(app)
    _post(client, token, _body())
    other, other_token = _signed_in(app, "treasurer")
    _post(other, other_token, _body("https://web.push.apple.com/QHk"))
    mine = PushSubscription.get(PushSubscription.endpoint == ENDPOINT)
    theirs = PushSubscription.get(PushSubscription.endpoint != ENDPOINT)

    html = client.get("/account/devices").get_data(as_text=True)
    assert "Chrome · Android" in html and f'value="{mine.id}"' in html
    assert f'value="{theirs.id}"' not in html
    assert 'src="/static/push.js"' in html and "data-push-subscribe" in html

    # someone else's device cannot be removed from here
    client.post("/account/devices", data={"remove": theirs.id, "csrf_token": token})
    assert PushSubscription.select().count() == 2
    answer = client.post("/account/devices", data={"remove": mine.id, "csrf_token": token},
                         follow_redirects=True)
    assert answer.status_code == 200
    assert [s.id for s in PushSubscription.select()] == [theirs.id]
    assert "Chrome · Android" not in answer.get_data(as_text=True)


def test_the_devices_page_is_linked_from_the_notices_and_account_pages(app, world):
    for who in ("member", "treasurer", "admin"):
        client, _ = _signed_in(app, who)
        for path in ("/notices", "/account/password"):
            html = client.get(path).get_data(as_text=True)
            assert 'href="/account/devices"' in html, (who, path)
    client, _ = _signed_in(app, "member")
    assert 'href="/account/devices"' in client.get("/me").get_data(as_text=True)
