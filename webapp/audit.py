"""The audit log page of a group: who did what, from which device, when, for its committee
and field staff (the people who oversee the books; the treasurer, whose work it mostly shows,
reads the cash book instead)."""

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from core import access
from core.ops import OP_TYPES
from core.store import audit_log
from webapp.entry_kinds import ENTRY_KINDS
from webapp.groups import group_in_scope
from webapp.render import page
from webapp.security import roles

bp = Blueprint("audit", __name__, url_prefix="/groups/<group_id>/audit")
AUDITORS = (access.COMMITTEE, access.STAFF)

# What each action is called on the page; an op's own name where the books have one.
ACTIONS = {
    "member.create": _l("Member registered"),
    "member.update": _l("Member details changed"),
    "member.exit": _l("Member left"),
    "savings.deposit": ENTRY_KINDS["savings.deposit"],
    "savings.withdraw": ENTRY_KINDS["savings.withdraw"],
    "shares.buy": ENTRY_KINDS["shares.buy"],
    "loan.apply": _l("Loan application recorded"),
    "loan.approve": _l("Loan approved"),
    "loan.disburse": ENTRY_KINDS["loan.disburse"],
    "loan.repay": ENTRY_KINDS["loan.repay"],
    "loan.reschedule": _l("Loan rescheduled"),
    "loan.write_off": ENTRY_KINDS["loan.write_off"],
    "fine.charge": ENTRY_KINDS["fine.charge"],
    "fine.pay": ENTRY_KINDS["fine.pay"],
    "welfare.contribute": ENTRY_KINDS["welfare.contribute"],
    "welfare.claim": _l("Welfare claim recorded"),
    "welfare.approve": _l("Welfare claim approved"),
    "welfare.refuse": _l("Welfare claim refused"),
    "welfare.pay": ENTRY_KINDS["welfare.pay"],
    "meeting.open": _l("Savings day opened"),
    "meeting.close": _l("Savings day closed"),
    "group.income": ENTRY_KINDS["group.income"],
    "group.expense": ENTRY_KINDS["group.expense"],
    "void": _l("Entry voided"),
    "op.rejected": _l("Entry not accepted"),
    "review.confirm": _l("Review confirmed"),
    "review.void": _l("Review: entry voided"),
    "user.create": _l("Account created"),
    "user.reset_pin": _l("Member's PIN reset"),
    "group.create": _l("Group created"),
    "product.create": _l("Loan product created"),
    "product.update": _l("Loan product changed"),
    "notice.announcement": _l("Announcement sent"),
    "policy.year_end": _l("Year-end policy changed"),
}
STATUSES = {"accepted": _l("accepted"), "needs_review": _l("needs review"),
            "rejected": _l("not accepted")}


def action_words(action: str) -> str:
    """Words for an action; an op type without a name of its own still reads as its code."""
    return str(ACTIONS[action]) if action in ACTIONS else action


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 18 else None


@bp.route("")
@roles(*AUDITORS)
def index(group_id):
    group = group_in_scope(group_id)
    action = request.args.get("action") or None
    if action is not None and action not in ACTIONS and action not in OP_TYPES:
        action = None
    user_id = _int_arg("user")
    log = audit_log.group_log(group.id, before=_int_arg("before"), user_id=user_id,
                              action=action)
    zone = ZoneInfo(group.timezone)
    rows = [{"row": row, "when": row.created_at.replace(tzinfo=UTC).astimezone(zone),
             "what": action_words(row.action), "detail": row.detail or {},
             "status": STATUSES.get((row.detail or {}).get("status"))}
            for row in log.rows]
    return page("audit/index.html", fragment="audit_rows", group=group, rows=rows,
                older=log.older, people=audit_log.people_of(group.id),
                actions=[(a, action_words(a)) for a in audit_log.actions_of(group.id)],
                chosen_user=user_id, chosen_action=action)
