"""Copy the whole database into another, empty one: how an office that outgrew SQLite moves
its books to PostgreSQL (or a server's books come down to a SQLite file).

Every table of the models is copied row for row, ids included, in the order the foreign keys
need; the source is read in one transaction (one consistent moment: what is written after it
starts stays behind, so stop the app for a move) and the target written in one (a copy cut
short leaves the target empty, as it was). Afterwards the target's id sequences continue after
the copied ids, and PostgreSQL's planner gets statistics of the new tables. The books are not
rewritten: the audit of the copy proves them.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from peewee import AutoField, BooleanField, Database, PostgresqlDatabase

from core.store import schema
from core.store.db import connect_url, database, open_database
from core.store.ledger import Mismatch, Unbalanced, audit
from core.store.models import ALL_MODELS

BATCH = 2000


class TargetNotEmpty(Exception):
    def __init__(self, tables: list[str]):
        super().__init__(f"the target database already holds rows in: {', '.join(tables)}")
        self.tables = tables


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]  # table -> rows copied
    seconds: float


def _tables(models) -> list[tuple[str, list[str], set[int]]]:
    """(table, its columns, the positions of boolean columns) for each model, in FK order."""
    out = []
    for model in models:
        fields = model._meta.sorted_fields
        booleans = {n for n, f in enumerate(fields) if isinstance(f, BooleanField)}
        out.append((model._meta.table_name, [f.column_name for f in fields], booleans))
    return out


def _rows_in(db: Database, tables) -> dict[str, int]:
    return {table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table, _, _ in tables}


def _writer(target: Database, table: str, columns: list[str]):
    names = ", ".join(f'"{c}"' for c in columns)
    if isinstance(target, PostgresqlDatabase):
        from psycopg2.extras import execute_values

        sql = f'INSERT INTO "{table}" ({names}) VALUES %s'
        return lambda cursor, rows: execute_values(cursor, sql, rows, page_size=BATCH)
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    return lambda cursor, rows: cursor.executemany(sql, rows)


def copy_rows(source: Database, target: Database, *, extra_tables: tuple[str, ...] = (),
              progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Copy every model's rows (and `extra_tables`, plain tables of the same shape on both
    sides) from `source` to `target`, both open; the target's tables must be empty."""
    tables = _tables(ALL_MODELS)
    for name in extra_tables:
        columns = [c.name for c in source.get_columns(name)]
        tables.append((name, columns, set()))
    busy = [t for t, n in _rows_in(target, tables).items() if n]
    if busy:
        raise TargetNotEmpty(busy)
    booleans_as_ints = not isinstance(source, PostgresqlDatabase) and isinstance(
        target, PostgresqlDatabase)  # SQLite keeps booleans as 0 and 1
    totals = _rows_in(source, tables)
    copied: dict[str, int] = {}
    with source.atomic(), target.atomic():
        for table, columns, booleans in tables:
            write = _writer(target, table, columns)
            names = ", ".join(f'"{c}"' for c in columns)
            writer, done = target.cursor(), 0
            for rows in _batches(source, f'SELECT {names} FROM "{table}" ORDER BY 1'):
                if booleans and booleans_as_ints:
                    rows = [tuple(bool(v) if n in booleans and v is not None else v
                                  for n, v in enumerate(row)) for row in rows]
                write(writer, rows)
                done += len(rows)
                if progress:
                    progress(table, done, totals[table])
            copied[table] = done
        if isinstance(target, PostgresqlDatabase):
            _continue_sequences(target)
    if isinstance(target, PostgresqlDatabase):
        target.execute_sql("ANALYZE")  # the planner's statistics, for tables filled at once
    return copied


def _batches(source: Database, query: str):
    """The rows of the query, BATCH at a time. PostgreSQL's driver would fetch a whole table
    into memory at once, so there the rows come through a cursor on the server."""
    if not isinstance(source, PostgresqlDatabase):
        reader = source.execute_sql(query)
        while rows := reader.fetchmany(BATCH):
            yield rows
        return
    source.execute_sql(f"DECLARE copy_rows NO SCROLL CURSOR FOR {query}")
    try:
        while rows := source.execute_sql(f"FETCH FORWARD {BATCH} FROM copy_rows").fetchall():
            yield rows
    finally:
        source.execute_sql("CLOSE copy_rows")


def _continue_sequences(target: PostgresqlDatabase) -> None:
    for model in ALL_MODELS:
        key = model._meta.primary_key
        if isinstance(key, AutoField):
            table, column = model._meta.table_name, key.column_name
            target.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)')


def copy_database(source_url: str, target_url: str, *, extra_tables: tuple[str, ...] = (),
                  progress: Callable[[str, int, int], None] | None = None) -> Copied:
    """Copy the database at `source_url` into the one at `target_url`, whose schema must be
    migrated and whose tables must be empty."""
    start = time.perf_counter()
    source, target = connect_url(source_url), connect_url(target_url)
    source.connect()
    target.connect()
    try:
        rows = copy_rows(source, target, extra_tables=extra_tables, progress=progress)
    finally:
        source.close()
        target.close()
    return Copied(rows, round(time.perf_counter() - start, 1))


@dataclass(frozen=True)
class Moved:
    copied: Copied
    mismatches: list[Mismatch]  # the audit of the copy: both empty when its books agree
    unbalanced: list[Unbalanced]


def move(source_url: str, target_url: str, *, extra_tables: tuple[str, ...] = (),
         prepare: Callable[[], None] | None = None,
         progress: Callable[[str, int, int], None] | None = None) -> Moved:
    """Make the target's schema (and run `prepare` on it), copy every row into it, audit the
    copy. The models are left bound to the source, as they were."""
    open_database(target_url)
    try:
        schema.migrate()
        if prepare:
            with database.connection_context():
                prepare()
        copied = copy_database(source_url, target_url, extra_tables=extra_tables,
                               progress=progress)
        with database.connection_context():
            mismatches, unbalanced = audit()
    finally:
        open_database(source_url)
    return Moved(copied, mismatches, unbalanced)
