"""Sends the notice outbox as Web Push messages (pywebpush), one push per person's device.

    NoticeSender(vapid, "mailto:admin@example.org").send_due()

How a notice is sent, and why:
- Claim: one UPDATE moves a due notice's `due_at` a lease into the future, and only the sender
  whose UPDATE changed the row goes on; a second sender running at once no longer sees it due.
- Each device is claimed too, by inserting its NoticeDelivery row (unique per notice and
  subscription) BEFORE the push: if two senders ever overlap (a lease ran out) only one of them
  pushes to that device. A sender that dies between the claim and the push leaves the row, so a
  device may miss a push (the notice is still in the in-app list) but never gets it twice.
- The push itself runs outside any transaction: network I/O never holds SQLite's write lock.
- 201 keeps the delivery row. 404/410 means the browser unsubscribed: that subscription is
  deleted and the person's other devices are still served. A timeout, a refused connection or
  any other answer removes the claim row and counts an attempt: the notice is due again after
  1 min × 2^(attempts-1) (at most 6 h), and only the devices it has not reached are tried. After
  MAX_ATTEMPTS it is given up: `sent_at` is set and `last_error` says so.
- When every device has it (or the person has none, or is deactivated) `sent_at` is set.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from pywebpush import WebPushException, webpush

from core.store.models import Notice, NoticeDelivery, PushSubscription, utcnow
from core.store.notices import DAY, message_for
from core.webpush import MAX_ATTEMPTS, retry_delay, topic_header

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # longer than one notice takes: a few devices × the timeout
MAX_MESSAGE_BYTES = 3000  # a push carries about 4 kB; the body is cut before that


@dataclass
class SendReport:
    notices_done: int = 0  # finished: every device reached, or none to reach
    delivered: int = 0  # pushes a push service accepted
    removed: int = 0  # subscriptions forgotten because the push service said 404/410
    retrying: int = 0  # notices to try again later
    gave_up: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"notices_done": self.notices_done, "delivered": self.delivered,
                "removed": self.removed, "retrying": self.retrying, "gave_up": self.gave_up}


@dataclass(frozen=True)
class _Outcome:
    kind: str  # "delivered", "gone" or "failed"
    error: str | None = None


DELIVERED = _Outcome("delivered")
GONE = _Outcome("gone")


def small_message(message: dict) -> str:
    """The JSON a push carries, its body cut so the whole stays under MAX_MESSAGE_BYTES."""
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    while len(text.encode("utf-8")) > MAX_MESSAGE_BYTES and message["body"]:
        message = {**message, "body": message["body"][: len(message["body"]) * 3 // 4] + "…"}
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    return text


class NoticeSender:
    def __init__(self, vapid, subject: str, *, timeout: float = 10.0,
                 max_attempts: int = MAX_ATTEMPTS, session: requests.Session | None = None):
        """`vapid`: a py_vapid.Vapid with the private key; `subject`: "mailto:…" or https URL."""
        self.vapid = vapid
        self.subject = subject
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.session = session or requests.Session()

    def send_due(self, now: datetime | None = None, batch: int = 200) -> SendReport:
        """Send every notice due at `now` (default: the present) once, then return."""
        now = now or utcnow()
        report = SendReport()
        while True:
            due = [n.id for n in Notice.select(Notice.id)
                   .where(Notice.sent_at.is_null(), Notice.due_at <= now)
                   .order_by(Notice.due_at, Notice.id).limit(batch)]
            if not due:
                return report
            for notice_id in due:
                if self._claim(notice_id, now):
                    self._send_notice(notice_id, now, report)

    def _claim(self, notice_id: int, now: datetime) -> bool:
        return bool(Notice.update(due_at=now + LEASE)
                    .where(Notice.id == notice_id, Notice.sent_at.is_null(),
                           Notice.due_at <= now)
                    .execute())

    def _send_notice(self, notice_id: int, now: datetime, report: SendReport) -> None:
        notice = Notice.get_or_none(Notice.id == notice_id)
        if notice is None:
            return  # deleted meanwhile (its person was removed)
        user = notice.user
        reached = NoticeDelivery.select(NoticeDelivery.subscription).where(
            NoticeDelivery.notice == notice_id)
        devices = [] if not user.active else list(
            PushSubscription.select().where(PushSubscription.user == user.id,
                                            PushSubscription.id.not_in(reached))
            .order_by(PushSubscription.id))
        message = small_message(message_for(notice, user.language))
        failures = []
        for device in devices:
            if not self._claim_device(notice_id, device.id, now):
                continue  # another sender is pushing it to this device
            outcome = self.push(device, notice, message)
            if outcome is DELIVERED:
                PushSubscription.update(last_sent_at=utcnow()).where(
                    PushSubscription.id == device.id).execute()
                report.delivered += 1
            elif outcome is GONE:
                PushSubscription.delete().where(PushSubscription.id == device.id).execute()
                report.removed += 1
            else:
                NoticeDelivery.delete().where(NoticeDelivery.notice == notice_id,
                                              NoticeDelivery.subscription == device.id).execute()
                failures.append(outcome.error)
        self._finish(notice, failures, now, report)

    def _claim_device(self, notice_id: int, subscription_id: int, now: datetime) -> bool:
        return bool(NoticeDelivery.insert(notice=notice_id, subscription=subscription_id,
                                          sent_at=now)
                    .on_conflict_ignore().as_rowcount().execute())

    def _finish(self, notice: Notice, failures: list[str], now: datetime,
                report: SendReport) -> None:
        mine = (Notice.id == notice.id) & Notice.sent_at.is_null()
        if not failures:
            Notice.update(sent_at=now, last_error=None).where(mine).execute()
            report.notices_done += 1
            return
        attempts = notice.attempts + 1
        error = "; ".join(failures)[:1000]
        report.errors.append(f"notice {notice.id}: {error}")
        if attempts >= self.max_attempts:
            Notice.update(sent_at=now, attempts=attempts,
                          last_error=f"gave up after {attempts} attempts: {error}"[:1000]
                          ).where(mine).execute()
            report.gave_up += 1
        else:
            Notice.update(attempts=attempts, last_error=error,
                          due_at=now + retry_delay(attempts)).where(mine).execute()
            report.retrying += 1

    def push(self, device: PushSubscription, notice: Notice, message: str) -> _Outcome:
        """One push to one device; the network call, nothing written."""
        payload = notice.payload
        headers = {"Urgency": payload.get("urgency", "normal")}
        topic = topic_header(notice.topic)
        if topic:
            headers["Topic"] = topic
        info = {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh,
                                                      "auth": device.auth}}
        try:
            webpush(info, data=message, vapid_private_key=self.vapid,
                    vapid_claims={"sub": self.subject},  # a fresh dict: webpush() fills it in
                    ttl=int(payload.get("ttl", 7 * DAY)), headers=headers,
                    timeout=self.timeout, requests_session=self.session)
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else None
            if status in (404, 410):
                return GONE
            return _Outcome("failed", f"push service answered {status}")
        except requests.RequestException as error:
            return _Outcome("failed", f"{type(error).__name__}: {error}"[:300])
        except Exception as error:  # noqa: BLE001 - a bad row must not stop the sender
            log.exception("push to subscription %s failed", device.id)
            return _Outcome("failed", f"{type(error).__name__}: {error}"[:300])
        return DELIVERED
