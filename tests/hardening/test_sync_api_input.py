"""Hostile bodies for the sync API: wrong types, huge numbers, deep JSON, unicode tricks,
duplicate keys, missing CSRF, oversize bodies. Always a 4xx with a clear JSON error (or a 200
whose every op has its own result), never a 500; a refused body changes nothing."""

import json
import uuid

from hypothesis import given
from hypothesis import strategies as st

from core.store.models import JournalTxn
from tests.hardening.conftest import fingerprint, fuzz, signed_in, skipped

PUSH, PULL = "/api/v1/sync/push", "/api/v1/sync/pull"
STATUSES = {"accepted", "duplicate", "needs_review", "rejected", "retry_later"}

# Text a person or a broken phone might send: Thai with stacked combining marks, bidi
# overrides, zero-width joiners, NUL, lone surrogates, emoji, markup.
TRICKY = st.sampled_from([
    "กิ่ ่ ่ ่", "\u0e01\u0e34\u0e48\u0e49\u0e4a", "\u202eevil\u202c", "a\u200db", "\x00",
    "\ud800", "😀" * 50, "<script>alert(1)</script>", "' OR 1=1 --", "", " ", "٣",
    "１２３", "1e309", "NaN", "-0", "9" * 400])
HUGE = st.sampled_from([2**63, -2**63 - 1, 10**30, 2**62, -1, 0, 2**31])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), HUGE, TRICKY, st.text(max_size=40),
                    st.floats(allow_nan=False, allow_infinity=False))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)


def _op_like(group_id, member_id):
    """Envelopes near the real ones: each field right, wrong, or missing."""
    real = st.fixed_dictionaries({
        "op_id": st.one_of(st.builds(lambda: str(uuid.uuid4())), JSON),
        "group_id": st.one_of(st.just(group_id), JSON),
        "type": st.one_of(st.sampled_from(["savings.deposit", "member.create", "void",
                                           "loan.repay", "meeting.close"]), JSON),
        "business_date": st.one_of(st.just("2026-11-20"), st.just("2569-11-20"), JSON),
        "payload": st.one_of(st.fixed_dictionaries({
            "member_id": st.one_of(st.just(member_id), JSON),
            "amount_satang": st.one_of(HUGE, st.integers(), JSON),
            "name": TRICKY, "joined_on": st.just("2025-01-01")}), JSON),
    }, optional={"device_seq": JSON, "base_version": JSON, "recorded_at": JSON})
    return st.one_of(real, JSON)


def _bodies(group_id, member_id):
    return st.one_of(
        JSON,
        st.fixed_dictionaries({"ops": st.lists(_op_like(group_id, member_id), max_size=5)},
                              optional={"device_id": st.one_of(TRICKY, JSON),
                                        "device_now": st.one_of(TRICKY, JSON)}),
    )


def _well_shaped_op(group_id, member_id):
    """An op of any type whose payload has every field of the right kind, at the edges of
    what the shape allows: the handlers, not the parser, must cope."""
    from core.ops import COUNT, DATE, DICT, INT, LIST, MAX_SATANG, MONEY, PAYLOADS, TEXT, UUID

    kinds = {UUID: st.one_of(st.just(member_id), st.builds(lambda: str(uuid.uuid4()))),
             MONEY: st.sampled_from([1, 99, MAX_SATANG]), COUNT: st.sampled_from([1, 100_000]),
             INT: st.sampled_from([-MAX_SATANG, 0, MAX_SATANG]),
             DATE: st.sampled_from(["0001-01-01", "9999-12-31", "2024-02-29", "2026-11-20"]),
             TEXT: st.one_of(TRICKY.filter(lambda t: t != "\ud800"), st.just("x" * 2000)),
             DICT: st.dictionaries(st.sampled_from(["name", "phone", "birth_date", "x"]),
                                   TRICKY.filter(lambda t: t != "\ud800"), max_size=3),
             LIST: st.lists(st.one_of(st.just(member_id), TRICKY.filter(
                 lambda t: t != "\ud800")), max_size=3)}

    def build(op_type):
        required, optional = PAYLOADS[op_type]
        fields = {name: kinds[kind] for name, kind in required.items()}
        return st.fixed_dictionaries({
            "op_id": st.builds(lambda: str(uuid.uuid4())), "group_id": st.just(group_id),
            "type": st.just(op_type),
            "business_date": st.sampled_from(["2026-11-20", "2000-01-01", "2100-01-01"]),
            "payload": st.fixed_dictionaries(fields, optional={
                name: kinds[kind] for name, kind in optional.items()})})

    return st.sampled_from(sorted(t for t in PAYLOADS if not skipped(t))).flatmap(build)


def _check_json_error(response):
    assert 400 <= response.status_code < 500, response.status_code
    error = response.get_json()["error"]
    assert error["code"] and error["message"], error


def test_generated_push_bodies_never_give_a_500(app, world):
    client, token = signed_in(app, "treasurer")
    headers = {"X-CSRFToken": token}

    cases = []

    @fuzz(700)
    @given(_bodies(world.group.id, world.member_id))
    def push(body):
        cases.append(1)
        before = fingerprint()
        txns = JournalTxn.select().count()
        response = client.post(PUSH, data=json.dumps(body), headers=headers,
                               content_type="application/json")
        assert response.status_code != 500
        if response.status_code == 200:
            results = response.get_json()["results"]
            assert len(results) == len(body["ops"])
            assert {r["status"] for r in results} <= STATUSES
            for result in results:
                if result["status"] == "rejected":
                    assert result["reason"] and result["message"], result
            if not any(r["status"] in ("accepted", "needs_review") for r in results):
                assert JournalTxn.select().count() == txns  # nothing moved the books
        else:
            _check_json_error(response)
            assert fingerprint() == before

    push()
    assert len(cases) >= 700  # the budget was spent: the search space did not run dry


def test_every_op_type_with_edge_values_never_gives_a_500(app, world):
    client, token = signed_in(app, "committee")

    cases = []

    @fuzz(300)
    @given(st.lists(_well_shaped_op(world.group.id, world.member_id), min_size=1, max_size=3))
    def push(ops):
        cases.append(1)
        response = client.post(PUSH, json={"device_id": "edge-phone", "ops": ops},
                               headers={"X-CSRFToken": token})
        assert response.status_code == 200, response.status_code
        results = response.get_json()["results"]
        assert [r["op_id"] for r in results] == [op["op_id"] for op in ops]
        assert {r["status"] for r in results} <= STATUSES

    push()
    assert len(cases) >= 300  # the budget was spent: the search space did not run dry


def test_generated_raw_bytes_and_texts_are_a_clear_400(app, world):
    client, token = signed_in(app, "treasurer")
    headers = {"X-CSRFToken": token}
    before = fingerprint()

    cases = []

    @fuzz(300)
    @given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                     st.sampled_from([b"", b"null", b"[]", b"NaN", b'{"ops": NaN}',
                                      b"\xef\xbb\xbf{}", b'{"ops": [], "device_id": "\xff"}'])))
    def push(data):
        cases.append(1)
        response = client.post(PUSH, data=data, headers=headers,
                               content_type="application/json")
        _check_json_error(response)

    push()
    assert len(cases) >= 300  # the budget was spent: the search space did not run dry
    assert fingerprint() == before


def test_json_nested_past_the_limit_is_a_400_not_a_recursion_error(app, world):
    client, token = signed_in(app, "treasurer")
    before = fingerprint()
    for depth in (33, 1000, 100_000):
        for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth,
                     '{"ops": [' + "[" * depth + "]" * depth + '], "device_id": "d"}'):
            response = client.post(PUSH, data=body, headers={"X-CSRFToken": token},
                                   content_type="application/json")
            _check_json_error(response)
            if depth > 100:
                assert "deep" in response.get_json()["error"]["message"] or \
                    "ลึก" in response.get_json()["error"]["message"], depth
    assert fingerprint() == before


def test_a_duplicate_key_is_refused_whole(app, world):
    client, token = signed_in(app, "treasurer")
    op = {"op_id": str(uuid.uuid4()), "group_id": world.group.id, "type": "savings.deposit",
          "business_date": "2026-11-20",
          "payload": {"member_id": world.member_id, "amount_satang": 100}}
    text = json.dumps({"device_id": "phone-x", "ops": [op]})
    # the amount twice: which one would count is a parser's whim, so neither does
    doubled = text.replace('"amount_satang": 100',
                           '"amount_satang": 100, "amount_satang": 10000000')
    before = fingerprint()
    response = client.post(PUSH, data=doubled, headers={"X-CSRFToken": token},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "ข้อมูล JSON มีชื่อฟิลด์ซ้ำกัน"
    assert fingerprint() == before


def test_a_lone_surrogate_is_mended_not_a_stuck_outbox(app, world):
    """A phone cutting a name at a length can split an emoji: the op is kept, with U+FFFD in
    place of the half, and a resend is the same op."""
    from core.store.models import Member

    client, token = signed_in(app, "treasurer")
    member_id = str(uuid.uuid4())
    op = {"op_id": str(uuid.uuid4()), "group_id": world.group.id, "type": "member.create",
          "business_date": "2026-11-20",
          "payload": {"member_id": member_id, "name": "สมใจ 😀\ud83d", "joined_on": "2026-01-01"}}
    body = json.dumps({"device_id": "phone-s", "ops": [op]})  # "\ud83d" stays an escape
    assert "\\ud83d" in body
    statuses = []
    for _ in range(2):
        response = client.post(PUSH, data=body, headers={"X-CSRFToken": token},
                               content_type="application/json")
        assert response.status_code == 200
        statuses.append(response.get_json()["results"][0]["status"])
    assert statuses == ["accepted", "duplicate"]
    assert Member.get_by_id(member_id).name == "สมใจ 😀\ufffd"


def test_an_oversize_body_is_a_413_json_error(app, world):
    client, token = signed_in(app, "treasurer")
    before = fingerprint()
    big = b'{"ops": [], "device_id": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = client.post(PUSH, data=big, headers={"X-CSRFToken": token},
                           content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert fingerprint() == before


def test_a_push_without_the_csrf_token_is_a_400_and_changes_nothing(app, world):
    client, _token = signed_in(app, "treasurer")
    before = fingerprint()
    op = {"op_id": str(uuid.uuid4()), "group_id": world.group.id, "type": "savings.deposit",
          "business_date": "2026-11-20",
          "payload": {"member_id": world.member_id, "amount_satang": 100}}
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = client.post(PUSH, json={"device_id": "d", "ops": [op]}, headers=headers)
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "csrf"
    assert fingerprint() == before


def test_generated_pull_queries_never_give_a_500(app, world):
    client, _token = signed_in(app, "treasurer")
    before = fingerprint()

    cases = []

    # a URL carries UTF-8 only: no lone surrogate can reach the server in a query string
    @fuzz(300)
    @given(st.dictionaries(st.sampled_from(["cursor", "device_id", "x"]),
                           st.one_of(TRICKY.filter(lambda t: t != "\ud800"),
                                     st.text(st.characters(codec="utf-8"), max_size=30),
                                     st.integers().map(str), HUGE.map(str)), max_size=3))
    def pull(query):
        cases.append(1)
        response = client.get(PULL, query_string=query)
        assert response.status_code != 500
        if response.status_code == 200:
            assert isinstance(response.get_json()["cursor"], int)
        else:
            _check_json_error(response)

    pull()
    assert len(cases) >= 300  # the budget was spent: the search space did not run dry
    assert fingerprint() == before
