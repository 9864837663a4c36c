"""The test push service checks what a real one checks: a test of the tests."""

import base64
import json
import time

import pytest
from pywebpush import WebPushException, webpush

from bench.pushservice import Subscriber, VapidRejected, verify_vapid
from tests.notices.conftest import SUBJECT


def _send(push_service, vapid, name="phone", claims=None):
    phone = push_service.subscribers.get(name) or push_service.add(name)
    webpush(phone.subscription_info(), data=json.dumps({"title": "ทดสอบ"}),
            vapid_private_key=vapid, vapid_claims=claims or {"sub": SUBJECT}, ttl=60)
    return push_service.pushes(name)[-1]


def test_a_good_push_is_verified_and_decrypted(push_service, vapid):
    got = _send(push_service, vapid)
    assert got.answered == 201 and got.error is None
    assert got.message == {"title": "ทดสอบ"}
    assert got.claims["aud"] == push_service.origin


def _tampered(authorization: str) -> str:
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "mailto:attacker@example.org"
    forged = base64.urlsafe_b64encode(
        json.dumps(claims).encode()).rstrip(b"=").decode()
    return authorization.replace(token, f"{head}.{forged}.{signature}")


def test_a_tampered_token_fails_the_check(push_service, vapid):
    authorization = _send(push_service, vapid).headers["authorization"]
    assert verify_vapid(authorization, push_service.origin)["sub"] == SUBJECT
    with pytest.raises(VapidRejected, match="signature"):
        verify_vapid(_tampered(authorization), push_service.origin)


def test_the_wrong_audience_or_an_old_token_fails(push_service, vapid):
    authorization = _send(push_service, vapid).headers["authorization"]
    with pytest.raises(VapidRejected, match="aud"):
        verify_vapid(authorization, "https://push.example.net")
    with pytest.raises(VapidRejected, match="exp"):
        verify_vapid(authorization, push_service.origin, now=time.time() + 25 * 3600)
    with pytest.raises(VapidRejected):
        verify_vapid(None, push_service.origin)


def test_a_token_valid_for_more_than_a_day_is_refused(push_service, vapid):
    with pytest.raises(WebPushException) as refused:
        _send(push_service, vapid, claims={"sub": SUBJECT, "exp": int(time.time()) + 48 * 3600})
    assert refused.value.response.status_code == 403
    assert "exp" in push_service.pushes("phone")[-1].error


def test_a_body_for_another_browser_cannot_be_read(push_service, vapid):
    stranger = Subscriber("stranger", "http://127.0.0.1/none")
    phone = push_service.add("phone")
    info = phone.subscription_info()
    info["keys"] = stranger.subscription_info()["keys"]  # encrypted to someone else's key
    with pytest.raises(WebPushException):
        webpush(info, data="{}", vapid_private_key=vapid, vapid_claims={"sub": SUBJECT}, ttl=60)
    got = push_service.pushes("phone")[-1]
    assert got.answered == 400 and got.plaintext is None
