"""The loans a device pulls, each with its schedule, so the phone knows offline what each
member owes.

A full pull (cursor 0) carries every loan of the groups the user may see (a member: only their
own); a later pull carries the loans an op numbered inside the window touched: an op whose
payload names the loan (apply, approve, reschedule, a late fine...) or whose journal entries
moved the loan's account (disburse, repay, write-off, and the void of any of them).
"""

import json

from core import books
from core.store.loans import due_of, paid_on_schedule, schedule_of
from core.store.models import Account, Group, JournalLine, JournalTxn, Loan, SyncOp
from core.store.operations import ACCEPTED, NEEDS_REVIEW
from core.thaidate import today_in

CHUNK = 500


def _in_window(seq, window):
    after, upto = window
    return (seq > after) & (seq <= upto)


def touched_loans(group_ids: list[str], window: tuple[int, int]) -> set[str]:
    applied = SyncOp.status.in_((ACCEPTED, NEEDS_REVIEW))
    in_scope = SyncOp.group.in_(group_ids) & _in_window(SyncOp.server_seq, window) & applied
    touched = set()
    for (payload,) in SyncOp.select(SyncOp.payload).where(in_scope).tuples():
        try:
            loan_id = json.loads(payload).get("loan_id")
        except (ValueError, AttributeError):
            continue
        if isinstance(loan_id, str):
            touched.add(loan_id)
    moved = (Account.select(Account.key).distinct()
             .join(JournalLine, on=(JournalLine.account == Account.id))
             .join(JournalTxn, on=(JournalLine.txn == JournalTxn.id))
             .join(SyncOp, on=(JournalTxn.op == SyncOp.id))
             .where(in_scope & (Account.code == books.LOANS)).tuples())
    touched.update(key.split(":", 1)[1] for (key,) in moved if ":" in key)
    return touched


def pull_loans(group_ids: list[str], window: tuple[int, int], own: str | None) -> list[dict]:
    """The loans for a pull answer: id, group_id, member_id, product_id, principal_satang,
    outstanding_satang (principal still owed), status, the terms, what was paid against the
    current schedule, what is due today in the group's time zone, and the `schedule`."""
    if not group_ids:
        return []
    query = Loan.select().where(Loan.group.in_(group_ids))
    if own is not None:
        query = query.where(Loan.member == own)
    if window[0] > 0:
        ids = sorted(touched_loans(group_ids, window))
        if not ids:
            return []
        rows = []
        for start in range(0, len(ids), CHUNK):
            rows += list(query.where(Loan.id.in_(ids[start:start + CHUNK])))
    else:
        rows = list(query)
    rows.sort(key=lambda loan: (loan.group_id, loan.created_at, loan.id))
    balances = {key.split(":", 1)[1]: balance for key, balance in Account.select(
        Account.key, Account.balance).where(Account.group.in_(group_ids)
                                            & (Account.code == books.LOANS)).tuples()}
    today = {g.id: today_in(g.timezone) for g in Group.select(Group.id, Group.timezone)
             .where(Group.id.in_(group_ids))}
    return [_loan(loan, balances.get(loan.id, 0), today[loan.group_id]) for loan in rows]


def _loan(loan: Loan, balance: int, today) -> dict:
    running = loan.status == "disbursed"
    due = due_of(loan, today) if running else None
    paid_principal, paid_interest = paid_on_schedule(loan)
    return {
        "id": loan.id, "group_id": loan.group_id, "member_id": loan.member_id,
        "product_id": loan.product_id, "principal_satang": loan.principal,
        "outstanding_satang": balance if loan.disbursed_on else 0, "status": loan.status,
        "months": loan.months, "method": loan.method, "monthly_rate_bp": loan.monthly_rate_bp,
        "disbursed_on": loan.disbursed_on.isoformat() if loan.disbursed_on else None,
        "schedule_start": (loan.schedule_start or loan.disbursed_on).isoformat()
        if (loan.schedule_start or loan.disbursed_on) else None,
        "paid_principal_satang": paid_principal, "paid_interest_satang": paid_interest,
        "due_satang": due.total if due else 0,
        "days_past_due": due.days_past_due if due else 0,
        "version": loan.version,
        "schedule": [{"number": i.number, "due_date": i.due_date.isoformat(),
                      "principal_satang": i.principal, "interest_satang": i.interest}
                     for i in schedule_of(loan)],
    }
