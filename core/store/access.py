"""Scope: which groups a user acts in, and whether they may apply an op type there."""

from core import access
from core.store.models import Group, User, UserGroup


def group_ids_of(user: User) -> list[str]:
    if user.role == access.ADMIN:
        return [g.id for g in Group.select(Group.id).order_by(Group.name)]
    return [link.group_id for link in UserGroup.select(UserGroup.group).where(
        UserGroup.user == user.id)]


def in_group(user: User, group_id: str) -> bool:
    if user.role == access.ADMIN:
        return Group.select().where(Group.id == group_id).exists()
    return UserGroup.select().where(
        (UserGroup.user == user.id) & (UserGroup.group == group_id)).exists()


def may_apply(user: User, group_id: str, op_type: str) -> bool:
    return (user.active and access.may_apply(user.role, op_type)
            and in_group(user, group_id))
