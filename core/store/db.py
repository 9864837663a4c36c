"""The database binding: one proxy that every model uses, opened from a URL.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so a reader never blocks the
treasurer's writes and two writers wait for each other instead of failing at once.
"""

import os

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",  # with WAL this is still safe against corruption on power loss
    "cache_size": -16000,
}


def open_database(url: str):
    """Bind the proxy to the database named by the URL and return it."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path not in ("", ":memory:"):
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        db = SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=5)
    elif url.startswith(("postgresql://", "postgres://")):
        params = parse(url)
        name = params.pop("database")
        db = PostgresqlDatabase(name, autorollback=False, **params)
    else:
        raise ValueError(f"unsupported DATABASE_URL: {url.split(':', 1)[0]}")
    database.initialize(db)
    return db


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def write_transaction():
    """A transaction that takes the write lock at its start on SQLite.

    A deferred SQLite transaction that reads and then writes fails at once (no busy wait) when
    another writer committed in between; taking the lock first makes writers queue instead.
    """
    if isinstance(database.obj, SqliteDatabase) and not database.in_transaction():
        return database.atomic("IMMEDIATE")
    return database.atomic()
