"""A group's audit log as its committee and field staff read it: who did what, from which
device, when; newest first, a page at a time, optionally one person's or one action's rows."""

from dataclasses import dataclass

from peewee import JOIN

from core.store.models import AuditLog, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    rows: list  # AuditLog rows with .user joined (None for the system)
    older: int | None  # the id to ask for the next (older) page with, when there is one


def group_log(group_id: str, *, before: int | None = None, user_id: int | None = None,
              action: str | None = None, size: int = PAGE_SIZE) -> AuditPage:
    """Rows of one group only; `before` is the id the previous page ended above (keyset
    paging: a row written while someone reads never shifts the pages)."""
    query = (AuditLog.select(AuditLog, User).join(User, on=(AuditLog.user == User.id),
                                                  join_type=JOIN.LEFT_OUTER)
             .where(AuditLog.group == group_id))
    if before is not None:
        query = query.where(AuditLog.id < before)
    if user_id is not None:
        query = query.where(AuditLog.user == user_id)
    if action:
        query = query.where(AuditLog.action == action)
    rows = list(query.order_by(AuditLog.id.desc()).limit(size + 1))
    older = rows[size - 1].id if len(rows) > size else None
    return AuditPage(rows[:size], older)


def people_of(group_id: str) -> list[User]:
    """Everyone who appears in the group's log, for the filter."""
    ids = AuditLog.select(AuditLog.user).where((AuditLog.group == group_id)
                                               & AuditLog.user.is_null(False)).distinct()
    return list(User.select().where(User.id.in_(ids)).order_by(User.display_name))


def actions_of(group_id: str) -> list[str]:
    return [row[0] for row in AuditLog.select(AuditLog.action).where(
        AuditLog.group == group_id).distinct().order_by(AuditLog.action).tuples()]
