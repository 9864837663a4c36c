"""What the meeting screen shows: every member's entries at a meeting, the running totals,
what the cash box should hold, and who has paid the month's commitment."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import fn

from core import books
from core.policy import with_defaults
from core.store.ledger import balance_of
from core.store.loans import Collectable, collectable_by_member
from core.store.models import Account, Group, JournalLine, JournalTxn, Meeting, Member, SyncOp
from core.store.operations import apply_operation
from core.thaidate import add_months, today_in

# The columns of a meeting row, in order.
COLUMNS = ("savings.deposit", "loan.repay", "fine.pay", "welfare.contribute")


@dataclass(frozen=True)
class Entry:
    txn_id: int
    op_id: str | None
    member_id: str | None
    kind: str
    amount: int  # cash in (positive) or out (negative); for non-cash entries, the debit
    receipt_no: int | None
    voided: bool


@dataclass
class Sheet:
    meeting: Meeting
    members: list[Member]
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # by member id
    group_entries: list[Entry] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # by kind, voided left out
    cash_in: int = 0
    cash_out: int = 0
    expected_cash: int = 0
    fines_due: dict[str, int] = field(default_factory=dict)
    # each borrower's running loans with what to ask for on the meeting's date
    loans: dict[str, list[Collectable]] = field(default_factory=dict)

    def member_total(self, member_id: str, kind: str) -> int:
        return sum(e.amount for e in self.entries.get(member_id, ()) if e.kind == kind
                   and not e.voided)


def meeting_entries(meeting_id: str) -> list[Entry]:
    # Plain tuples of the columns shown: a full meeting is hundreds of entries, and making a
    # model object of each cost more than the query.
    txns = list(JournalTxn.select(JournalTxn.id, SyncOp.op_id, JournalTxn.member,
                                  JournalTxn.kind, JournalTxn.receipt_no, JournalTxn.reverses)
                .join(SyncOp, on=(JournalTxn.op == SyncOp.id))
                .where(JournalTxn.meeting == meeting_id).order_by(JournalTxn.id).tuples())
    if not txns:
        return []
    voided = {reverses for *_, reverses in txns if reverses}
    ids = [txn_id for txn_id, *_, reverses in txns if reverses is None]
    cash = dict(JournalLine.select(JournalLine.txn, fn.SUM(JournalLine.amount))
                .join(Account).where(JournalLine.txn.in_(ids) & (Account.code == books.CASH))
                .group_by(JournalLine.txn).tuples())
    debit = dict(JournalLine.select(JournalLine.txn, fn.SUM(JournalLine.amount))
                 .where(JournalLine.txn.in_(ids) & (JournalLine.amount > 0))
                 .group_by(JournalLine.txn).tuples())
    return [Entry(txn_id, op_id, member_id, kind,
                  int(cash[txn_id]) if txn_id in cash else int(debit.get(txn_id) or 0),
                  receipt_no, txn_id in voided)
            for txn_id, op_id, member_id, kind, receipt_no, reverses in txns
            if reverses is None]


def sheet(meeting: Meeting) -> Sheet:
    entries = meeting_entries(meeting.id)
    member_ids_with_entries = {e.member_id for e in entries if e.member_id}
    members = list(Member.select().where(
        (Member.group == meeting.group_id)
        & ((Member.status == "active") | Member.id.in_(list(member_ids_with_entries) or [""])))
        .order_by(Member.member_no))
    result = Sheet(meeting=meeting, members=members)
    by_member: dict[str, list[Entry]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    for entry in entries:
        if entry.member_id:
            by_member[entry.member_id].append(entry)
        else:
            result.group_entries.append(entry)
        if not entry.voided:
            totals[entry.kind] += entry.amount
            if entry.kind != "meeting.close" and entry.amount > 0:
                result.cash_in += entry.amount
            elif entry.kind != "meeting.close":
                result.cash_out -= entry.amount
    result.entries, result.totals = dict(by_member), dict(totals)
    result.expected_cash = balance_of(meeting.group_id, books.CASH)
    result.fines_due = dict(
        Account.select(Account.member, Account.balance)
        .where((Account.group == meeting.group_id) & (Account.code == books.FINES_DUE)
               & (Account.balance > 0)).tuples())
    result.loans = collectable_by_member(meeting.group_id, meeting.date)
    return result


def row_defaults(group: Group) -> dict[str, int]:
    """The usual amount of each column, prefilled so recording it is one tap."""
    policy = with_defaults(group.policy)
    welfare = policy["welfare"]
    per = {"day": 30, "month": 1, "year": 0}.get(welfare["contribution_per"], 1)
    contribution = welfare["contribution_satang"] * per if per else 0
    return {"savings.deposit": policy["savings"]["monthly_commitment_satang"],
            "welfare.contribute": contribution}


@dataclass(frozen=True)
class CommitmentStatus:
    member: Member
    paid: int
    commitment: int

    @property
    def complete(self) -> bool:
        return self.paid >= self.commitment


def commitment_status(group: Group, month_start: date, month_end: date) -> list[CommitmentStatus]:
    """Each active member's savings deposits in the month against the monthly commitment."""
    commitment = with_defaults(group.policy)["savings"]["monthly_commitment_satang"]
    reversed_ids = JournalTxn.select(JournalTxn.reverses).where(
        (JournalTxn.group == group.id) & JournalTxn.reverses.is_null(False))
    credited = dict(
        JournalTxn.select(JournalTxn.member, fn.SUM(JournalLine.amount))
        .join(JournalLine).join(Account)
        .where((JournalTxn.group == group.id) & (JournalTxn.kind == "savings.deposit")
               & (JournalTxn.business_date.between(month_start, month_end))
               & (Account.code == books.SAVINGS) & JournalTxn.id.not_in(reversed_ids))
        .group_by(JournalTxn.member).tuples())
    members = Member.select().where((Member.group == group.id) & (Member.status == "active"))
    # Savings are credited, so what a member paid is the negated sum of their lines.
    return [CommitmentStatus(m, -int(credited.get(m.id) or 0), commitment)
            for m in members.order_by(Member.member_no)]


def open_meeting_of(group_id: str) -> Meeting | None:
    """The latest meeting still open, where the treasurer carries on recording."""
    return (Meeting.select().where((Meeting.group == group_id) & (Meeting.status == "open"))
            .order_by(Meeting.date.desc(), Meeting.created_at.desc()).first())


def meetings_of(group_id: str, limit: int = 24) -> list[Meeting]:
    return list(Meeting.select().where(Meeting.group == group_id)
                .order_by(Meeting.date.desc(), Meeting.created_at.desc()).limit(limit))


def charge_late_savings_fines(actor, group: Group, month_start: date) -> int:
    """Charge the policy's late-savings fine to each member short of the month's commitment.

    Each charge has an op_id made from the group, member and month, so running this twice for
    the same month charges nobody twice.
    """
    fine = with_defaults(group.policy)["savings"]["late_savings_fine_satang"]
    if not fine:
        return 0
    month_start = month_start.replace(day=1)
    month_end = min(add_months(month_start, 1) - timedelta(days=1), today_in(group.timezone))
    charged = 0
    for status in commitment_status(group, month_start, month_end):
        if status.complete:
            continue
        op_id = str(uuid.uuid5(uuid.UUID(group.id), f"late-savings-fine|{status.member.id}|"
                                                     f"{month_start:%Y-%m}"))
        result = apply_operation(actor, {
            "op_id": op_id, "group_id": group.id, "type": "fine.charge",
            "business_date": month_end.isoformat(),
            "payload": {"member_id": status.member.id, "amount_satang": fine,
                        "reason": f"late savings {month_start:%Y-%m}"}})
        charged += result.status in ("accepted", "needs_review")
    return charged
