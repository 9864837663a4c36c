"""Forms hand their entries to the one core operation here, as a person waiting at a form.

The op_id of a form comes from a hidden field rendered with the form, so a double tap or a
resent form applies once; a refused entry writes nothing and the same op_id may be sent again.
"""

import uuid

from flask import request
from flask_login import current_user

from core.store.models import Group
from core.store.operations import Actor, OpResult, apply_operation
from core.thaidate import today_in

WEB_DEVICE = "web"


def new_op_id() -> str:
    return str(uuid.uuid4())


def form_op_id() -> str:
    """The op_id the form carried, or a fresh one when it carried none or a bad one."""
    value = request.form.get("op_id", "")
    try:
        return str(uuid.UUID(value)) if len(value) == 36 else new_op_id()
    except ValueError:
        return new_op_id()


def group_today(group: Group) -> str:
    return today_in(group.timezone).isoformat()


def submit(group: Group, op_type: str, payload: dict, *, op_id: str | None = None,
           business_date: str | None = None, base_version: int | None = None) -> OpResult:
    envelope = {"op_id": op_id or form_op_id(), "group_id": group.id, "type": op_type,
                "business_date": business_date or group_today(group), "payload": payload,
                "base_version": base_version}
    device = request.headers.get("X-Sajja-Device") or WEB_DEVICE
    return apply_operation(Actor(current_user.model, device_id=device[:64]), envelope,
                           interactive=True)
