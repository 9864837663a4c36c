"""A local push service, a VAPID key and a sender for the notice tests (see TESTING.md)."""

import pytest
from py_vapid import Vapid

from bench.pushservice import PushService
from core.store import push_subscriptions
from core.store.notice_sender import NoticeSender
from core.webpush import Subscription

SUBJECT = "mailto:treasurer@example.org"


@pytest.fixture
def push_service():
    with PushService(hang_seconds=5) as service:
        yield service


@pytest.fixture(scope="session")
def vapid():
    key = Vapid()
    key.generate_keys()
    return key


@pytest.fixture
def sender(vapid):
    return NoticeSender(vapid, SUBJECT, timeout=5)  # generous: the machine may be busy


def subscribe(user, subscriber, label="Chrome · Android"):
    """Store the test subscriber's subscription as the person's device."""
    info = subscriber.subscription_info()
    return push_subscriptions.save(user.id, Subscription(info["endpoint"], info["keys"]["p256dh"],
                                                         info["keys"]["auth"]), label)
