"""Helpers of the sync tests: a phone signed in through the real sign-in page, talking to the
JSON API with the session cookie and the X-CSRFToken header as the app's outbox does, and op
envelopes as a device makes them."""

import uuid
from datetime import UTC, date, datetime, timedelta

from core.store.models import JournalTxn, SyncOp
from core.thaidate import today_in
from tests.conftest import World, csrf_token, sign_in

PUSH, PULL = "/api/v1/sync/push", "/api/v1/sync/pull"


class Phone:
    """A signed-in app on one device: pushes its outbox and pulls, as JSON."""

    def __init__(self, app, username: str, device_id: str, password: str = World.PASSWORD):
        self.client = app.test_client()
        self.device_id = device_id
        self.username = username
        sign_in(self.client, username, password)
        self.token = csrf_token(self.client, "/account/password")

    def post(self, body=None, *, data=None, token=True):
        headers = {"X-CSRFToken": self.token} if token else {}
        if data is not None:
            return self.client.post(PUSH, data=data, headers=headers,
                                    content_type="application/json")
        return self.client.post(PUSH, json=body, headers=headers)

    def push(self, ops, *, device_now="now", device_id=None, expect=200):
        body = {"device_id": device_id or self.device_id, "ops": ops}
        if device_now == "now":
            body["device_now"] = datetime.now(UTC).isoformat()
        elif device_now is not None:
            body["device_now"] = device_now
        response = self.post(body)
        assert response.status_code == expect, response.get_data(as_text=True)[:800]
        return response.get_json()["results"] if expect == 200 else response.get_json()

    def push_one(self, op, **kw):
        (result,) = self.push([op], **kw)
        return result

    def pull(self, cursor=0, *, device_id="mine", expect=200):
        query = {} if cursor is None else {"cursor": cursor}
        if device_id == "mine":
            query["device_id"] = self.device_id
        elif device_id is not None:
            query["device_id"] = device_id
        response = self.client.get(PULL, query_string=query)
        assert response.status_code == expect, response.get_data(as_text=True)[:800]
        return response.get_json()


def today(group) -> date:
    return today_in(group.timezone)


def op(group, op_type, payload, *, business_date=None, op_id=None, **extra) -> dict:
    day = business_date or today(group)
    return {"op_id": op_id or str(uuid.uuid4()), "group_id": group.id, "type": op_type,
            "business_date": day.isoformat() if isinstance(day, date) else day,
            "recorded_at": datetime.now(UTC).isoformat(), "device_seq": 1,
            "payload": payload, "base_version": None, **extra}


def deposit(group, member_id, amount, **kw) -> dict:
    return op(group, "savings.deposit", {"member_id": member_id, "amount_satang": amount}, **kw)


def withdraw(group, member_id, amount, **kw) -> dict:
    return op(group, "savings.withdraw", {"member_id": member_id, "amount_satang": amount},
              **kw)


def new_member_op(group, name, **payload) -> dict:
    return op(group, "member.create", {"member_id": str(uuid.uuid4()), "name": name,
                                       "joined_on": "2025-01-10", **payload})


def books_count() -> tuple[int, int]:
    return SyncOp.select().count(), JournalTxn.select().count()


def txns_of(op_id: str) -> int:
    return (JournalTxn.select().join(SyncOp, on=(JournalTxn.op == SyncOp.id))
            .where(SyncOp.op_id == op_id).count())


def later(minutes: int) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()
