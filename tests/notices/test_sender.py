"""The sender against a real push service on 127.0.0.1: VAPID checked, bodies decrypted."""

import re
from datetime import timedelta

import pytest

from bench.pushservice import HANG
from core.store import notices
from core.store.db import database
from core.store.models import Notice, NoticeDelivery, PushSubscription, User, utcnow
from core.webpush import MAX_ATTEMPTS, retry_delay, topic_header
from tests.conftest import together
from tests.notices.conftest import SUBJECT, subscribe


def queue_notice(user, topic="receipt-m1", **extra):
    return notices.queue(user.id, "receipt", title=("รับเงินออมแล้ว", "Savings received"),
                         body=("รับเงินออม ฿500.00 แล้ว", "Savings deposit of ฿500.00 received"),
                         url="/me", topic=topic, **extra)


def fresh(notice_id) -> Notice:
    return Notice.get_by_id(notice_id)


def test_a_deposit_receipt_reaches_the_members_phone_in_thai(world, push_service, sender):
    """The whole path: a deposit through apply_operation queues the member's receipt (in the
    same transaction), and the sender pushes it, readable only with the phone's own keys."""
    member = world.users["member"]
    phone = push_service.add("member-phone")
    subscribe(member, phone)
    for satang in (30_000, 20_000):  # ฿300.00, then ฿200.00: the balance is ฿500.00
        result = world.apply("savings.deposit", {"member_id": world.member_id,
                                                 "amount_satang": satang})
        assert result.status == "accepted", result
    receipts = list(Notice.select().where(Notice.user == member.id, Notice.kind == "receipt")
                    .order_by(Notice.id))
    assert len(receipts) == 2

    report = sender.send_due()

    assert report.delivered == 2 and report.notices_done == 2
    messages = push_service.messages("member-phone")
    assert [m["id"] for m in messages] == [n.id for n in receipts]
    last = messages[-1]
    assert last["title"] == receipts[-1].payload["title"]["th"]
    assert re.search("[ก-๙]", last["title"] + last["body"])  # Thai, the member's language
    assert "฿200.00" in last["body"] and "฿500.00" in last["body"]
    assert "฿300.00" in messages[0]["body"]
    assert last["url"] == "/me"
    push = push_service.pushes("member-phone")[-1]
    assert push.claims["aud"] == push_service.origin and push.claims["sub"] == SUBJECT
    assert all(fresh(n.id).sent_at is not None for n in receipts)
    assert PushSubscription.get(PushSubscription.user == member.id).last_sent_at is not None


def test_the_english_reader_is_told_in_english(world, push_service, sender):
    member = world.users["member"]
    User.update(language="en").where(User.id == member.id).execute()
    subscribe(member, push_service.add("phone"))
    queue_notice(member)
    sender.send_due()
    assert push_service.messages("phone")[0]["body"] == "Savings deposit of ฿500.00 received"


def test_headers_carry_ttl_urgency_and_a_safe_topic(world, push_service, sender):
    member = world.users["member"]
    subscribe(member, push_service.add("phone"))
    queue_notice(member, topic="loan-ข้อความยาวมาก/with:odd chars and more than thirty-two",
                 urgency="high", ttl=3600)
    queue_notice(member, topic=None)
    sender.send_due()
    first, second = push_service.pushes("phone")
    topic = first.headers["topic"]
    assert topic == topic_header("loan-ข้อความยาวมาก/with:odd chars and more than thirty-two")
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,32}", topic)
    assert first.headers["urgency"] == "high" and first.headers["ttl"] == "3600"
    assert "topic" not in second.headers
    assert second.headers["ttl"] == str(7 * 24 * 3600)


def test_two_devices_both_receive(world, push_service, sender):
    member = world.users["member"]
    subscribe(member, push_service.add("phone"))
    subscribe(member, push_service.add("tablet"), label="Safari · iPad")
    notice_id = queue_notice(member)
    report = sender.send_due()
    assert report.delivered == 2
    assert [m["id"] for m in push_service.messages("phone")] == [notice_id]
    assert [m["id"] for m in push_service.messages("tablet")] == [notice_id]
    assert NoticeDelivery.select().where(NoticeDelivery.notice == notice_id).count() == 2


def test_a_person_without_devices_is_done_at_once(world, push_service, sender):
    notice_id = queue_notice(world.users["member"])
    report = sender.send_due()
    assert report.notices_done == 1 and report.delivered == 0
    assert fresh(notice_id).sent_at is not None and push_service.pushes() == []


def test_a_notice_due_later_waits(world, push_service, sender):
    member = world.users["member"]
    subscribe(member, push_service.add("phone"))
    notice_id = queue_notice(member, due_at=utcnow() + timedelta(hours=1))
    assert sender.send_due().delivered == 0
    assert sender.send_due(now=utcnow() + timedelta(hours=2)).delivered == 1
    assert fresh(notice_id).sent_at is not None


def test_after_a_500_the_notice_waits_then_reaches_only_the_device_it_missed(
        world, push_service, sender):
    member = world.users["member"]
    subscribe(member, push_service.add("phone"))
    subscribe(member, push_service.add("tablet", answer=500))
    notice_id = queue_notice(member)
    now = utcnow()

    report = sender.send_due(now=now)

    notice = fresh(notice_id)
    assert report.delivered == 1 and report.retrying == 1
    assert notice.sent_at is None and notice.attempts == 1
    assert "500" in notice.last_error
    assert notice.due_at == now + timedelta(minutes=1)
    assert sender.send_due(now=now + timedelta(seconds=59)).delivered == 0  # not yet due

    push_service.answer("tablet", 201)
    report = sender.send_due(now=now + timedelta(minutes=1))

    assert report.delivered == 1 and report.notices_done == 1
    assert len(push_service.messages("phone")) == 1  # not sent again to the phone
    assert [m["id"] for m in push_service.messages("tablet")] == [notice_id]
    assert len(push_service.pushes("tablet")) == 2  # the failed try, then the good one
    notice = fresh(notice_id)
    assert notice.sent_at is not None and notice.last_error is None and notice.attempts == 1


def test_a_push_service_that_hangs_times_out_and_is_tried_again_later(
        world, push_service, sender, vapid):
    from core.store.notice_sender import NoticeSender

    impatient = NoticeSender(vapid, SUBJECT, timeout=0.5)
    member = world.users["member"]
    subscribe(member, push_service.add("phone", answer=HANG))
    notice_id = queue_notice(member)
    now = utcnow()

    first = impatient.send_due(now=now)
    second = impatient.send_due(now=now + timedelta(minutes=1))

    assert first.retrying == 1 and second.retrying == 1
    notice = fresh(notice_id)
    assert notice.attempts == 2 and "Timeout" in notice.last_error
    assert notice.due_at == now + timedelta(minutes=1) + timedelta(minutes=2)  # 1 min, 2 min
    assert NoticeDelivery.select().count() == 0  # the claim of a failed push is given back

    push_service.answer("phone", 201)
    report = sender.send_due(now=notice.due_at)
    assert report.delivered == 1
    assert [m["id"] for m in push_service.messages("phone")] == [notice_id]
    assert fresh(notice_id).sent_at is not None


def test_the_waits_double_up_to_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert retry_delay(9) == timedelta(minutes=256)
    assert retry_delay(10) == retry_delay(30) == timedelta(hours=6)


def test_a_notice_is_given_up_after_the_last_attempt(world, push_service, vapid):
    from core.store.notice_sender import NoticeSender

    sender = NoticeSender(vapid, SUBJECT, timeout=5, max_attempts=3)
    member = world.users["member"]
    subscribe(member, push_service.add("phone", answer=503))
    notice_id = queue_notice(member)
    now = utcnow()
    for _ in range(3):
        report = sender.send_due(now=now)
        now = fresh(notice_id).due_at
    notice = fresh(notice_id)
    assert report.gave_up == 1 and notice.attempts == 3
    assert notice.sent_at is not None
    assert notice.last_error.startswith("gave up after 3 attempts: push service answered 503")
    assert len(push_service.pushes("phone")) == 3
    assert MAX_ATTEMPTS == 10


@pytest.mark.parametrize("gone", [404, 410])
def test_a_device_the_push_service_no_longer_knows_is_forgotten(
        world, push_service, sender, gone):
    member = world.users["member"]
    subscribe(member, push_service.add("old-phone", answer=gone))
    subscribe(member, push_service.add("new-phone"))
    notice_id = queue_notice(member)

    report = sender.send_due()

    assert report.removed == 1 and report.delivered == 1 and report.notices_done == 1
    endpoints = [s.endpoint for s in PushSubscription.select()]
    assert endpoints == [push_service.subscribers["new-phone"].endpoint]
    assert [m["id"] for m in push_service.messages("new-phone")] == [notice_id]
    assert fresh(notice_id).sent_at is not None


def test_two_senders_at_once_push_each_notice_once_per_device(world, push_service, vapid):
    from core.store.notice_sender import NoticeSender

    member = world.users["member"]
    subscribe(member, push_service.add("phone"))
    subscribe(member, push_service.add("tablet"))
    ids = [queue_notice(member, topic=f"t{i}") for i in range(12)]
    database.close()  # each thread opens its own connection

    reports = together(lambda _: NoticeSender(vapid, SUBJECT, timeout=5).send_due(), 2)

    database.connect(reuse_if_open=True)
    assert sum(r.delivered for r in reports) == 24
    for name in ("phone", "tablet"):
        assert sorted(m["id"] for m in push_service.messages(name)) == ids
    assert Notice.select().where(Notice.sent_at.is_null()).count() == 0


def test_a_deactivated_person_is_not_pushed_to(world, push_service, sender):
    member = world.users["member"]
    subscribe(member, push_service.add("phone"))
    User.update(active=False).where(User.id == member.id).execute()
    notice_id = queue_notice(member)
    sender.send_due()
    assert push_service.pushes() == [] and fresh(notice_id).sent_at is not None


def test_a_long_body_is_cut_to_fit_a_push():
    from core.store.notice_sender import MAX_MESSAGE_BYTES, small_message

    message = {"id": 1, "title": "ประกาศ", "body": "ประชุมใหญ่สามัญประจำปี " * 200,
               "url": "/notices", "tag": "meeting"}
    text = small_message(message)
    assert len(text.encode("utf-8")) <= MAX_MESSAGE_BYTES
    assert '"body":"ประชุมใหญ่สามัญประจำปี' in text and text.endswith('…","url":"/notices",'
                                                                     '"tag":"meeting"}')
    short = {**message, "body": "สั้น"}
    assert small_message(short) == (
        '{"id":1,"title":"ประกาศ","body":"สั้น","url":"/notices","tag":"meeting"}')
