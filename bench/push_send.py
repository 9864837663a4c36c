"""Sending the notice outbox: 1,000 notices pushed to a local push service.

Run: `python -m bench.push_send [--notices 1000] [--check]`. 100 people with one phone each get
10 notices apiece; `NoticeSender.send_due()` claims, encrypts (aes128gcm), signs (VAPID) and
posts each one over HTTP to the push service of bench/pushservice.py on 127.0.0.1, and writes
its delivery rows. The figures:

- push_per_s: notices pushed per second by the sender, all of it included;
- baseline_post_per_s: plain HTTP posts of an already encrypted body to the same push service
  (the network and the service's own cost, nothing of the sender's), in the same run;
- sender_vs_post: push_per_s over the baseline (1.0 would mean the sender costs nothing);
- encrypt_share / vapid_share: the part of the sender's time spent encrypting the bodies and
  signing the VAPID tokens, each timed separately on the same 1,000 messages.

The push service runs in a process of its own (on the same two cores) and accepts every push;
with --check it runs in this process and verifies each token and decrypts each body, as the
tests do (slower: the service's work shares this process).
"""

import argparse
import time

import requests

from bench.common import print_figures, scratch_app
from bench.pushservice import PushService, ServiceProcess

PEOPLE = 100
SUBJECT = "mailto:bench@example.org"


def _people(service, count: int) -> list[int]:
    from core.store import push_subscriptions
    from core.store.db import database
    from core.store.models import User
    from core.webpush import Subscription

    ids = []
    with database.atomic():
        for n in range(count):
            user = User.create(username=f"bench-{n}", password_hash="-", role="member")
            phone = service.add(f"phone-{n}")
            push_subscriptions.save(user.id, Subscription(phone.endpoint, phone.p256dh,
                                                          phone.auth), "bench")
            ids.append(user.id)
    return ids


def _queue(user_ids: list[int], count: int) -> None:
    from core.store import notices
    from core.store.db import database

    with database.atomic():
        for n in range(count):
            notices.queue(user_ids[n % len(user_ids)], "receipt",
                          title=("รับเงินออมแล้ว", "Savings received"),
                          body=(f"รับเงินออม ฿{100 + n:,}.00 แล้ว ยอดออมทรัพย์ ฿{5000 + n:,}.00",
                                f"Savings deposit of ฿{100 + n:,}.00 received"),
                          url="/me", topic=f"receipt-{n % 7}")


def _encryption_seconds(origin: str, vapid, count: int) -> tuple[float, float, bytes]:
    """Time pywebpush's own encryption and VAPID signing of `count` receipt-sized messages."""
    from pywebpush import WebPusher

    from bench.pushservice import Subscriber

    phone = Subscriber("timing", f"{origin}/push/timing")
    message = ('{"id":1,"title":"รับเงินออมแล้ว","body":"รับเงินออม ฿100.00 แล้ว '
               'ยอดออมทรัพย์ ฿5,000.00","url":"/me","tag":"receipt-1"}').encode()
    pusher = WebPusher(phone.subscription_info())
    start = time.perf_counter()
    for _ in range(count):
        body = pusher.encode(message)["body"]
    encrypt = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(count):
        vapid.sign({"sub": SUBJECT, "aud": origin, "exp": int(time.time()) + 3600})
    sign = time.perf_counter() - start
    return encrypt, sign, body


def _baseline_posts(origin: str, body: bytes, count: int) -> float:
    """Plain posts of a ready body: what the network and the push service cost alone."""
    session = requests.Session()
    headers = {"TTL": "60", "Content-Encoding": "aes128gcm"}
    start = time.perf_counter()
    for _ in range(count):
        session.post(f"{origin}/push/timing", data=body, headers=headers,
                     timeout=10).raise_for_status()
    return time.perf_counter() - start


def run(notices: int = 1000, check: bool = False) -> dict:
    from py_vapid import Vapid

    from core.store.db import database
    from core.store.models import Notice
    from core.store.notice_sender import NoticeSender

    vapid = Vapid()
    vapid.generate_keys()
    # Unchecked, the service runs in a process of its own, as a real one would; checked (it
    # needs the subscribers' keys) it runs here and its decryption competes with the sender.
    with (PushService(check=True, accept_any=True) if check else ServiceProcess()) as service, \
            scratch_app():
        database.connect(reuse_if_open=True)
        _queue(_people(service, PEOPLE), notices)
        sender = NoticeSender(vapid, SUBJECT, timeout=10)
        start = time.perf_counter()
        report = sender.send_due()
        elapsed = time.perf_counter() - start
        assert report.delivered == notices, report.as_dict()
        assert Notice.select().where(Notice.sent_at.is_null()).count() == 0
        arrived = len(service.pushes()) if check else service.received()
        assert arrived == notices, arrived
        encrypt, sign, body = _encryption_seconds(service.origin, vapid, notices)
        posts = _baseline_posts(service.origin, body, notices)
        database.close()
    push_per_s = notices / elapsed
    return {"notices": notices, "push_per_s": round(push_per_s, 1),
            "baseline_post_per_s": round(notices / posts, 1),
            "sender_vs_post": round(push_per_s / (notices / posts), 3),
            "encrypt_share": round(encrypt / elapsed, 3),
            "vapid_share": round(sign / elapsed, 3),
            "checked_by_service": check}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--check", action="store_true",
                        help="the push service verifies and decrypts every push")
    options = parser.parse_args()
    print_figures(run(options.notices, options.check))


if __name__ == "__main__":
    main()
