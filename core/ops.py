"""The operation envelope of the sync contract, and what each type's payload must carry.

An op is checked here for shape only (fields, types, positive whole amounts); whether it may be
applied to the books is for the store to say. Parsing returns a value or a Problem, never raises.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from core.errors import Problem, invalid

UUID, MONEY, COUNT, DATE, TEXT, INT, DICT, LIST = (
    "uuid", "money", "count", "date", "text", "int", "dict", "list")

# type -> (required fields, optional fields), each field -> kind
PAYLOADS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "member.create": ({"member_id": UUID, "name": TEXT, "joined_on": DATE},
                      {"national_id": TEXT, "birth_date": DATE, "phone": TEXT,
                       "address": DICT, "beneficiaries": LIST, "gender": TEXT,
                       "vulnerable": LIST}),
    "member.update": ({"member_id": UUID, "fields": DICT}, {}),
    "member.exit": ({"member_id": UUID, "reason": TEXT}, {}),
    "savings.deposit": ({"member_id": UUID, "amount_satang": MONEY}, {}),
    "savings.withdraw": ({"member_id": UUID, "amount_satang": MONEY}, {}),
    "shares.buy": ({"member_id": UUID, "shares": COUNT}, {}),
    "loan.apply": ({"loan_id": UUID, "member_id": UUID, "product_id": UUID,
                    "principal_satang": MONEY, "months": COUNT},
                   {"guarantor_ids": LIST, "purpose": TEXT}),
    "loan.approve": ({"loan_id": UUID}, {}),
    "loan.disburse": ({"loan_id": UUID}, {}),
    "loan.repay": ({"loan_id": UUID, "amount_satang": MONEY}, {}),
    "loan.reschedule": ({"loan_id": UUID, "months": COUNT, "reason": TEXT}, {}),
    "loan.write_off": ({"loan_id": UUID, "reason": TEXT}, {}),
    "fine.charge": ({"member_id": UUID, "amount_satang": MONEY}, {"reason": TEXT}),
    "fine.pay": ({"member_id": UUID, "amount_satang": MONEY}, {"reason": TEXT}),
    "welfare.contribute": ({"member_id": UUID, "amount_satang": MONEY}, {}),
    "welfare.claim": ({"claim_id": UUID, "member_id": UUID, "benefit_type": TEXT,
                       "event_date": DATE}, {"nights": COUNT, "note": TEXT}),
    "welfare.approve": ({"claim_id": UUID, "amount_satang": MONEY}, {"reason": TEXT}),
    "welfare.pay": ({"claim_id": UUID}, {}),
    "welfare.refuse": ({"claim_id": UUID, "reason": TEXT}, {}),
    "meeting.open": ({"meeting_id": UUID, "date": DATE}, {}),
    "meeting.close": ({"meeting_id": UUID, "counted_cash_satang": INT}, {}),
    "group.income": ({"amount_satang": MONEY, "category": TEXT},
                     {"source": TEXT, "note": TEXT, "matching_round": COUNT}),
    "group.expense": ({"amount_satang": MONEY, "category": TEXT},
                      {"source": TEXT, "note": TEXT}),
    "void": ({"target_op_id": UUID, "reason": TEXT}, {}),
    # The figures the committee saw in the preview, as core.store.yearend's books_hash.
    "year.close": ({"year_be": COUNT, "books_hash": TEXT}, {}),
}
OP_TYPES = frozenset(PAYLOADS)
MONEY_FIELDS = ("amount_satang", "principal_satang", "counted_cash_satang")
MAX_SATANG = 10_000_000_000_00  # ten billion baht: anything larger is a typing accident
MAX_TEXT = 2000


@dataclass(frozen=True)
class Op:
    op_id: str
    group_id: str
    type: str
    business_date: date
    payload: dict
    recorded_at: datetime | None = None
    device_seq: int | None = None
    base_version: int | None = None
    meeting_id: str | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def member_id(self) -> str | None:
        return self.payload.get("member_id")


def payload_hash(envelope: dict) -> str:
    """What makes two sends the same op: everything the device decided, canonically encoded."""
    meaningful = {k: envelope.get(k) for k in
                  ("group_id", "type", "business_date", "payload", "base_version")}
    text = json.dumps(meaningful, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _is_uuid(value) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _bad(name: str, th: str, en: str) -> Problem:
    return invalid(f"{name}: {th}", f"{name}: {en}", field=name)


def _check_value(name: str, kind: str, value) -> Problem | None:
    if kind == UUID and not _is_uuid(value):
        return _bad(name, "รหัสไม่ถูกต้อง", "not a valid id")
    if kind == MONEY:
        if type(value) is not int or value <= 0:
            return _bad(name, "จำนวนเงินต้องเป็นสตางค์เต็มที่มากกว่าศูนย์",
                        "the amount must be a positive whole number of satang")
        if value > MAX_SATANG:
            return _bad(name, "จำนวนเงินมากเกินไป", "the amount is too large")
    if kind == COUNT and (type(value) is not int or not 0 < value <= 100_000):
        return _bad(name, "ต้องเป็นจำนวนเต็มบวก", "must be a positive whole number")
    if kind == INT and (type(value) is not int or abs(value) > MAX_SATANG):
        return _bad(name, "ต้องเป็นจำนวนเต็ม", "must be a whole number")
    if kind == DATE and parse_iso_date(value) is None:
        return _bad(name, "วันที่ไม่ถูกต้อง (ปปปป-ดด-วว)", "not a date (YYYY-MM-DD)")
    if kind == TEXT and (not isinstance(value, str) or len(value) > MAX_TEXT):
        return _bad(name, "ต้องเป็นข้อความ", "must be text")
    if kind == DICT and not isinstance(value, dict):
        return _bad(name, "รูปแบบไม่ถูกต้อง", "must be an object")
    if kind == LIST and not isinstance(value, list):
        return _bad(name, "รูปแบบไม่ถูกต้อง", "must be a list")
    return None


def parse_iso_date(value) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_iso_datetime(value) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def parse_op(envelope) -> Op | Problem:
    """Check an envelope's shape and give the Op, or the first Problem found."""
    if not isinstance(envelope, dict):
        return invalid("รายการต้องเป็นออบเจ็กต์ JSON", "An op must be a JSON object")
    if not _is_uuid(envelope.get("op_id")):
        return _bad("op_id", "ต้องเป็น UUID", "must be a UUID")
    if not _is_uuid(envelope.get("group_id")):
        return _bad("group_id", "รหัสกลุ่มไม่ถูกต้อง", "not a valid group id")
    op_type = envelope.get("type")
    if not isinstance(op_type, str) or op_type not in OP_TYPES:
        return _bad("type", "ไม่รู้จักประเภทรายการนี้", "unknown op type")
    business_date = parse_iso_date(envelope.get("business_date"))
    if business_date is None:
        return _bad("business_date", "วันที่ไม่ถูกต้อง", "not a date (YYYY-MM-DD)")
    recorded_at = None
    if envelope.get("recorded_at") is not None:
        recorded_at = parse_iso_datetime(envelope["recorded_at"])
        if recorded_at is None:
            return _bad("recorded_at", "เวลาไม่ถูกต้อง", "not a time with a zone")
    for name in ("device_seq", "base_version"):
        value = envelope.get(name)
        if value is not None and (type(value) is not int or not 0 <= value < 2**62):
            return _bad(name, "ต้องเป็นจำนวนเต็ม", "must be a whole number")
    payload = envelope.get("payload")
    if not isinstance(payload, dict):
        return _bad("payload", "ต้องเป็นออบเจ็กต์", "must be an object")
    problem = check_payload(op_type, payload)
    if problem:
        return problem
    return Op(op_id=envelope["op_id"], group_id=envelope["group_id"], type=op_type,
              business_date=business_date, payload=payload, recorded_at=recorded_at,
              device_seq=envelope.get("device_seq"), base_version=envelope.get("base_version"),
              meeting_id=payload.get("meeting_id"), raw=envelope)


def check_payload(op_type: str, payload: dict) -> Problem | None:
    required, optional = PAYLOADS[op_type]
    for name, kind in required.items():
        if name not in payload or payload[name] is None:
            return _bad(name, "ต้องระบุ", "is required")
        problem = _check_value(name, kind, payload[name])
        if problem:
            return problem
    for name, kind in optional.items():
        if payload.get(name) is not None:
            problem = _check_value(name, kind, payload[name])
            if problem:
                return problem
    if payload.get("meeting_id") is not None and not _is_uuid(payload["meeting_id"]):
        return _bad("meeting_id", "รหัสไม่ถูกต้อง", "not a valid id")
    return None
