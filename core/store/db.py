"""The database binding: one proxy that every model uses, opened from a URL.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so a reader never blocks the
treasurer's writes and two writers wait for each other instead of failing at once.
"""

import os

from peewee import (
    DatabaseProxy,
    InterfaceError,
    Model,
    OperationalError,
    PostgresqlDatabase,
    SqliteDatabase,
)
from playhouse.db_url import parse

database = DatabaseProxy()

# What a lock, a restart or a lost connection raises (the web layer maps them to 503).
CONNECTION_ERRORS = (OperationalError, InterfaceError)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",  # with WAL this is still safe against corruption on power loss
    "cache_size": -16000,
}


def open_database(url: str):
    """Bind the proxy to the database named by the URL and return it."""
    db = connect_url(url)
    database.initialize(db)
    return db


def connect_url(url: str):
    """The database the URL names, not yet connected and not bound to the models' proxy."""
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


# The hot path of a push (a few statements per op, 500 ops a request) runs SQL written once
# and cached per database kind: building it with Peewee's query builder for every op cost
# several times what the database itself spends. Statements use `?` for their parameters;
# PostgreSQL's driver wants `%s`, so the placeholder is swapped once per statement.
_in_dialect: dict[tuple[str, str], str] = {}


def run_sql(sql: str, params=()):
    """Execute a statement written with `?` placeholders on whichever database is open."""
    param = database.param
    key = (sql, param)
    text = _in_dialect.get(key)
    if text is None:
        text = _in_dialect[key] = sql if param == "?" else sql.replace("?", param)
    return database.execute_sql(text, params)


_insert_sql: dict[tuple, str] = {}


def insert_row(model, **values):
    """`model.create(**values)` without the query builder: the same defaults and conversions
    (the model's own), the row's new id set on the instance that is returned."""
    fields = model._meta.fields
    row = model(__no_default__=1)
    data = model._meta.get_default_dict()
    for name, value in values.items():
        if isinstance(value, Model):  # a related row given for a foreign key: keep its id
            row.__rel__[name] = value
            value = getattr(value, fields[name].rel_field.name)
        data[name] = value
    row.__data__ = data
    names = tuple(data)
    postgres = is_postgres()
    pk = model._meta.primary_key
    key = (model, names, postgres)
    sql = _insert_sql.get(key)
    if sql is None:
        columns = ", ".join(f'"{fields[name].column_name}"' for name in names)
        marks = ", ".join("?" for _ in names)
        sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
        if postgres and pk.name not in data:
            sql += f' RETURNING "{pk.column_name}"'
        _insert_sql[key] = sql
    cursor = run_sql(sql, [fields[name].db_value(data[name]) for name in names])
    if pk.name not in data:
        data[pk.name] = cursor.fetchone()[0] if postgres else cursor.lastrowid
    return row


_select_sql: dict[tuple, str] = {}


def select_one(model, where: str, params=()):
    """The first row of `model` matching `where` (SQL with `?` placeholders) as a model
    instance with every column, as `model.get_or_none(...)` gives it; or None."""
    fields = model._meta.sorted_fields
    sql = _select_sql.get((model, where))
    if sql is None:
        columns = ", ".join(f'"{field.column_name}"' for field in fields)
        sql = _select_sql[(model, where)] = (
            f'SELECT {columns} FROM "{model._meta.table_name}" WHERE {where} LIMIT 1')
    row = run_sql(sql, params).fetchone()
    if row is None:
        return None
    found = model(__no_default__=1)
    found.__data__ = {field.name: field.python_value(value)
                      for field, value in zip(fields, row, strict=True)}
    return found
