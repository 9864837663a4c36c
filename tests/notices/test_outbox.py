"""The notice outbox: one row per notice, one per dedupe key, texts in both languages."""

from core.store import notices
from core.store.models import Notice


def test_a_notice_is_kept_in_both_languages_and_sent_in_the_readers(world):
    member = world.users["member"]
    notice_id = notices.queue(member.id, "receipt", group_id=world.group.id,
                              title=("รับเงินแล้ว", "Received"),
                              body=("ออมทรัพย์ ฿500.00", "Savings ฿500.00"),
                              url="/me", topic="receipt")
    notice = Notice.get_by_id(notice_id)
    assert notices.message_for(notice, "th") == {
        "id": notice_id, "title": "รับเงินแล้ว", "body": "ออมทรัพย์ ฿500.00", "url": "/me",
        "tag": "receipt"}
    assert notices.message_for(notice, "en")["body"] == "Savings ฿500.00"
    assert notices.message_for(notice, "fr")["title"] == "รับเงินแล้ว"


def test_the_same_dedupe_key_queues_one_notice(world):
    member = world.users["member"]
    kwargs = dict(title=("ครบกำหนด", "Due"), body=("งวดที่ 3", "Instalment 3"), url="/me",
                  dedupe_key="loan-due:L1:3:2026-11-26")
    first = notices.queue(member.id, "loan_due", **kwargs)
    notices.queue(member.id, "receipt", title=("a", "a"), body=("b", "b"), url="/me")
    second = notices.queue(member.id, "loan_due", **kwargs)
    assert first is not None and second is None
    assert Notice.select().where(Notice.kind == "loan_due").count() == 1
