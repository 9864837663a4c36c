"""Monthly totals per group and chart code (core.store.models.MonthTotal), filled from the
journal already written so an upgraded database reports the same figures as before; and the
index of transactions by meeting made to cover the attendance count (meeting, member, kind)."""
from peewee import (BigIntegerField, CharField, ForeignKeyField, IntegerField, Model,
                    PostgresqlDatabase)


def up(migrator, db):
    class Group(Model):
        id = CharField(primary_key=True, max_length=36)
        class Meta:
            database = db
            table_name = 'group'

    class MonthTotal(Model):
        group = ForeignKeyField(Group, on_delete='RESTRICT', index=False)
        month = IntegerField()
        code = CharField(max_length=10)
        debit = BigIntegerField(default=0)
        credit = BigIntegerField(default=0)
        closing = BigIntegerField(default=0)
        members = BigIntegerField(default=0)
        class Meta:
            database = db
            table_name = 'month_total'
            indexes = ((('group', 'month', 'code'), True),)
    db.create_tables([MonthTotal])
    backfill(db)
    migrator.migrate(
        migrator.drop_index('journal_txn', 'journaltxn_meeting_id'),
        migrator.add_index('journal_txn', ('meeting_id', 'member_id', 'kind'), False),
    )


def backfill(db):
    if isinstance(db, PostgresqlDatabase):
        month = "CAST(to_char(t.business_date, 'YYYYMM') AS INTEGER)"
    else:
        month = "CAST(strftime('%Y%m', t.business_date) AS INTEGER)"
    closing = "t.kind = 'year.close'"
    db.execute_sql(
        'INSERT INTO "month_total" ("group_id", "month", "code", "debit", "credit", "closing",'
        ' "members") '
        f'SELECT t.group_id, {month}, a.code,'
        ' SUM(CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END),'
        ' SUM(CASE WHEN l.amount < 0 THEN -l.amount ELSE 0 END),'
        f' SUM(CASE WHEN {closing} THEN l.amount ELSE 0 END),'
        f' SUM(CASE WHEN a.member_id IS NOT NULL AND NOT ({closing}) THEN l.amount ELSE 0 END)'
        ' FROM "journal_line" l JOIN "journal_txn" t ON t.id = l.txn_id'
        ' JOIN "account" a ON a.id = l.account_id'
        f' GROUP BY t.group_id, {month}, a.code')
