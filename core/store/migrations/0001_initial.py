"""The first schema. A frozen copy of the models as they were: later changes get their own
migration and never edit this one."""
from peewee import *


def up(migrator, db):
    class Network(Model):
        id = CharField(primary_key=True, max_length=36)
        name = CharField(max_length=200)
        province = CharField(max_length=100, default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'network'
    db.create_tables([Network])

    class Group(Model):
        id = CharField(primary_key=True, max_length=36)
        network = ForeignKeyField(Network, null=True, on_delete='RESTRICT')
        name = CharField(max_length=200)
        kind = CharField(max_length=20, default='savings')
        province = CharField(max_length=100, default='')
        timezone = CharField(max_length=64, default='Asia/Bangkok')
        policy = TextField()
        policy_version = IntegerField(default=1)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'group'
    db.create_tables([Group])

    class Member(Model):
        id = CharField(primary_key=True, max_length=36)
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        member_no = IntegerField()
        name = CharField(max_length=200)
        national_id = CharField(null=True, max_length=13)
        birth_date = DateField(null=True)
        gender = CharField(null=True, max_length=10)
        phone = CharField(null=True, max_length=20)
        address = TextField(null=True)
        beneficiaries = TextField(null=True)
        vulnerable = TextField(null=True)
        joined_on = DateField()
        status = CharField(max_length=10, default='active')
        exited_on = DateField(null=True)
        version = IntegerField(default=1)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'member'
            indexes = ((('group', 'member_no'), True), (('group', 'national_id'), False))
    db.create_tables([Member])

    class Account(Model):
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        key = CharField(max_length=80)
        code = CharField(max_length=10)
        kind = CharField(max_length=10)
        member = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        balance = BigIntegerField(default=0)
        class Meta:
            database = db
            table_name = 'account'
            indexes = ((('group', 'key'), True),)
    db.create_tables([Account])

    class User(Model):
        username = CharField(unique=True, max_length=80)
        password_hash = CharField(max_length=200)
        display_name = CharField(max_length=200, default='')
        role = CharField(max_length=20)
        language = CharField(max_length=5, default='th')
        active = BooleanField(default=True)
        session_version = IntegerField(default=1)
        member = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        must_change_password = BooleanField(default=False)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class AuditLog(Model):
        group = ForeignKeyField(Group, null=True, on_delete='RESTRICT')
        user = ForeignKeyField(User, null=True, on_delete='SET NULL')
        device = CharField(null=True, max_length=64)
        action = CharField(max_length=60)
        detail = TextField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'audit_log'
    db.create_tables([AuditLog])

    class Counter(Model):
        name = CharField(primary_key=True, max_length=120)
        value = BigIntegerField(default=0)
        class Meta:
            database = db
            table_name = 'counter'
    db.create_tables([Counter])

    class Device(Model):
        id = CharField(primary_key=True, max_length=64)
        user = ForeignKeyField(User, on_delete='CASCADE')
        label = CharField(max_length=200, default='')
        first_seen = DateTimeField()
        last_seen = DateTimeField()
        class Meta:
            database = db
            table_name = 'device'
    db.create_tables([Device])

    class FiscalPeriod(Model):
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        starts_on = DateField()
        ends_on = DateField()
        closed_at = DateTimeField(null=True)
        closed_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'fiscal_period'
    db.create_tables([FiscalPeriod])

    class SyncOp(Model):
        op_id = CharField(unique=True, max_length=36)
        group = ForeignKeyField(Group, null=True, on_delete='RESTRICT')
        user = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        device = CharField(null=True, max_length=64)
        device_seq = BigIntegerField(null=True)
        type = CharField(max_length=40)
        payload = TextField()
        payload_hash = CharField(max_length=64)
        business_date = DateField(null=True)
        recorded_at = CharField(null=True, max_length=40)
        status = CharField(max_length=20)
        reason = CharField(null=True, max_length=40)
        message_th = TextField(null=True)
        message_en = TextField(null=True)
        server_seq = BigIntegerField(unique=True)
        received_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'sync_op'
            indexes = ((('group', 'server_seq'), False),)
    db.create_tables([SyncOp])

    class Meeting(Model):
        id = CharField(primary_key=True, max_length=36)
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        date = DateField()
        status = CharField(max_length=10, default='open')
        opened_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        closed_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        closed_at = DateTimeField(null=True)
        counted_cash = BigIntegerField(null=True)
        expected_cash = BigIntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meeting'
            indexes = ((('group', 'date'), False),)
    db.create_tables([Meeting])

    class JournalTxn(Model):
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        op = ForeignKeyField(SyncOp, null=True, on_delete='RESTRICT')
        meeting = ForeignKeyField(Meeting, null=True, on_delete='RESTRICT')
        kind = CharField(max_length=40)
        business_date = DateField()
        memo = TextField(default='')
        member = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        receipt_no = IntegerField(null=True)
        reverses = ForeignKeyField('self', null=True, on_delete='RESTRICT', index=False)
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'journal_txn'
            indexes = ((('group', 'business_date'), False), (('group', 'receipt_no'), True), (('reverses',), True))
    db.create_tables([JournalTxn])

    class JournalLine(Model):
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        txn = ForeignKeyField(JournalTxn, on_delete='RESTRICT')
        account = ForeignKeyField(Account, on_delete='RESTRICT')
        amount = BigIntegerField()
        class Meta:
            database = db
            table_name = 'journal_line'
    db.create_tables([JournalLine])

    class LoanProduct(Model):
        id = CharField(primary_key=True, max_length=36)
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        name_th = CharField(max_length=200)
        name_en = CharField(max_length=200, default='')
        method = CharField(max_length=20)
        monthly_rate_bp = IntegerField()
        max_months = IntegerField()
        max_savings_multiple_pct = IntegerField(default=300)
        guarantors_needed = IntegerField(default=0)
        late_fine_satang = BigIntegerField(default=0)
        grace_days = IntegerField(default=0)
        waive_future_interest = BooleanField(default=True)
        one_loan_at_a_time = BooleanField(default=True)
        count_shares = BooleanField(default=True)
        guarantor_limit_multiple_pct = IntegerField(null=True)
        guarantor_limit_satang = BigIntegerField(null=True)
        rounding = CharField(max_length=10, default='satang')
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'loan_product'
    db.create_tables([LoanProduct])

    class Loan(Model):
        id = CharField(primary_key=True, max_length=36)
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        product = ForeignKeyField(LoanProduct, on_delete='RESTRICT')
        principal = BigIntegerField()
        months = IntegerField()
        method = CharField(max_length=20)
        monthly_rate_bp = IntegerField()
        rounding = CharField(max_length=10, default='satang')
        purpose = TextField(default='')
        status = CharField(max_length=20, default='applied')
        applied_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        approved_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        disbursed_on = DateField(null=True)
        schedule_start = DateField(null=True)
        schedule_principal = BigIntegerField(null=True)
        schedule_months = IntegerField(null=True)
        schedule_paid_principal = BigIntegerField(default=0)
        schedule_paid_interest = BigIntegerField(default=0)
        closed_on = DateField(null=True)
        paid_principal = BigIntegerField(default=0)
        paid_interest = BigIntegerField(default=0)
        version = IntegerField(default=1)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'loan'
    db.create_tables([Loan])

    class LoanGuarantor(Model):
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        loan = ForeignKeyField(Loan, on_delete='RESTRICT')
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'loan_guarantor'
            indexes = ((('loan', 'member'), True),)
    db.create_tables([LoanGuarantor])

    class LoginAttempt(Model):
        username = CharField(index=True, max_length=80)
        address = CharField(index=True, max_length=64)
        succeeded = BooleanField()
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'login_attempt'
    db.create_tables([LoginAttempt])

    class MemberChange(Model):
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        version = IntegerField()
        op = ForeignKeyField(SyncOp, null=True, on_delete='RESTRICT')
        fields = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'member_change'
    db.create_tables([MemberChange])

    class Notice(Model):
        group = ForeignKeyField(Group, null=True, on_delete='RESTRICT')
        user = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=40)
        topic = CharField(null=True, max_length=64)
        payload = TextField()
        due_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        attempts = IntegerField(default=0)
        last_error = TextField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'notice'
    db.create_tables([Notice])

    class ReviewItem(Model):
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        op = ForeignKeyField(SyncOp, on_delete='RESTRICT')
        reason = CharField(max_length=40)
        books_said = TextField(null=True)
        state = CharField(max_length=20, default='open')
        resolved_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        resolved_at = DateTimeField(null=True)
        resolution_note = TextField(null=True)
        server_seq = BigIntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'review_item'
    db.create_tables([ReviewItem])

    class UserGroup(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        group = ForeignKeyField(Group, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'user_group'
            indexes = ((('user', 'group'), True),)
    db.create_tables([UserGroup])

    class WelfareClaim(Model):
        id = CharField(primary_key=True, max_length=36)
        group = ForeignKeyField(Group, on_delete='RESTRICT')
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        benefit_type = CharField(max_length=40)
        event_date = DateField()
        nights = IntegerField(null=True)
        note = TextField(default='')
        status = CharField(max_length=12, default='claimed')
        allowed = BooleanField(default=True)
        assessment = TextField(null=True)
        suggested_satang = BigIntegerField(default=0)
        approved_satang = BigIntegerField(null=True)
        decision_reason = TextField(null=True)
        claimed_on = DateField()
        claimed_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        decided_on = DateField(null=True)
        decided_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        paid_on = DateField(null=True)
        paid_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        version = IntegerField(default=1)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'welfare_claim'
            indexes = ((('group', 'status'), False), (('group', 'member', 'benefit_type'), False))
    db.create_tables([WelfareClaim])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('welfare_claim'))
    migrator.migrate(migrator.drop_table('user_group'))
    migrator.migrate(migrator.drop_table('review_item'))
    migrator.migrate(migrator.drop_table('notice'))
    migrator.migrate(migrator.drop_table('member_change'))
    migrator.migrate(migrator.drop_table('login_attempt'))
    migrator.migrate(migrator.drop_table('loan_guarantor'))
    migrator.migrate(migrator.drop_table('loan'))
    migrator.migrate(migrator.drop_table('loan_product'))
    migrator.migrate(migrator.drop_table('journal_line'))
    migrator.migrate(migrator.drop_table('journal_txn'))
    migrator.migrate(migrator.drop_table('meeting'))
    migrator.migrate(migrator.drop_table('sync_op'))
    migrator.migrate(migrator.drop_table('fiscal_period'))
    migrator.migrate(migrator.drop_table('device'))
    migrator.migrate(migrator.drop_table('counter'))
    migrator.migrate(migrator.drop_table('audit_log'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('account'))
    migrator.migrate(migrator.drop_table('member'))
    migrator.migrate(migrator.drop_table('group'))
    migrator.migrate(migrator.drop_table('network'))
