"""The tables. Every row that belongs to a group carries the group's id.

Money is BigIntegerField satang. Ids of things a device may create (members, loans, meetings)
are UUID strings made on the device; internal rows (accounts, journal) use integer keys.
"""

import datetime
import json

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from core.store.db import database


def utcnow() -> datetime.datetime:
    # Stored naive in UTC: SQLite has no zones, and every display converts explicitly.
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class JSONText(TextField):
    """JSON kept as text, so the same column works on SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Counter(BaseModel):
    """Named sequences whose increments commit with the rows that use them (no gaps on rollback)."""

    name = CharField(primary_key=True, max_length=120)
    value = BigIntegerField(default=0)


class Network(BaseModel):
    id = CharField(primary_key=True, max_length=36)
    name = CharField(max_length=200)
    province = CharField(max_length=100, default="")
    created_at = DateTimeField(default=utcnow)


class Group(BaseModel):
    id = CharField(primary_key=True, max_length=36)
    network = ForeignKeyField(Network, null=True, backref="groups", on_delete="RESTRICT")
    name = CharField(max_length=200)
    kind = CharField(max_length=20, default="savings")  # savings, welfare, vsla
    province = CharField(max_length=100, default="")
    timezone = CharField(max_length=64, default="Asia/Bangkok")
    policy = JSONText(default=dict)
    policy_version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)


class LoanProduct(BaseModel):
    id = CharField(primary_key=True, max_length=36)
    group = ForeignKeyField(Group, backref="products", on_delete="RESTRICT")
    name_th = CharField(max_length=200)
    name_en = CharField(max_length=200, default="")
    method = CharField(max_length=20)  # flat or declining
    monthly_rate_bp = IntegerField()  # basis points a month: 100 = 1 % a month
    max_months = IntegerField()
    max_savings_multiple_pct = IntegerField(default=300)
    guarantors_needed = IntegerField(default=0)
    late_fine_satang = BigIntegerField(default=0)
    grace_days = IntegerField(default=0)
    waive_future_interest = BooleanField(default=True)  # early payoff of a flat loan
    one_loan_at_a_time = BooleanField(default=True)
    count_shares = BooleanField(default=True)
    guarantor_limit_multiple_pct = IntegerField(null=True)
    guarantor_limit_satang = BigIntegerField(null=True)  # most one person may guarantee
    rounding = CharField(max_length=10, default="satang")
    active = BooleanField(default=True)


class Member(BaseModel):
    id = CharField(primary_key=True, max_length=36)
    group = ForeignKeyField(Group, backref="members", on_delete="RESTRICT")
    member_no = IntegerField()
    name = CharField(max_length=200)
    national_id = CharField(max_length=13, null=True)
    birth_date = DateField(null=True)
    gender = CharField(max_length=10, null=True)
    phone = CharField(max_length=20, null=True)
    address = JSONText(null=True)
    beneficiaries = JSONText(null=True)
    vulnerable = JSONText(null=True)  # codes of core.welfare.VULNERABLE the member belongs to
    joined_on = DateField()
    status = CharField(max_length=10, default="active")  # active, exited
    exited_on = DateField(null=True)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("group", "member_no"), True), (("group", "national_id"), False))


class User(BaseModel):
    username = CharField(max_length=80, unique=True)
    password_hash = CharField(max_length=200)
    display_name = CharField(max_length=200, default="")
    role = CharField(max_length=20)
    language = CharField(max_length=5, default="th")
    active = BooleanField(default=True)
    session_version = IntegerField(default=1)  # raising it signs the user out everywhere
    member = ForeignKeyField(Member, null=True, backref="users", on_delete="RESTRICT")
    must_change_password = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)


class UserGroup(BaseModel):
    user = ForeignKeyField(User, backref="group_links", on_delete="CASCADE")
    group = ForeignKeyField(Group, backref="user_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "group"), True),)


class Device(BaseModel):
    id = CharField(primary_key=True, max_length=64)  # made by the device once per install
    user = ForeignKeyField(User, backref="devices", on_delete="CASCADE")
    label = CharField(max_length=200, default="")
    first_seen = DateTimeField(default=utcnow)
    last_seen = DateTimeField(default=utcnow)


class Loan(BaseModel):
    """A member's loan. Its schedule is worked out from these terms by core.loans.schedule;
    what was paid is kept here in the same transaction as the journal lines that paid it."""

    id = CharField(primary_key=True, max_length=36)
    group = ForeignKeyField(Group, backref="loans", on_delete="RESTRICT")
    member = ForeignKeyField(Member, backref="loans", on_delete="RESTRICT")
    product = ForeignKeyField(LoanProduct, on_delete="RESTRICT")
    principal = BigIntegerField()
    months = IntegerField()
    method = CharField(max_length=20)
    monthly_rate_bp = IntegerField()
    rounding = CharField(max_length=10, default="satang")
    purpose = TextField(default="")
    status = CharField(max_length=20, default="applied")
    # applied, approved, disbursed, closed, written_off
    applied_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    approved_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    disbursed_on = DateField(null=True)
    # A rescheduled loan's schedule: from schedule_start, for schedule_principal over
    # schedule_months; what was paid before it (schedule_paid_*) does not count against it.
    schedule_start = DateField(null=True)  # the day the schedule counts from (rescheduling)
    schedule_principal = BigIntegerField(null=True)
    schedule_months = IntegerField(null=True)
    schedule_paid_principal = BigIntegerField(default=0)
    schedule_paid_interest = BigIntegerField(default=0)
    closed_on = DateField(null=True)
    paid_principal = BigIntegerField(default=0)
    paid_interest = BigIntegerField(default=0)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)


class LoanGuarantor(BaseModel):
    group = ForeignKeyField(Group, on_delete="RESTRICT")
    loan = ForeignKeyField(Loan, backref="guarantors", on_delete="RESTRICT")
    member = ForeignKeyField(Member, backref="guarantees", on_delete="RESTRICT")

    class Meta:
        indexes = ((("loan", "member"), True),)


class Account(BaseModel):
    group = ForeignKeyField(Group, backref="accounts", on_delete="RESTRICT")
    key = CharField(max_length=80)  # chart code, or code:member_id / code:loan_id
    code = CharField(max_length=10)
    kind = CharField(max_length=10)
    member = ForeignKeyField(Member, null=True, backref="accounts", on_delete="RESTRICT")
    balance = BigIntegerField(default=0)  # debits minus credits, cached with every posting

    class Meta:
        indexes = ((("group", "key"), True),)


class SyncOp(BaseModel):
    """Every op received from any door, with its result: the exactly-once record."""

    op_id = CharField(max_length=36, unique=True)
    group = ForeignKeyField(Group, null=True, backref="ops", on_delete="RESTRICT")
    user = ForeignKeyField(User, null=True, backref="ops", on_delete="RESTRICT")
    device = CharField(max_length=64, null=True)
    device_seq = BigIntegerField(null=True)
    type = CharField(max_length=40)
    payload = TextField()
    payload_hash = CharField(max_length=64)
    business_date = DateField(null=True)
    recorded_at = CharField(max_length=40, null=True)
    status = CharField(max_length=20)
    reason = CharField(max_length=40, null=True)
    message_th = TextField(null=True)
    message_en = TextField(null=True)
    server_seq = BigIntegerField(unique=True)
    received_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("group", "server_seq"), False),)


class Meeting(BaseModel):
    """A savings day: entries recorded at it, then the cash box counted and the meeting closed."""

    id = CharField(primary_key=True, max_length=36)
    group = ForeignKeyField(Group, backref="meetings", on_delete="RESTRICT")
    date = DateField()
    status = CharField(max_length=10, default="open")  # open, closed
    opened_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    closed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    closed_at = DateTimeField(null=True)
    counted_cash = BigIntegerField(null=True)
    expected_cash = BigIntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("group", "date"), False),)


class JournalTxn(BaseModel):
    group = ForeignKeyField(Group, backref="transactions", on_delete="RESTRICT")
    op = ForeignKeyField(SyncOp, null=True, backref="transactions", on_delete="RESTRICT")
    meeting = ForeignKeyField(Meeting, null=True, backref="transactions", on_delete="RESTRICT",
                              index=False)  # the index below covers the attendance count
    kind = CharField(max_length=40)
    business_date = DateField()
    memo = TextField(default="")
    member = ForeignKeyField(Member, null=True, backref="transactions", on_delete="RESTRICT")
    receipt_no = IntegerField(null=True)
    reverses = ForeignKeyField("self", null=True, backref="reversals", on_delete="RESTRICT",
                               index=False)
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        # A transaction is reversed at most once, whatever path the reversal takes.
        indexes = ((("group", "business_date"), False), (("group", "receipt_no"), True),
                   (("reverses",), True), (("meeting", "member", "kind"), False))


class JournalLine(BaseModel):
    group = ForeignKeyField(Group, on_delete="RESTRICT")
    txn = ForeignKeyField(JournalTxn, backref="lines", on_delete="RESTRICT")
    account = ForeignKeyField(Account, backref="lines", on_delete="RESTRICT")
    amount = BigIntegerField()  # debit positive, credit negative


class MemberChange(BaseModel):
    """Which fields each version of a member changed: the base of edit-conflict detection."""

    group = ForeignKeyField(Group, on_delete="RESTRICT")
    member = ForeignKeyField(Member, backref="changes", on_delete="RESTRICT")
    version = IntegerField()
    op = ForeignKeyField(SyncOp, null=True, on_delete="RESTRICT")
    fields = JSONText()  # {"field": [old, new]}
    created_at = DateTimeField(default=utcnow)


class FiscalPeriod(BaseModel):
    group = ForeignKeyField(Group, backref="periods", on_delete="RESTRICT")
    starts_on = DateField()
    ends_on = DateField()
    closed_at = DateTimeField(null=True)
    closed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")


class ReviewItem(BaseModel):
    group = ForeignKeyField(Group, backref="reviews", on_delete="RESTRICT")
    op = ForeignKeyField(SyncOp, backref="reviews", on_delete="RESTRICT")
    reason = CharField(max_length=40)
    books_said = JSONText(null=True)  # what the books showed when the op arrived
    state = CharField(max_length=20, default="open")  # open, confirmed, corrected
    resolved_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    resolved_at = DateTimeField(null=True)
    resolution_note = TextField(null=True)
    server_seq = BigIntegerField(null=True)
    created_at = DateTimeField(default=utcnow)


class Notice(BaseModel):
    group = ForeignKeyField(Group, null=True, on_delete="RESTRICT")
    user = ForeignKeyField(User, backref="notices", on_delete="CASCADE")
    kind = CharField(max_length=40)
    topic = CharField(max_length=64, null=True)
    payload = JSONText()
    due_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    created_at = DateTimeField(default=utcnow)
    # One notice per due item and day: a scheduler run twice finds the key taken.
    dedupe_key = CharField(max_length=200, null=True, unique=True)
    read_at = DateTimeField(null=True)  # seen in the person's in-app notice list

    class Meta:
        indexes = ((("sent_at", "due_at"), False), (("user", "created_at"), False))


class PushSubscription(BaseModel):
    """One browser on one device that asked for push notices (PushSubscription.toJSON())."""

    user = ForeignKeyField(User, backref="push_subscriptions", on_delete="CASCADE")
    endpoint = CharField(max_length=1000, unique=True)
    p256dh = CharField(max_length=200)
    auth = CharField(max_length=100)
    label = CharField(max_length=200, default="")  # which phone, from its user agent
    created_at = DateTimeField(default=utcnow)
    last_sent_at = DateTimeField(null=True)


class NoticeDelivery(BaseModel):
    """A notice that reached one subscription: a retry sends only to those it has not reached."""

    notice = ForeignKeyField(Notice, backref="deliveries", on_delete="CASCADE")
    subscription = ForeignKeyField(PushSubscription, backref="deliveries", on_delete="CASCADE")
    sent_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("notice", "subscription"), True),)


class AuditLog(BaseModel):
    group = ForeignKeyField(Group, null=True, on_delete="RESTRICT")
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    device = CharField(max_length=64, null=True)
    action = CharField(max_length=60)
    detail = JSONText(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("group", "created_at"), False),)


class LoginAttempt(BaseModel):
    username = CharField(max_length=80, index=True)
    address = CharField(max_length=64, index=True)
    succeeded = BooleanField()
    created_at = DateTimeField(default=utcnow, index=True)


class WelfareClaim(BaseModel):
    """A member's claim for a welfare benefit: recorded with what the rules said, decided by
    the committee, paid from the cash box. The amounts are the rule's suggestion and what the
    committee approved; the payment itself is in the journal (memo: the claim's id)."""

    id = CharField(primary_key=True, max_length=36)
    group = ForeignKeyField(Group, backref="welfare_claims", on_delete="RESTRICT")
    member = ForeignKeyField(Member, backref="welfare_claims", on_delete="RESTRICT")
    benefit_type = CharField(max_length=40)
    event_date = DateField()
    nights = IntegerField(null=True)
    note = TextField(default="")
    status = CharField(max_length=12, default="claimed")  # claimed, approved, paid, refused
    allowed = BooleanField(default=True)  # whether the rules allowed it when it was recorded
    assessment = JSONText(null=True)  # the reasons as recorded: [{code, ok, th, en}]
    suggested_satang = BigIntegerField(default=0)
    approved_satang = BigIntegerField(null=True)
    decision_reason = TextField(null=True)  # why raised above the rule, or why refused
    claimed_on = DateField()
    claimed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    decided_on = DateField(null=True)
    decided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    paid_on = DateField(null=True)
    paid_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("group", "status"), False), (("group", "member", "benefit_type"), False))


class RateLimitHit(BaseModel):
    """Requests counted per key (a device, a user) in a fixed window of seconds since the
    epoch: in the database, so that every app process behind one address counts the same."""

    key = CharField(max_length=120)
    window = BigIntegerField()
    count = IntegerField(default=0)

    class Meta:
        indexes = ((("key", "window"), True),)


class MonthTotal(BaseModel):
    """What a group's journal moved on one chart code in one calendar month, kept by
    ledger.post in the posting's transaction and proven by the audit: a report's balance at a
    month end, or its movements over months, is a sum of these few rows instead of a pass over
    the journal. Debits and credits of every line (credits as a positive figure); ``closing``:
    the net of the year-end closing entries; ``members``: the net of the other lines on
    members' own sub-accounts (a welfare fund's contributions, say)."""

    group = ForeignKeyField(Group, on_delete="RESTRICT", index=False)
    month = IntegerField()  # yyyymm of the lines' business date
    code = CharField(max_length=10)
    debit = BigIntegerField(default=0)
    credit = BigIntegerField(default=0)
    closing = BigIntegerField(default=0)
    members = BigIntegerField(default=0)

    class Meta:
        indexes = ((("group", "month", "code"), True),)


ALL_MODELS = [
    Counter, Network, Group, LoanProduct, Member, User, UserGroup, Device, Loan, LoanGuarantor,
    Account, SyncOp, Meeting, JournalTxn, JournalLine, MemberChange, FiscalPeriod, ReviewItem,
    Notice, AuditLog, LoginAttempt, WelfareClaim, PushSubscription, NoticeDelivery, RateLimitHit,
    MonthTotal,
]
