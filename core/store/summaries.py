"""Figures read from the cached balances (never by scanning the journal)."""

from peewee import fn

from core import books
from core.store.models import Account, Group, Member

MEMBER_FIGURES = {
    "savings": books.SAVINGS,
    "shares": books.SHARES,
    "loan_outstanding": books.LOANS,
    "welfare_contributed": books.WELFARE_FUND,
    "fines_due": books.FINES_DUE,
}


def group_totals(group_id: str) -> dict[str, int]:
    """Natural balances by chart code for one group (savings owed to members shows positive)."""
    rows = (Account.select(Account.code, Account.kind, fn.SUM(Account.balance).alias("total"))
            .where(Account.group == group_id).group_by(Account.code, Account.kind).tuples())
    return {code: books.natural_balance(kind, int(total or 0)) for code, kind, total in rows}


def member_figures(member_ids: list[str]) -> dict[str, dict[str, int]]:
    """Each member's balances (savings, shares, loans, welfare, fines) in satang."""
    figures = {mid: dict.fromkeys(MEMBER_FIGURES, 0) for mid in member_ids}
    if not member_ids:
        return figures
    by_code = {code: name for name, code in MEMBER_FIGURES.items()}
    rows = (Account.select(Account.member, Account.code, Account.kind, Account.balance)
            .where(Account.member.in_(member_ids) & Account.code.in_(list(by_code))).tuples())
    for member_id, code, kind, balance in rows:
        figures[member_id][by_code[code]] += books.natural_balance(kind, balance)
    return figures


def groups_overview(group_ids: list[str]) -> list[dict]:
    groups = list(Group.select().where(Group.id.in_(group_ids)).order_by(Group.name))
    counts = dict(Member.select(Member.group, fn.COUNT(Member.id))
                  .where(Member.group.in_(group_ids) & (Member.status == "active"))
                  .group_by(Member.group).tuples())
    return [{"group": g, "members": counts.get(g.id, 0), "totals": group_totals(g.id)}
            for g in groups]
