"""Meeting and annual-meeting notices the committee writes to every member with a sign-in.

Not a money op, so not a sync op: one transaction queues one notice per member's sign-in and
writes the audit row, which is also the record of past announcements.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from peewee import JOIN

from core.errors import Problem, invalid
from core.store.db import write_transaction
from core.store.models import AuditLog, Group, Member, User
from core.store.notice_events import topic_for
from core.store.notices import DAY, queue
from core.thaidate import DateError, format_date, parse_date

ACTION = "notice.announcement"
KINDS = {
    "meeting": ("ประชุมประจำเดือน", "Monthly meeting"),
    "annual_meeting": ("ประชุมใหญ่สามัญประจำปี", "Annual general meeting"),
}
MAX_PLACE, MAX_MESSAGE = 200, 1000
NOTICE_URL = "/notices"  # the member's notice list shows the whole message


@dataclass(frozen=True)
class Announcement:
    kind: str
    day: date
    at: time
    place: str
    message: str

    def texts(self) -> tuple[tuple[str, str], tuple[str, str]]:
        title = KINDS[self.kind]
        clock = f"{self.at:%H:%M}"
        th = f"วันที่ {format_date(self.day, 'th', 'long')} เวลา {clock} น. ที่ {self.place}"
        en = f"{format_date(self.day, 'en', 'long')} at {clock}, {self.place}"
        if self.message:
            th, en = f"{th} · {self.message}", f"{en} · {self.message}"
        return title, (th, en)


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _clock(text: str) -> time | None:
    """"9:30", "09:30" or the Thai "09.30 น." as a time of day."""
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?:\s*น\.?)?", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def check(form: dict, today: date) -> tuple[Announcement | None, dict[str, Problem]]:
    """The announcement a form describes, or a problem for each field that is wrong."""
    errors: dict[str, Problem] = {}
    kind = form.get("kind") or ""
    if kind not in KINDS:
        errors["kind"] = invalid("เลือกประเภทการประชุม", "Choose the kind of meeting", "kind")
    day = None
    try:
        day = parse_date(form.get("date") or "")
    except DateError as error:
        errors["date"] = invalid(error.message_th, error.message_en, "date")
    if day is not None and day < today:
        errors["date"] = invalid("วันประชุมผ่านมาแล้ว", "The meeting day has passed", "date")
    at = _clock(form.get("time") or "")
    if at is None:
        errors["time"] = invalid("ระบุเวลาเป็น ชช:นน เช่น 09:30",
                                 "Give the time as HH:MM, e.g. 09:30", "time")
    place = _text(form.get("place"), MAX_PLACE)
    if not place:
        errors["place"] = invalid("ระบุสถานที่ประชุม", "Say where the meeting is", "place")
    message = _text(form.get("message"), MAX_MESSAGE)
    if errors:
        return None, errors
    return Announcement(kind, day, at, place, message), {}


def audience(group_id: str) -> list[int]:
    """The active sign-ins of the group's active members."""
    return [user_id for (user_id,) in
            User.select(User.id).join(Member, on=(User.member == Member.id))
            .where((Member.group == group_id) & (Member.status == "active")
                   & (User.active == True))  # noqa: E712
            .order_by(User.id).tuples()]


def announce(group: Group, by: User, announcement: Announcement, *,
             device_id: str | None = None, now: datetime | None = None) -> int:
    """Queue the announcement to every member's sign-in; how many notices were queued."""
    now = now or datetime.now(UTC)
    title, body = announcement.texts()
    starts = datetime.combine(announcement.day, announcement.at)
    # A push service keeps trying until the meeting begins (an hour at the least, 4 weeks
    # at the most); the notice stays in the person's list regardless.
    local_now = now.astimezone(_zone(group)).replace(tzinfo=None)
    ttl = int(min(max((starts - local_now).total_seconds(), 3600), 28 * DAY))
    with write_transaction():
        users = audience(group.id)
        for user_id in users:
            queue(user_id, "announcement", title=title, body=body, url=NOTICE_URL,
                  group_id=group.id, topic=topic_for("meeting", group.id), ttl=ttl,
                  urgency="high" if announcement.kind == "annual_meeting" else "normal")
        AuditLog.create(group=group.id, user=by.id, device=device_id, action=ACTION,
                        detail={"kind": announcement.kind, "date": announcement.day.isoformat(),
                                "time": f"{announcement.at:%H:%M}", "place": announcement.place,
                                "message": announcement.message, "recipients": len(users)})
    return len(users)


def _zone(group: Group) -> ZoneInfo:
    return ZoneInfo(group.timezone)


@dataclass(frozen=True)
class PastAnnouncement:
    kind: str
    day: date
    at: str
    place: str
    message: str
    recipients: int
    by: str
    created_at: datetime


def past(group: Group, limit: int = 20) -> list[PastAnnouncement]:
    """The group's latest announcements, their times in the group's zone."""
    zone, group_id = _zone(group), group.id
    rows = (AuditLog.select(AuditLog, User.display_name, User.username)
            .join(User, join_type=JOIN.LEFT_OUTER, on=(AuditLog.user == User.id))
            .where((AuditLog.group == group_id) & (AuditLog.action == ACTION))
            .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(limit))
    found = []
    for row in rows:
        detail = row.detail or {}
        user = getattr(row, "user", None)
        found.append(PastAnnouncement(
            detail.get("kind", "meeting"), date.fromisoformat(detail["date"]),
            detail.get("time", ""), detail.get("place", ""), detail.get("message", ""),
            int(detail.get("recipients", 0)),
            (user.display_name or user.username) if user else "",
            row.created_at.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)))
    return found
