"""A device's push: its ops applied in the order sent, each through `apply_operation`.

The ops are applied in chunks, one transaction per chunk and a savepoint per op inside it (as
the sync contract allows): each op is still all-or-nothing together with its `sync_op` row, a
refused op is rolled back to its savepoint without touching the others, and SERVER_SEQ stays
gap-free in commit order because its row stays locked until the chunk commits. A commit per op
cost more than applying the op. The results are handed back only once their chunk committed.

When one op meets a transient database failure (`retry_later`), the ops after it are not tried:
they get `retry_later` too and the device sends them again, in the same order, with the one
that failed. The ops of its chunk before it are committed; should the chunk itself fail (the
lock not had, the connection lost, the commit refused), nothing of it was kept, and the ops
that had applied are applied again one transaction each, so a lost connection costs the device
only the op that met it and those after.
"""

import logging
from datetime import datetime

from peewee import IntegrityError, InterfaceError, OperationalError

from core.store.db import database, is_postgres, write_transaction
from core.store.models import Device, User, utcnow
from core.store.operations import (
    BUSY,
    RETRY_LATER,
    Actor,
    Batch,
    OpResult,
    apply_operation,
    transient,
)

OK, FOREIGN, BUSY_DEVICE = "ok", "foreign", "busy"
CHUNK = 100  # ops per transaction: the write lock is held for about 50 ms at a time
log = logging.getLogger(__name__)


def device_owner(device_id: str) -> int | None:
    """The id of the user a device is registered to, or None for a device never seen."""
    row = Device.select(Device.user).where(Device.id == device_id).tuples().first()
    return row[0] if row else None


def record_device(user: User, device_id: str) -> str:
    """Register the device to the user on first sight, or note that it was seen again.

    Returns OK, FOREIGN (the device is registered to another user: nothing is written) or
    BUSY_DEVICE (the database is busy; nothing was written and the push should be retried).
    A refresh of `last_seen` that meets a busy database is skipped: it is only a note.
    """
    try:
        owner = device_owner(device_id)
        if owner is None:
            try:
                with write_transaction():
                    Device.create(id=device_id, user=user.id)
                return OK
            except IntegrityError:  # registered by a concurrent push a moment ago
                owner = device_owner(device_id)
    except (OperationalError, InterfaceError) as error:
        if not transient(error):
            raise
        return BUSY_DEVICE
    if owner != user.id:
        return FOREIGN
    try:
        with write_transaction():
            Device.update(last_seen=utcnow()).where(Device.id == device_id).execute()
    except (OperationalError, InterfaceError) as error:
        if not transient(error):
            raise
    return OK


def _op_id_of(envelope) -> str:
    op_id = envelope.get("op_id") if isinstance(envelope, dict) else None
    return op_id if isinstance(op_id, str) and len(op_id) <= 64 else ""


def later(envelope) -> OpResult:
    """The result of an op not tried because the database was busy."""
    return OpResult(_op_id_of(envelope), RETRY_LATER, BUSY.reason, BUSY.message_th,
                    BUSY.message_en)


def push(actor: Actor, envelopes: list, *, device_now: datetime | None = None,
         now: datetime | None = None) -> list[OpResult]:
    """Apply the ops in order; one result per op, in the same order."""
    results: list[OpResult] = []
    batch = Batch()
    for start in range(0, len(envelopes), CHUNK):
        chunk = envelopes[start:start + CHUNK]
        done = _apply_chunk(actor, chunk, batch, device_now, now)
        results.extend(done)
        if len(done) < len(chunk) or done[-1].status == RETRY_LATER:
            break
    results.extend(later(envelope) for envelope in envelopes[len(results):])
    return results


def _apply_chunk(actor, chunk, batch, device_now, now) -> list[OpResult]:
    """The chunk's results up to the first `retry_later`, all of them committed."""
    done: list[OpResult] = []
    try:
        with write_transaction():
            for envelope in chunk:
                done.append(apply_operation(actor, envelope, now=now, device_now=device_now,
                                            batch=batch))
                if done[-1].status == RETRY_LATER:
                    break
        return done
    except (OperationalError, InterfaceError) as error:
        if not transient(error):
            raise
        log.warning("%d ops rolled back, database busy or unreachable: %s", len(done), error)
    applied = [envelope for envelope, result in zip(chunk, done, strict=False)
               if result.status != RETRY_LATER]
    return _one_by_one(actor, applied, batch, device_now, now)


def _one_by_one(actor, envelopes, batch, device_now, now) -> list[OpResult]:
    """Apply again, each op in its own transaction, what a failed chunk had applied."""
    if not envelopes:
        return []
    if is_postgres():  # the connection may be the thing that failed
        try:
            if not database.is_closed():
                database.close()
            database.connect()
        except (OperationalError, InterfaceError) as error:
            if not transient(error):
                raise
            return []
    results: list[OpResult] = []
    for envelope in envelopes:
        results.append(apply_operation(actor, envelope, now=now, device_now=device_now,
                                       batch=batch))
        if results[-1].status == RETRY_LATER:
            break
    return results
