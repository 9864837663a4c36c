"""The browsers that asked for push notices: one row per endpoint, each owned by one person.

An endpoint is the push service's address for one browser on one phone. Posting it again
updates its keys and label; posting it as another person moves it to them (a shared phone
signed in by someone else now tells that person, never the previous one).
"""

from core.store.db import database
from core.store.models import PushSubscription, utcnow
from core.webpush import Subscription


def save(user_id: int, subscription: Subscription, label: str) -> PushSubscription:
    """Insert or take over the subscription of this endpoint; one statement, so two posts of
    the same endpoint at once leave one row."""
    fields = {"user": user_id, "p256dh": subscription.p256dh, "auth": subscription.auth,
              "label": label[:200]}
    with database.atomic():
        (PushSubscription
         .insert(endpoint=subscription.endpoint, created_at=utcnow(), **fields)
         .on_conflict(conflict_target=[PushSubscription.endpoint],
                      update={getattr(PushSubscription, name): value
                              for name, value in fields.items()})
         .execute())
        return PushSubscription.get(PushSubscription.endpoint == subscription.endpoint)


def remove_endpoint(user_id: int, endpoint: str) -> bool:
    """Forget this person's subscription of this endpoint; someone else's is left alone."""
    return bool(PushSubscription.delete()
                .where(PushSubscription.endpoint == endpoint, PushSubscription.user == user_id)
                .execute())


def remove_device(user_id: int, subscription_id: int) -> bool:
    return bool(PushSubscription.delete()
                .where(PushSubscription.id == subscription_id,
                       PushSubscription.user == user_id)
                .execute())


def devices_of(user_id: int) -> list[PushSubscription]:
    return list(PushSubscription.select()
                .where(PushSubscription.user == user_id)
                .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc()))
