"""A person's own notices in the app, newest first: nothing depends on a push arriving.

A notice shows once it is due (a reminder computed at night waits for the morning), and is
marked read when its page of the list is seen.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.store.models import Notice, utcnow
from core.thaidate import DEFAULT_TZ

PER_PAGE = 20


@dataclass(frozen=True)
class Shown:
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime  # in the reader's zone (Asia/Bangkok), naive
    unread: bool


@dataclass(frozen=True)
class InboxPage:
    notices: list[Shown]
    page: int
    has_more: bool


def _due(user_id: int):
    return (Notice.user == user_id) & (Notice.due_at <= utcnow())


def unread_count(user_id: int) -> int:
    """One indexed count: the header shows it on every page."""
    return Notice.select().where(_due(user_id) & Notice.read_at.is_null()).count()


def inbox(user_id: int, language: str, page: int = 1) -> InboxPage:
    """One page of the person's notices in their language; the unread ones on it are marked
    read (they are shown as new this once)."""
    page = max(1, page)
    rows = list(Notice.select(Notice.id, Notice.kind, Notice.payload, Notice.created_at,
                              Notice.read_at)
                .where(_due(user_id))
                .order_by(Notice.created_at.desc(), Notice.id.desc())
                .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1))
    has_more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    lang = language if language in ("th", "en") else "th"
    zone = ZoneInfo(DEFAULT_TZ)
    shown = [Shown(row.id, row.kind, row.payload["title"][lang], row.payload["body"][lang],
                   _local_url(row.payload.get("url")),
                   row.created_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
                   .replace(tzinfo=None), row.read_at is None) for row in rows]
    unread = [n.id for n in shown if n.unread]
    if unread:
        Notice.update(read_at=utcnow()).where(
            Notice.id.in_(unread) & Notice.read_at.is_null()).execute()
    return InboxPage(shown, page, has_more)


def _local_url(url) -> str | None:
    """Only a path of this app is linked: a notice never sends a person elsewhere."""
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        return url
    return None
