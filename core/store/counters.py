"""Gap-free sequences kept in a table, incremented inside the caller's transaction.

The row lock taken by the increment is held until commit, so numbers are handed out in commit
order: a sync cursor built on them never skips a commit that lands late.
"""

from peewee import IntegrityError

from core.store.db import database
from core.store.models import Counter


def next_value(name: str) -> int:
    updated = Counter.update(value=Counter.value + 1).where(Counter.name == name).execute()
    if not updated:
        try:
            with database.atomic():
                Counter.create(name=name, value=1)
            return 1
        except IntegrityError:  # created by a concurrent transaction meanwhile
            Counter.update(value=Counter.value + 1).where(Counter.name == name).execute()
    return Counter.get_by_id(name).value


def current_value(name: str) -> int:
    row = Counter.get_or_none(Counter.name == name)
    return row.value if row else 0


SERVER_SEQ = "server_seq"


def receipt_counter(group_id: str) -> str:
    return f"receipt:{group_id}"


def member_no_counter(group_id: str) -> str:
    return f"member_no:{group_id}"
