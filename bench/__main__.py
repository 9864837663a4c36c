"""`python -m bench [--size S|M|L] [--database sqlite|postgresql|URL]`: the scale benchmark.

Builds the generated network of the size (or finishes or reuses it; see bench/generate.py),
then measures, all in this run: the pages people use most on it (p95), their growth against
the S network when one exists, what a phone downloads, and the sync, push and staff-home
benchmarks of this folder. Prints a table, then one JSON line with every figure.
"""

import argparse
import importlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime

from bench import pages
from bench.copy_network import generate_anywhere
from bench.generate import SIZES, database_url_for, groups_done

PAGES = ("member_page", "meeting_screen", "passbook", "staff_home")
# Benchmarks of this folder that other parts bring: module -> the keys taken from its run()
OPTIONAL = {
    "bench.sync_push": ("sync_ops_per_s", "sync_ratio_vs_raw", "peak_rss_mb"),
    "bench.push_send": ("push_per_s",),
}
# bench.staff_home (200 groups, three years: its own network, built once in about 40 minutes)
# runs on its own: `python -m bench.staff_home`. Here the staff home is one of PAGES, measured
# on this size's network.
# names an older sync_push gave the same figures
ALIASES = {"sync_ops_per_s": "ops_per_s", "sync_ratio_vs_raw": "ratio_vs_baseline"}


def _optional(notes: list[str], skip: set[str], scratch_on: str) -> dict:
    figures = {}
    for module_name, keys in OPTIONAL.items():
        short = module_name.split(".")[1]
        if short in skip:
            figures |= dict.fromkeys(keys)
            notes.append(f"{short}: skipped (--skip)")
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name != module_name:
                raise
            figures |= dict.fromkeys(keys)
            notes.append(f"{short}: not in this checkout")
            continue
        print(f"running {module_name} …", file=sys.stderr, flush=True)
        # the sync push on the same kind of database as the run (a scratch one); push
        # sending is the same work on either
        result = module.run(database=scratch_on) if short == "sync_push" else module.run()
        for key in keys:
            value = result.get(key, result.get(ALIASES.get(key, key)))
            figures[key] = value
            if value is None:
                notes.append(f"{short}: gave no {key}")
    return figures


def _sync_into_network(url: str, notes: list[str], skip: set[str]) -> dict | None:
    """The same 500-op push, into a new group of a copy of this size's network: whether the
    push slows as the journal it joins grows."""
    if "sync_into_network" in skip:
        notes.append("sync_into_network: skipped (--skip)")
        return None
    from bench import sync_push

    print("copying the network and pushing into it …", file=sys.stderr, flush=True)
    start = time.perf_counter()
    result = sync_push.run(copy_of=url)
    return {"sync_ops_per_s": result["sync_ops_per_s"],
            "sync_ratio_vs_raw": result["sync_ratio_vs_raw"],
            "peak_rss_mb": result["peak_rss_mb"],
            "seconds_with_copy": round(time.perf_counter() - start, 1)}


def _growth(size: str, database: str, compare: str | None, here: dict, notes: list[str],
            repeat: int) -> tuple:
    """The same pages on the S network, measured now, against this size's."""
    if size in ("S", "XS"):
        notes.append("growth_ratio: 1.0 at S by definition; run --size M or L to compare "
                     "with the S network")
        return 1.0, {}
    if compare is None and "://" in database:
        notes.append("growth_ratio: not measured; give --compare with the S database's URL")
        return None, {}
    small_url = compare or database_url_for(database, "S")
    print("building or reusing the S network to compare …", file=sys.stderr, flush=True)
    generate_anywhere("S", small_url, progress=True)
    small = pages.measure_pages(small_url, repeat, notes)
    ratios = {name: round(here[name]["p95_ms"] / small[name]["p95_ms"], 2) for name in PAGES
              if here[name]["p95_ms"] and small[name]["p95_ms"]}
    return (max(ratios.values()) if ratios else None), ratios


def network_of(url: str, size: str) -> dict:
    """How much the database holds: the figures are only as large as the network under them."""
    from core.store.db import database, open_database

    open_database(url)
    with database.connection_context():
        def count(table: str) -> int:
            return database.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

        return {"groups": f"{groups_done(database)} of {SIZES[size].groups}",
                "months": SIZES[size].months, "members": count("member"),
                "sync_ops": count("sync_op"), "journal_lines": count("journal_line")}


def run(size: str, database: str, repeat: int = pages.REPEAT, skip: set[str] = frozenset(),
        compare: str | None = None, as_is: bool = False):
    """`as_is`: measure the network as far as it was generated, without writing more (a large
    size stopped part way: the figures say how many groups it holds)."""
    notes: list[str] = []
    url = database_url_for(database, size)
    start = time.perf_counter()
    if not as_is:
        generate_anywhere(size, url, progress=True)
    generate_s = time.perf_counter() - start
    network = network_of(url, size)
    print("measuring pages …", file=sys.stderr, flush=True)
    measured = pages.run(url, repeat, notes)
    growth, growth_pages = _growth(size, database, compare, measured["pages"], notes, repeat)
    figures = {
        "size": size,
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "generate_s": round(generate_s, 1),
        "network": network,
        "page_p95_ms": {name: measured["pages"][name]["p95_ms"] for name in PAGES},
        "page_p50_ms": {name: measured["pages"][name]["p50_ms"] for name in PAGES},
        "growth_ratio": growth,
        "growth_by_page": growth_pages,
        "first_visit_kb": measured["first_visit_kb"],
        "next_page_kb": measured["next_page_kb"],
        "next_page": measured["next_page"],
    }
    # the sync push goes to a scratch database on the same server as this run's
    scratch_on = f"{url.rsplit('/', 1)[0]}/postgres" if url.startswith("postgres") else "sqlite"
    figures |= _optional(notes, skip, scratch_on)
    figures["sync_into_network"] = _sync_into_network(url, notes, skip)
    figures["notes"] = notes
    return figures, measured["first_visit_parts"]


def print_table(figures: dict, parts: dict) -> None:
    rows = []
    for key, value in figures.items():
        if isinstance(value, dict):
            rows += [(f"{key}.{name}", inner) for name, inner in value.items()]
        elif isinstance(value, list):
            rows += [(key if n == 0 else "", item) for n, item in enumerate(value)]
        else:
            rows.append((key, value))
    rows += [(f"first visit {url}", kb) for url, kb in parts.items()]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:>{width}}  {'—' if value is None else value}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S",
                        help="S, M or L as in the README; XS is the tests' tiny network")
    parser.add_argument("--database", default="sqlite",
                        help="sqlite (instance/bench-SIZE.db), postgresql, or a DATABASE_URL")
    parser.add_argument("--repeat", type=int, default=pages.REPEAT,
                        help="requests per page (default %(default)s)")
    parser.add_argument("--skip", action="append", default=[],
                        choices=[name.split(".")[1] for name in OPTIONAL]
                        + ["sync_into_network"],
                        help="leave out one of the other benchmarks")
    parser.add_argument("--compare", default=None,
                        help="the S database to measure growth against (default: the S "
                             "database of the same kind)")
    parser.add_argument("--as-is", action="store_true",
                        help="measure the network as far as it was generated, writing nothing")
    args = parser.parse_args(argv)
    figures, parts = run(args.size, args.database, args.repeat, set(args.skip), args.compare,
                         args.as_is)
    print_table(figures, parts)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
