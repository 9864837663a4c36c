"""The one way to change the books: apply an operation for an actor, exactly once per op_id.

Forms, the sync API and commands all call `apply_operation`. It checks the envelope and the
actor's rights, records the op in `sync_op` with its result, lets the op type's handler post the
books, opens review items for anything flagged, and writes the audit row, all in one transaction.

A transient database failure (SQLite's "database is locked" after the busy timeout, a lost or
refused PostgreSQL connection, a deadlock) is not an error of the op: the transaction is rolled
back, nothing is kept, and the result is `retry_later` with reason `busy`, so the device keeps
the op and sends it again. (Should a connection drop during the COMMIT itself, the op may have
landed after all; the resend then gets `duplicate`, which is why a retry is always harmless.)
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from peewee import IntegrityError, InterfaceError, OperationalError

from core import ops
from core.errors import OpRefused, Problem, forbidden, invalid
from core.store import ledger, notice_events
from core.store.access import may_apply
from core.store.counters import SERVER_SEQ, next_value
from core.store.db import insert_row, run_sql, write_transaction
from core.store.models import AuditLog, FiscalPeriod, Group, ReviewItem, SyncOp, User
from core.thaidate import today_in

ACCEPTED, DUPLICATE, NEEDS_REVIEW, REJECTED, RETRY_LATER = (
    "accepted", "duplicate", "needs_review", "rejected", "retry_later")
CLOCK_TOLERANCE = timedelta(minutes=10)
BUSY = Problem("busy", "เซิร์ฟเวอร์ไม่ว่างชั่วคราว รายการจะถูกส่งใหม่อีกครั้ง",
               "The server is busy for a moment; the entry will be sent again")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpResult:
    op_id: str
    status: str
    reason: str | None = None
    message_th: str | None = None
    message_en: str | None = None
    server_seq: int | None = None
    field: str | None = None

    def message(self, lang: str) -> str | None:
        return self.message_th if lang == "th" else self.message_en

    def as_json(self, lang: str = "th") -> dict:
        return {"op_id": self.op_id, "status": self.status, "reason": self.reason,
                "message": self.message(lang), "server_seq": self.server_seq}

    @property
    def applied(self) -> bool:
        return self.status in (ACCEPTED, NEEDS_REVIEW)


@dataclass(frozen=True)
class Actor:
    user: User
    device_id: str | None = None


@dataclass
class Batch:
    """Lookups that hold for every op of one request (a push of up to 500 ops): the groups the
    ops name, and whether the actor may apply a type in a group. Rights are those the request
    started with, as its signed-in user is; everything else is read afresh for each op."""

    groups: dict[str, Group | None] = field(default_factory=dict)
    allowed: dict[tuple[int, str, str], bool] = field(default_factory=dict)

    def group(self, group_id: str) -> Group | None:
        if group_id not in self.groups:
            self.groups[group_id] = Group.get_or_none(Group.id == group_id)
        return self.groups[group_id]

    def may_apply(self, user: User, group_id: str, op_type: str) -> bool:
        key = (user.id, group_id, op_type)
        if key not in self.allowed:
            self.allowed[key] = may_apply(user, group_id, op_type)
        return self.allowed[key]


@dataclass
class Context:
    """What a handler sees: the op, its group, who sent it, and a place to put flags."""

    op: ops.Op
    group: Group
    actor: Actor
    sync_op: SyncOp
    now: datetime
    interactive: bool
    posting_date: date
    flags: list[Problem] = field(default_factory=list)
    books_said: dict = field(default_factory=dict)

    @property
    def payload(self) -> dict:
        return self.op.payload

    @property
    def today(self) -> date:
        return today_in(self.group.timezone, self.now)

    def flag(self, reason: str, th: str, en: str) -> None:
        self.flags.append(Problem(reason, th, en))

    def post(self, lines, *, member=None, memo: str = "", receipt: bool = True):
        return ledger.post(self.group.id, lines, business_date=self.posting_date,
                           kind=self.op.type, memo=memo, op=self.sync_op,
                           user=self.actor.user, member=member, receipt=receipt,
                           meeting=self.meeting_id)

    @property
    def meeting_id(self) -> str | None:
        """The meeting an entry belongs to, once it is known to be this group's."""
        meeting_id = self.op.meeting_id
        if meeting_id is None:
            return None
        if run_sql(_MEETING_OF_GROUP_SQL, (meeting_id, self.group.id)).fetchone() is None:
            raise OpRefused(invalid("ไม่พบการประชุมนี้", "Unknown meeting", "meeting_id"))
        return meeting_id


_MEETING_OF_GROUP_SQL = 'SELECT 1 FROM "meeting" WHERE "id" = ? AND "group_id" = ?'
_EXISTING_SQL = ('SELECT "op_id", "payload_hash", "status", "reason", "message_th", '
                 '"message_en", "server_seq" FROM "sync_op" WHERE "op_id" = ?')


@dataclass(frozen=True)
class _Stored:
    op_id: str
    payload_hash: str
    status: str
    reason: str | None
    message_th: str | None
    message_en: str | None
    server_seq: int


def _existing(op_id: str) -> _Stored | None:
    """The stored op with what a repeat needs (only those columns: this runs for every op)."""
    row = run_sql(_EXISTING_SQL, (op_id,)).fetchone()
    return _Stored(*row) if row else None


def _stored_result(row: _Stored, payload_hash: str) -> OpResult:
    if row.payload_hash != payload_hash:
        return OpResult(row.op_id, REJECTED, "op_id_reused",
                        "รหัสรายการนี้ถูกใช้กับข้อมูลอื่นแล้ว",
                        "This op_id was already used for a different entry")
    status = DUPLICATE if row.status in (ACCEPTED, NEEDS_REVIEW) else row.status
    return OpResult(row.op_id, status, row.reason, row.message_th, row.message_en,
                    row.server_seq)


def _record(envelope: dict, op_id: str, actor: Actor, status: str, problem: Problem | None,
            group_id: str | None, business_date: date | None) -> SyncOp:
    return insert_row(
        SyncOp, op_id=op_id, group=group_id, user=actor.user.id, device=actor.device_id,
        device_seq=_device_seq(envelope),
        type=str(envelope.get("type"))[:40],
        payload=json.dumps(envelope.get("payload"), ensure_ascii=False, sort_keys=True),
        payload_hash=ops.payload_hash(envelope), business_date=business_date,
        recorded_at=str(envelope.get("recorded_at") or "")[:40] or None,
        status=status, reason=problem.reason if problem else None,
        message_th=problem.message_th if problem else None,
        message_en=problem.message_en if problem else None,
        server_seq=next_value(SERVER_SEQ))


def _device_seq(envelope: dict) -> int | None:
    value = envelope.get("device_seq")
    return value if type(value) is int and 0 <= value < 2**62 else None


def _as_result(row: SyncOp) -> OpResult:
    return OpResult(row.op_id, row.status, row.reason, row.message_th, row.message_en,
                    row.server_seq)


def _refused(op_id: str, problem: Problem) -> OpResult:
    return OpResult(op_id, REJECTED, problem.reason, problem.message_th, problem.message_en,
                    field=problem.field)


def apply_operation(actor: Actor, envelope, *, now: datetime | None = None,
                    device_now: datetime | None = None, interactive: bool = False,
                    batch: Batch | None = None) -> OpResult:
    """Apply one op envelope. `interactive` is a person waiting at a form: anything that would
    be flagged for review is refused instead, and a refusal writes nothing at all. `batch`
    shares the group and permission lookups between the ops of one request."""
    now = now or datetime.now(UTC)
    parsed = ops.parse_op(envelope)
    op_id = envelope.get("op_id") if isinstance(envelope, dict) else None
    if not isinstance(op_id, str) or not ops._is_uuid(op_id):
        return _refused(str(op_id or ""), parsed if isinstance(parsed, Problem)
                        else invalid("รหัสรายการไม่ถูกต้อง", "Bad op_id"))
    try:
        return _apply_once(actor, envelope, parsed, op_id, now, device_now, interactive,
                           batch or Batch())
    except (OperationalError, InterfaceError) as error:
        if not transient(error):
            raise  # a fault of the code or the schema, not of the moment: let it be seen
        # Rolled back: nothing of this op was kept. The device keeps it and retries.
        log.warning("op %s not applied, database busy or unreachable: %s", op_id, error)
        return OpResult(op_id, RETRY_LATER, BUSY.reason, BUSY.message_th, BUSY.message_en)


# PostgreSQL error classes that pass: connection (08), transaction rollback such as a deadlock
# or serialization failure (40), insufficient resources (53), operator intervention such as a
# restart (57), system error (58), and a lock not available (55P03).
_TRANSIENT_PG_CLASSES = ("08", "40", "53", "57", "58")
_TRANSIENT_SQLITE = ("locked", "busy", "disk i/o", "unable to open")


def transient(error: Exception) -> bool:
    """Whether a database error will likely pass if the same thing is tried again: a lock, a
    lost connection, a restart. "No such column" and the like are faults, not moments."""
    if isinstance(error, InterfaceError):
        return True  # the connection is closed or unusable
    for cause in (error.__cause__, error.__context__, *error.args[:1]):
        if not type(cause).__module__.startswith("psycopg"):
            continue
        pgcode = getattr(cause, "pgcode", None)
        if pgcode is None:
            return True  # no code: the server went away or could not be reached
        return pgcode[:2] in _TRANSIENT_PG_CLASSES or pgcode == "55P03"
    message = str(error).lower()
    return any(words in message for words in _TRANSIENT_SQLITE)


def _apply_once(actor, envelope, parsed, op_id, now, device_now, interactive,
                batch: Batch) -> OpResult:
    try:
        try:
            with write_transaction():
                existing = _existing(op_id)
                if existing:
                    return _stored_result(existing, ops.payload_hash(envelope))
                if isinstance(parsed, Problem):
                    return _reject(envelope, op_id, actor, parsed, None, None, interactive)
                group = batch.group(parsed.group_id)
                if group is None:
                    return _reject(envelope, op_id, actor,
                                   invalid("ไม่พบกลุ่มนี้", "Unknown group", "group_id"),
                                   None, parsed.business_date, interactive)
                if not batch.may_apply(actor.user, group.id, parsed.type):
                    return _reject(envelope, op_id, actor, forbidden(), group.id,
                                   parsed.business_date, interactive)
                return _apply(actor, envelope, parsed, group, now, device_now, interactive)
        except OpRefused as refusal:
            # Everything the handler wrote is rolled back with the op's transaction (or its
            # savepoint); the refusal is recorded on its own. Refusals are rare, so the ops
            # that apply pay for one transaction only, without a savepoint inside it.
            if interactive:
                return _refused(op_id, refusal.problem)
            with write_transaction():
                existing = _existing(op_id)  # sent meanwhile by another request
                if existing:
                    return _stored_result(existing, ops.payload_hash(envelope))
                return _reject(envelope, op_id, actor, refusal.problem, parsed.group_id,
                               parsed.business_date, interactive)
    except IntegrityError:
        # The same op_id committed by a concurrent request: its stored result is ours.
        existing = _existing(op_id)
        if existing is None:
            raise
        return _stored_result(existing, ops.payload_hash(envelope))


def _reject(envelope, op_id, actor, problem, group_id, business_date, interactive) -> OpResult:
    if interactive:
        return _refused(op_id, problem)
    row = _record(envelope, op_id, actor, REJECTED, problem, group_id, business_date)
    insert_row(AuditLog, group=group_id, user=actor.user.id, device=actor.device_id,
               action="op.rejected", detail={"op_id": op_id, "reason": problem.reason})
    return _as_result(row)


def _apply(actor, envelope, op: ops.Op, group: Group, now, device_now, interactive) -> OpResult:
    from core.store.handlers import HANDLERS  # handlers import this module's Context

    sync_op = _record(envelope, op.op_id, actor, ACCEPTED, None, group.id, op.business_date)
    ctx = Context(op=op, group=group, actor=actor, sync_op=sync_op, now=now,
                  interactive=interactive, posting_date=op.business_date)
    _check_time(ctx, device_now)
    HANDLERS[op.type](ctx)
    if ctx.flags:
        if interactive:
            raise OpRefused(ctx.flags[0])
        first = ctx.flags[0]
        sync_op.status, sync_op.reason = NEEDS_REVIEW, first.reason
        sync_op.message_th = " · ".join(f.message_th for f in ctx.flags)
        sync_op.message_en = " · ".join(f.message_en for f in ctx.flags)
        sync_op.save()
        for flag in ctx.flags:
            ReviewItem.create(group=group.id, op=sync_op.id, reason=flag.reason,
                              books_said=ctx.books_said or None, server_seq=sync_op.server_seq)
    notice_events.on_applied(ctx)
    insert_row(AuditLog, group=group.id, user=actor.user.id, device=actor.device_id,
               action=op.type, detail={"op_id": op.op_id, "status": sync_op.status,
                                       "reason": sync_op.reason})
    return _as_result(sync_op)


def _check_time(ctx: Context, device_now: datetime | None) -> None:
    """Dates in the future, a device clock far off, and closed periods are for a person to see."""
    if ctx.op.business_date > ctx.today:
        ctx.flag("clock", "วันที่ของรายการเป็นวันในอนาคต", "The entry is dated in the future")
    elif device_now is not None and abs(_as_utc_naive(device_now)
                                        - _as_utc_naive(ctx.now)) > CLOCK_TOLERANCE:
        ctx.flag("clock", "นาฬิกาของเครื่องคลาดเคลื่อนเกิน 10 นาที",
                 "The device clock is more than 10 minutes off")
    posting = first_open_day(ctx.group.id, ctx.op.business_date)
    if posting != ctx.op.business_date and ctx.op.type not in NON_POSTING:
        ctx.posting_date = posting
        ctx.flag("closed_period", "วันที่อยู่ในงวดบัญชีที่ปิดแล้ว บันทึกในวันแรกที่เปิด",
                 "The date is in a closed period; posted on the first open day")


NON_POSTING = frozenset({"member.create", "member.update", "meeting.open",
                         "loan.apply", "loan.approve", "loan.reschedule", "welfare.claim",
                         "welfare.approve", "welfare.refuse"})


def _as_utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


_CLOSED_PERIODS_SQL = (
    'SELECT "starts_on", "ends_on" FROM "fiscal_period" WHERE "group_id" = ? '
    'AND "closed_at" IS NOT NULL AND "ends_on" >= ? ORDER BY "starts_on"')


def first_open_day(group_id: str, day: date) -> date:
    as_date = FiscalPeriod.starts_on.python_value  # SQLite gives text, PostgreSQL a date
    closed = run_sql(_CLOSED_PERIODS_SQL, (group_id, FiscalPeriod.ends_on.db_value(day)))
    for starts_on, ends_on in closed.fetchall():
        starts_on, ends_on = as_date(starts_on), as_date(ends_on)
        if starts_on <= day <= ends_on:
            day = ends_on + timedelta(days=1)
    return day
