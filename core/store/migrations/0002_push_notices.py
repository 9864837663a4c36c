"""Push notices: subscriptions, deliveries, and a notice's dedupe key and read time."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('notice', 'dedupe_key', CharField(max_length=200, null=True)),
        migrator.add_column('notice', 'read_at', DateTimeField(null=True)),
        migrator.add_index('notice', ('dedupe_key',), True),
        migrator.add_index('notice', ('sent_at', 'due_at'), False),
        migrator.add_index('notice', ('user_id', 'created_at'), False),
    )

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Notice(Model):
        class Meta:
            database = db
            table_name = 'notice'

    class PushSubscription(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        endpoint = CharField(max_length=1000, unique=True)
        p256dh = CharField(max_length=200)
        auth = CharField(max_length=100)
        label = CharField(max_length=200, default='')
        created_at = DateTimeField()
        last_sent_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'push_subscription'
    db.create_tables([PushSubscription])

    class NoticeDelivery(Model):
        notice = ForeignKeyField(Notice, on_delete='CASCADE')
        subscription = ForeignKeyField(PushSubscription, on_delete='CASCADE')
        sent_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'notice_delivery'
            indexes = ((('notice', 'subscription'), True),)
    db.create_tables([NoticeDelivery])
