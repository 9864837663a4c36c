"""Copy a generated network to another database: `python -m bench.copy_network --size M
--to postgresql` (from the SQLite file of that size, by default).

Generating through the core operation writes each group in one transaction, which suits
SQLite; on PostgreSQL a transaction that updates the same cash-box row thousands of times
slows down as it goes (every update leaves a row version the transaction must step over), so
a large network is generated once on SQLite and copied, row for row, with the same tool an
office uses to move to PostgreSQL (`flask copy-database`). The copy is audited.
"""

import argparse
import json
import sys

from bench.generate import (
    SIZES,
    _progress_table,
    database_url_for,
    ensure_postgres_database,
    generate,
    groups_done,
)


def _shown(table: str, done: int, total: int) -> None:
    print(f"\r{table}: {done:,} of {total:,} rows   ", end="\n" if done >= total else "",
          file=sys.stderr, flush=True)


def copy_network(size: str, source: str, target: str) -> dict:
    from core.store.copy import move

    source_url, target_url = database_url_for(source, size), database_url_for(target, size)
    if target_url.startswith(("postgresql://", "postgres://")):
        ensure_postgres_database(target_url)
    moved = move(source_url, target_url, extra_tables=("bench_progress",),
                 prepare=_progress_table, progress=_shown)
    if moved.mismatches or moved.unbalanced:
        raise SystemExit(f"the copy does not audit: {len(moved.mismatches)} balances, "
                         f"{len(moved.unbalanced)} transactions")
    return {"from": source_url, "to": target_url, "rows": sum(moved.copied.rows.values()),
            "seconds": moved.copied.seconds, "audit": "clean"}


def _complete(url: str, size: str) -> bool | None:
    """Whether the network of the size is all there: None when the database has no rows."""
    from core.store.db import connect_url

    db = connect_url(url)
    with db.connection_context():
        if "bench_progress" not in db.get_tables():
            return None
        done = groups_done(db)
        return done == SIZES[size].groups if done else None


def generate_anywhere(size: str, url: str, *, progress: bool = True) -> dict:
    """The network of the size in the database at `url`, made if missing. On PostgreSQL it is
    generated on the SQLite file of the size (made or finished first) and copied across."""
    if url.startswith(("postgresql://", "postgres://")):
        ensure_postgres_database(url)
        if _complete(url, size) is None:  # empty: stage on SQLite, then copy
            staging = database_url_for("sqlite", size)
            generate(size, staging, progress=progress)
            print(f"copying the {size} network to PostgreSQL …", file=sys.stderr, flush=True)
            copy_network(size, staging, url)
    return generate(size, url, progress=progress)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.copy_network",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--from", dest="source", default="sqlite",
                        help="sqlite, postgresql or a URL (default sqlite)")
    parser.add_argument("--to", dest="target", default="postgresql",
                        help="sqlite, postgresql or a URL; its tables must be empty")
    args = parser.parse_args(argv)
    print(json.dumps(copy_network(args.size, args.source, args.target)))


if __name__ == "__main__":
    main()
