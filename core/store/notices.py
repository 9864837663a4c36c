"""The notice outbox: what a person is told, written in the same transaction as its cause.

A notice is a row first and a push message second: it stays in the person's in-app list
whether or not any push arrives. The texts are kept in both languages and the sender picks the
recipient's own when it sends, so a person who changes language is told in the new one.

    queue(user_id, "receipt", group_id=g, title=("รับเงินแล้ว", "Received"),
          body=("ออมทรัพย์ ฿500.00", "Savings ฿500.00"), url="/members/…")
"""

from datetime import datetime

from core.store.models import Notice, utcnow

# How long a push service should keep trying to deliver, by kind of notice (seconds).
DAY = 24 * 3600
URGENCIES = ("very-low", "low", "normal", "high")


def queue(user_id: int, kind: str, *, title: tuple[str, str], body: tuple[str, str], url: str,
          group_id: str | None = None, topic: str | None = None,
          due_at: datetime | None = None, dedupe_key: str | None = None,
          urgency: str = "normal", ttl: int = 7 * DAY) -> int | None:
    """Write one notice for one person; returns its id, or None when `dedupe_key` was taken
    (the same reminder for the same due item and day is already queued)."""
    assert urgency in URGENCIES
    payload = {"title": {"th": title[0], "en": title[1]},
               "body": {"th": body[0], "en": body[1]},
               "url": url, "urgency": urgency, "ttl": ttl}
    row = dict(user=user_id, group=group_id, kind=kind, topic=topic, payload=payload,
               due_at=due_at or utcnow(), created_at=utcnow(), dedupe_key=dedupe_key)
    if dedupe_key is None:
        return Notice.insert(**row).execute()
    # ON CONFLICT DO NOTHING on both databases: a taken key neither raises nor aborts the
    # surrounding transaction (PostgreSQL would abort it on an IntegrityError).
    inserted = Notice.insert(**row).on_conflict_ignore().as_rowcount().execute()
    if not inserted:
        return None
    return Notice.get(Notice.dedupe_key == dedupe_key).id


def message_for(notice: Notice, language: str) -> dict:
    """The small JSON a push carries and the service worker shows, in one language."""
    lang = language if language in ("th", "en") else "th"
    payload = notice.payload
    return {"id": notice.id, "title": payload["title"][lang], "body": payload["body"][lang],
            "url": payload["url"], "tag": notice.topic or f"{notice.kind}-{notice.id}"}
