"""The shape of the sync API's requests: what a push body and a pull's query must be.

Plain checks over plain values; the answer is a value or a Problem whose reason is the error
code the API sends (`{"error": {"code", "message"}}`), with its message in Thai and English.
What each op in a push must be is `core.ops`' business, op by op: a bad op never spoils the
batch, it gets its own `rejected` result.
"""

from dataclasses import dataclass
from datetime import datetime

from core.errors import Problem
from core.ops import parse_iso_datetime

MAX_OPS = 500
MAX_DEVICE_ID = 64
MAX_CURSOR = 2**62

NOT_AN_OBJECT = Problem("bad_request", "ข้อมูลที่ส่งมาต้องเป็นออบเจ็กต์ JSON",
                        "The body must be a JSON object")
OPS_NOT_A_LIST = Problem("bad_request", "ops ต้องเป็นรายการ (list)", "ops must be a list",
                         "ops")
TOO_MANY_OPS = Problem("too_many_ops", f"ส่งได้ครั้งละไม่เกิน {MAX_OPS} รายการ",
                       f"At most {MAX_OPS} ops may be sent at once", "ops")
BAD_DEVICE_ID = Problem("bad_device_id",
                        f"device_id ต้องเป็นข้อความ ไม่ว่าง และยาวไม่เกิน {MAX_DEVICE_ID} ตัวอักษร",
                        f"device_id must be a non-empty text of at most {MAX_DEVICE_ID} "
                        "characters", "device_id")
BAD_DEVICE_NOW = Problem("bad_device_now", "device_now ต้องเป็นเวลาแบบ ISO ที่มีเขตเวลา",
                         "device_now must be an ISO time with a zone", "device_now")
BAD_CURSOR = Problem("bad_cursor", "cursor ต้องเป็นจำนวนเต็มไม่ติดลบ",
                     "cursor must be a whole number, zero or more", "cursor")
DEVICE_TAKEN = Problem("device_not_yours", "เครื่องนี้ลงทะเบียนไว้กับผู้ใช้อื่น",
                       "This device is registered to another user", "device_id")

STATUS = {"too_many_ops": 413, "device_not_yours": 403}


def http_status(problem: Problem) -> int:
    return STATUS.get(problem.reason, 400)


@dataclass(frozen=True)
class PushRequest:
    device_id: str
    device_now: datetime | None
    ops: list


def parse_device_id(value, *, required: bool) -> str | None | Problem:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_DEVICE_ID:
        return BAD_DEVICE_ID
    if not value.isprintable():  # NUL and other control characters: no database keeps them
        return BAD_DEVICE_ID
    return value


def parse_push(body) -> PushRequest | Problem:
    """`{"device_id", "device_now", "ops": [...]}`: the batch as a whole, not each op."""
    if not isinstance(body, dict):
        return NOT_AN_OBJECT
    ops = body.get("ops")
    if not isinstance(ops, list):
        return OPS_NOT_A_LIST
    if len(ops) > MAX_OPS:
        return TOO_MANY_OPS
    device_id = parse_device_id(body.get("device_id"), required=True)
    if isinstance(device_id, Problem):
        return device_id
    device_now = None
    if body.get("device_now") is not None:
        device_now = parse_iso_datetime(body["device_now"])
        if device_now is None:
            return BAD_DEVICE_NOW
    return PushRequest(device_id, device_now, ops)


def parse_cursor(value: str | None) -> int | Problem:
    """The pull's cursor from the query string: absent or empty is 0 (everything)."""
    if value is None or value == "":
        return 0
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        return BAD_CURSOR
    cursor = int(value)
    return cursor if cursor < MAX_CURSOR else BAD_CURSOR
