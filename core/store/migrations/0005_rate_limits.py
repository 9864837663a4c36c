"""Rate limits kept in the database (shared by every app process), and the audit log's index
for its page: a group's rows, newest first."""
from peewee import *


def up(migrator, db):
    class RateLimitHit(Model):
        key = CharField(max_length=120)
        window = BigIntegerField()
        count = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'rate_limit_hit'
            indexes = ((('key', 'window'), True),)
    db.create_tables([RateLimitHit])
    migrator.migrate(
        migrator.add_index('audit_log', ('group_id', 'created_at'), False),
    )
