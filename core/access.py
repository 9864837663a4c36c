"""Who may do what: roles, and which op types each role may apply in a group it is scoped to.

Scope itself (which groups a person belongs to) lives in the store; this is the table.
"""

ADMIN, STAFF, COMMITTEE, TREASURER, MEMBER = "admin", "staff", "committee", "treasurer", "member"
ROLES = (ADMIN, STAFF, COMMITTEE, TREASURER, MEMBER)
GROUP_ROLES = (STAFF, COMMITTEE, TREASURER, MEMBER)  # roles that belong to groups

ROLE_NAMES = {
    ADMIN: ("ผู้ดูแลระบบ", "Admin"),
    STAFF: ("เจ้าหน้าที่ภาคสนาม", "Field staff"),
    COMMITTEE: ("คณะกรรมการ", "Committee"),
    TREASURER: ("เหรัญญิก", "Treasurer"),
    MEMBER: ("สมาชิก", "Member"),
}

_RECORDING = frozenset({
    "member.create", "member.update", "member.exit",
    "savings.deposit", "savings.withdraw", "shares.buy",
    "loan.apply", "loan.disburse", "loan.repay",
    "fine.charge", "fine.pay",
    "welfare.contribute", "welfare.claim", "welfare.pay",
    "meeting.open", "meeting.close",
    "group.income", "group.expense", "void",
})
# The committee's own decisions: approving, refusing a welfare claim, and changing or ending
# a loan's terms.
_APPROVING = frozenset({"loan.approve", "welfare.approve", "welfare.refuse", "loan.reschedule",
                        "loan.write_off"})

# Closing the year is the committee's alone. Field staff may prepare it (see the preview on the
# year-end page) but not confirm it.
_CLOSING = frozenset({"year.close"})

OPS_BY_ROLE: dict[str, frozenset[str]] = {
    TREASURER: _RECORDING,
    COMMITTEE: _RECORDING | _APPROVING | _CLOSING,
    STAFF: _RECORDING,  # staff record on a group's behalf; approval stays with its committee
    ADMIN: frozenset(),
    MEMBER: frozenset(),
}


def may_apply(role: str, op_type: str) -> bool:
    return op_type in OPS_BY_ROLE.get(role, frozenset())


def role_name(role: str, lang: str) -> str:
    th, en = ROLE_NAMES[role]
    return th if lang == "th" else en
