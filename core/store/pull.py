"""What a device pulls: for the groups its user may see, what changed since its cursor.

The cursor is the server sequence (`sync_op.server_seq`), handed out by a counter whose row lock
is held until commit, so numbers follow commit order. A pull reads the counter FIRST and then
only looks at rows numbered up to that value: every op numbered at or below it had committed
when the counter was read (a later number could only be taken after its commit), and anything
that commits afterwards gets a higher number and is in the next pull. So a cursor never skips a
commit, on SQLite (one snapshot for the whole read transaction) and on PostgreSQL at READ
COMMITTED alike, and it never goes backwards.

What is sent:
- `groups` and `products` in full every time: they are few, and their edits are not ops, so
  there is no sequence to tell what changed.
- `members` with their balances: all of them for a full pull (cursor 0); after that, the
  members touched by an op numbered above the cursor (its journal entries, or its payload's
  `member_id` for ops that post nothing: create, update, exit). A member role sees only itself.
- `reviews` numbered above the cursor. A review carries `server_seq`: the op's when it opens;
  whoever resolves a review must set it to `next_value(SERVER_SEQ)` in the resolving
  transaction, so that the outcome reaches the devices at their next pull.
- `op_results`: the results of this user's ops from this device numbered above the cursor, so a
  push whose answer was lost is settled without sending it again.
- `loans` (core.store.loan_pull): every loan for a full pull, then those an op numbered
  inside the window touched; each with its schedule. A member role sees only its own.
"""

import json

from peewee import InterfaceError, OperationalError

from core import access
from core.policy import with_defaults
from core.store.access import group_ids_of
from core.store.counters import SERVER_SEQ, current_value
from core.store.db import database
from core.store.loan_pull import pull_loans
from core.store.models import (
    Group,
    JournalTxn,
    LoanProduct,
    Member,
    ReviewItem,
    SyncOp,
    User,
)
from core.store.operations import ACCEPTED, NEEDS_REVIEW, transient
from core.store.summaries import member_figures

BALANCES = ("savings", "shares", "loan_outstanding", "welfare_contributed", "fines_due")
CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on bound values


def pull(user: User, cursor: int, device_id: str | None = None,
         lang: str = "th") -> dict | None:
    """Everything changed since `cursor` that `user` may see, and the cursor to send next;
    None when the database is busy or unreachable for a moment (the device tries again).

    A cursor ahead of the server (a database restored from a backup) gets a full answer with
    `full: true` and the server's cursor, so the device starts again from what is there."""
    try:
        return _pull(user, cursor, device_id, lang)
    except (OperationalError, InterfaceError) as error:
        if not transient(error):
            raise
        return None


def _pull(user: User, cursor: int, device_id: str | None, lang: str) -> dict:
    with database.atomic():  # one snapshot on SQLite; on PostgreSQL the counter goes first
        latest = current_value(SERVER_SEQ)
        if cursor > latest:
            cursor = 0
        group_ids = group_ids_of(user)
        own = None
        if user.role == access.MEMBER:
            own = user.member_id
            if own is None:
                group_ids = []
        window = (cursor, latest)
        members = _members(group_ids, window, own)
        return {
            "cursor": latest,
            "full": cursor == 0,
            "op_results": _op_results(user, device_id, window, lang),
            "groups": _groups(group_ids),
            "products": _products(group_ids, lang),
            "members": members,
            "loans": pull_loans(group_ids, window, own),
            "reviews": [] if own is not None else _reviews(group_ids, window),
        }


def _in_window(seq, window):
    after, upto = window
    return (seq > after) & (seq <= upto)


def _groups(group_ids: list[str]) -> list[dict]:
    if not group_ids:
        return []
    answer = []
    for group in Group.select().where(Group.id.in_(group_ids)).order_by(Group.name, Group.id):
        policies = with_defaults(group.policy)
        # the figures a phone needs most, also at the top of the policies
        policies["share_price_satang"] = policies["savings"]["share_price_satang"]
        policies["monthly_commitment_satang"] = policies["savings"]["monthly_commitment_satang"]
        answer.append({"id": group.id, "name": group.name, "kind": group.kind,
                       "timezone": group.timezone, "policy_version": group.policy_version,
                       "policies": policies})
    return answer


def _products(group_ids: list[str], lang: str) -> list[dict]:
    if not group_ids:
        return []
    rows = LoanProduct.select().where(LoanProduct.group.in_(group_ids)).order_by(
        LoanProduct.group, LoanProduct.name_th)
    return [{"id": p.id, "group_id": p.group_id,
             "name": p.name_th if lang == "th" else (p.name_en or p.name_th),
             "name_th": p.name_th, "name_en": p.name_en, "method": p.method,
             "monthly_rate_bp": p.monthly_rate_bp, "max_months": p.max_months,
             "max_savings_multiple_pct": p.max_savings_multiple_pct,
             "guarantors_needed": p.guarantors_needed, "late_fine_satang": p.late_fine_satang,
             "active": p.active} for p in rows]


def touched_members(group_ids: list[str], window: tuple[int, int]) -> set[str]:
    """Members whose row or balances an op numbered inside the window changed."""
    if not group_ids:
        return set()
    applied = SyncOp.status.in_((ACCEPTED, NEEDS_REVIEW))
    in_scope = SyncOp.group.in_(group_ids) & _in_window(SyncOp.server_seq, window) & applied
    posted = (JournalTxn.select(JournalTxn.member).join(SyncOp, on=(JournalTxn.op == SyncOp.id))
              .where(in_scope & JournalTxn.member.is_null(False)).distinct().tuples())
    touched = {member_id for (member_id,) in posted}
    for (payload,) in SyncOp.select(SyncOp.payload).where(in_scope).tuples():
        try:
            member_id = json.loads(payload).get("member_id")
        except (ValueError, AttributeError):
            continue
        if isinstance(member_id, str):
            touched.add(member_id)
    return touched


def _members(group_ids: list[str], window: tuple[int, int], own: str | None) -> list[dict]:
    if not group_ids:
        return []
    query = Member.select(Member.id, Member.group, Member.member_no, Member.name,
                          Member.status, Member.version).where(Member.group.in_(group_ids))
    if own is not None:
        query = query.where(Member.id == own)
    if window[0] > 0:
        ids = touched_members(group_ids, window)
        if own is not None:
            ids &= {own}
        if not ids:
            return []
        rows = []
        for chunk in _chunks(sorted(ids)):
            rows += list(query.where(Member.id.in_(chunk)).tuples())
    else:
        rows = list(query.tuples())
    rows.sort(key=lambda row: (row[1], row[2]))
    figures = {}
    for chunk in _chunks([row[0] for row in rows]):
        figures.update(member_figures(chunk))
    answer = []
    for member_id, group_id, member_no, name, status, version in rows:
        balances = {name_: figures[member_id][name_] for name_ in BALANCES}
        answer.append({"id": member_id, "group_id": group_id, "member_no": member_no,
                       "name": name, "status": status, "version": version, **balances,
                       "balances": balances})
    return answer


def _reviews(group_ids: list[str], window: tuple[int, int]) -> list[dict]:
    if not group_ids:
        return []
    rows = (ReviewItem.select(ReviewItem.id, ReviewItem.group, SyncOp.op_id, ReviewItem.reason,
                              ReviewItem.state, ReviewItem.server_seq)
            .join(SyncOp, on=(ReviewItem.op == SyncOp.id))
            .where(ReviewItem.group.in_(group_ids)
                   & _in_window(ReviewItem.server_seq, window))
            .order_by(ReviewItem.server_seq, ReviewItem.id).tuples())
    return [{"id": rid, "group_id": group_id, "op_id": op_id, "reason": reason, "state": state,
             "server_seq": seq} for rid, group_id, op_id, reason, state, seq in rows]


def _op_results(user: User, device_id: str | None, window: tuple[int, int],
                lang: str) -> list[dict]:
    if not device_id:
        return []
    rows = (SyncOp.select(SyncOp.op_id, SyncOp.status, SyncOp.reason, SyncOp.message_th,
                          SyncOp.message_en, SyncOp.server_seq)
            .where((SyncOp.user == user.id) & (SyncOp.device == device_id)
                   & _in_window(SyncOp.server_seq, window))
            .order_by(SyncOp.server_seq).tuples())
    return [{"op_id": op_id, "status": status, "reason": reason,
             "message": message_th if lang == "th" else message_en, "server_seq": seq}
            for op_id, status, reason, message_th, message_en, seq in rows]


def _chunks(items: list) -> list[list]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
