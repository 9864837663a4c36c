"""A device's push: its ops applied in the order sent, each through `apply_operation`.

Each op commits on its own (the op, its books and its `sync_op` row together), so the results
handed back describe only what is already committed. When one op meets a transient database
failure (`retry_later`), the ops after it are not tried: they get `retry_later` too and the
device sends them again, in the same order, with the one that failed.
"""

from datetime import datetime

from peewee import IntegrityError, InterfaceError, OperationalError

from core.store.db import write_transaction
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
    for envelope in envelopes:
        if results and results[-1].status == RETRY_LATER:
            results.append(later(envelope))
            continue
        results.append(apply_operation(actor, envelope, now=now, device_now=device_now,
                                       batch=batch))
    return results
