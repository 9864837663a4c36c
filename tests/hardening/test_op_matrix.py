"""Every op type of the sync contract, for every role, in its own group and in another group,
through `apply_operation` and through the sync API: allowed where core.access says, refused
as `forbidden` everywhere else, and no answer carries another group's or member's data."""

import json
import uuid

import pytest

from core import access
from core.ops import DATE, DICT, INT, LIST, MONEY, PAYLOADS, TEXT, UUID
from core.store.models import SyncOp
from core.store.operations import Actor, apply_operation
from tests.conftest import today_iso
from tests.sync.phones import PUSH, Phone
from tests.webapp.test_access_matrix import _claim_id, _loan_id, _meeting_id, _product_id

ROLES = ("admin", "staff", "committee", "treasurer", "member")
OUTSIDER = "คนนอก กลุ่มสอง"  # a member of the other group: never named in an answer


@pytest.fixture
def things(world):
    """Ids of the world's group that ops may name, and the other group's member."""
    world.other_member = world.add_member(OUTSIDER, group=world.other, by="other-treasurer")
    target = world.apply("savings.deposit", {"member_id": world.member_id,
                                             "amount_satang": 700})
    return {"member_id": world.member_id, "loan_id": _loan_id(world),
            "claim_id": _claim_id(world), "meeting_id": _meeting_id(world),
            "product_id": _product_id(world), "target_op_id": target.op_id}


def _payload(op_type, things, group) -> dict:
    required, _optional = PAYLOADS[op_type]
    payload = {}
    for name, kind in required.items():
        if kind == UUID:
            payload[name] = things.get(name) if group == "own" else str(uuid.uuid4())
            if name in ("member_id", "loan_id", "claim_id", "meeting_id") and op_type in (
                    "member.create", "loan.apply", "welfare.claim", "meeting.open"):
                payload[name] = str(uuid.uuid4())  # a new thing's id is made on the device
        elif kind in (MONEY, INT):
            payload[name] = 100
        elif kind == DATE:
            payload[name] = "2025-02-01"
        elif kind == TEXT:
            payload[name] = "birth" if name == "benefit_type" else "ทดสอบ"
        elif kind == DICT:
            payload[name] = {"phone": "0812345678"}
        elif kind == LIST:
            payload[name] = []
        else:  # COUNT
            payload[name] = 2569 if name == "year_be" else 1
    return payload


def _envelope(world, things, op_type, where):
    group = world.group if where == "own" else world.other
    return {"op_id": str(uuid.uuid4()), "group_id": group.id, "type": op_type,
            "business_date": today_iso(group), "payload": _payload(op_type, things, where)}


def _allowed(role, op_type, where) -> bool:
    return where == "own" and access.may_apply(role, op_type)


def test_the_matrix_covers_every_op_type():
    granted = set().union(*access.OPS_BY_ROLE.values())
    assert granted <= set(PAYLOADS), granted - set(PAYLOADS)
    # every type some role may apply, and any type no role may, are both walked below
    assert len(PAYLOADS) >= 25


@pytest.mark.parametrize("role", ROLES)
def test_apply_operation_allows_each_role_only_its_op_types_in_its_own_group(world, things,
                                                                             role):
    actor = Actor(world.users[role], "matrix-device")
    for op_type in sorted(PAYLOADS):
        for where in ("own", "other"):
            envelope = _envelope(world, things, op_type, where)
            result = apply_operation(actor, envelope)
            if _allowed(role, op_type, where):
                assert result.reason != "forbidden", (role, op_type, result)
            else:
                assert (result.status, result.reason) == ("rejected", "forbidden"), (
                    role, op_type, where, result)
                assert SyncOp.get(SyncOp.op_id == envelope["op_id"]).status == "rejected"
            text = json.dumps(result.as_json("th"), ensure_ascii=False)
            assert OUTSIDER not in text and world.other.name not in text


@pytest.mark.parametrize("role", ROLES)
def test_the_sync_api_allows_each_role_only_its_op_types_in_its_own_group(app, world, things,
                                                                          role):
    from tests.conftest import World

    phone = Phone(app, role, f"matrix-{role}",
                  World.MEMBER_PIN if role == "member" else World.PASSWORD)
    envelopes = [_envelope(world, things, op_type, where)
                 for op_type in sorted(PAYLOADS) for where in ("own", "other")]
    response = phone.post({"device_id": phone.device_id, "ops": envelopes})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_data(as_text=True)
    assert OUTSIDER not in json.loads(json.dumps(text)) and world.other.name not in text
    for envelope, result in zip(envelopes, response.get_json()["results"], strict=True):
        where = "own" if envelope["group_id"] == world.group.id else "other"
        assert result["op_id"] == envelope["op_id"]
        if _allowed(role, envelope["type"], where):
            assert result["reason"] != "forbidden", (role, envelope["type"], result)
        else:
            assert (result["status"], result["reason"]) == ("rejected", "forbidden"), (
                role, envelope["type"], where, result)
    pulled = phone.client.get("/api/v1/sync/pull").get_data(as_text=True)
    assert OUTSIDER not in pulled and world.other.name not in pulled


def test_signed_out_the_sync_api_applies_nothing(app, world, things):
    client = app.test_client()
    before = SyncOp.select().count()
    response = client.post(PUSH, json={"device_id": "d", "ops": [
        _envelope(world, things, "savings.deposit", "own")]})
    assert response.status_code == 401 and response.get_json()["error"]["code"]
    assert client.get("/api/v1/sync/pull").status_code == 401
    assert SyncOp.select().count() == before


def test_a_member_pulls_only_their_own_figures(app, world, things):
    neighbour = world.add_member("เพื่อนบ้าน ในกลุ่ม")
    from tests.conftest import World

    phone = Phone(app, "member", "member-phone", World.MEMBER_PIN)
    pulled = phone.pull()
    assert {m["id"] for m in pulled["members"]} == {world.member_id}
    text = json.dumps(pulled, ensure_ascii=False)
    assert "เพื่อนบ้าน ในกลุ่ม" not in text and OUTSIDER not in text and neighbour not in text
