"""Gap-free sequences kept in a table, incremented inside the caller's transaction.

The row lock taken by the increment is held until commit, so numbers are handed out in commit
order: a sync cursor built on them never skips a commit that lands late.
"""

import sqlite3

from peewee import IntegrityError

from core.store.db import database, is_postgres
from core.store.models import Counter

# UPDATE ... RETURNING increments and reads in one statement (PostgreSQL; SQLite 3.35 and
# later): every op takes two numbers, so this is on the hot path of every push.
_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)


def _increment(name: str) -> int | None:
    """Add one to the counter and give its new value; None when the counter does not exist."""
    if _RETURNING or is_postgres():
        table = Counter._meta.table_name
        cursor = database.execute_sql(
            f'UPDATE "{table}" SET "value" = "value" + 1 WHERE "name" = {database.param} '
            'RETURNING "value"', (name,))
        rows = cursor.fetchall()  # to the end: the statement completes only then
        return rows[0][0] if rows else None
    if not Counter.update(value=Counter.value + 1).where(Counter.name == name).execute():
        return None
    return Counter.get_by_id(name).value


def next_value(name: str) -> int:
    value = _increment(name)
    if value is not None:
        return value
    try:
        with database.atomic():
            Counter.create(name=name, value=1)
        return 1
    except IntegrityError:  # created by a concurrent transaction meanwhile
        return _increment(name)


def current_value(name: str) -> int:
    row = Counter.get_or_none(Counter.name == name)
    return row.value if row else 0


SERVER_SEQ = "server_seq"


def receipt_counter(group_id: str) -> str:
    return f"receipt:{group_id}"


def member_no_counter(group_id: str) -> str:
    return f"member_no:{group_id}"
