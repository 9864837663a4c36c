"""What the benchmarks share: a throw-away database, an app on it, timing and sizes."""

import gzip
import os
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager


@contextmanager
def scratch_app(database_url: str | None = None):
    """An app on a fresh SQLite file (or the given database), removed afterwards."""
    from core.store import schema
    from core.store.db import database, open_database
    from webapp import create_app

    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{os.path.join(folder, 'bench.db')}"
        open_database(url)
        schema.migrate()
        app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                          "SECRET_KEY": uuid.uuid4().hex})
        try:
            yield app
        finally:
            if not database.is_closed():
                database.close()


def timings_ms(call, repeat: int) -> list[float]:
    call()  # warm the caches and the template compiler first
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2)}


def gzip_kb(body: bytes) -> float:
    return round(len(gzip.compress(body, compresslevel=6)) / 1024, 1)


def print_figures(figures: dict) -> None:
    """A table a person reads, then the same figures as one JSON line for programs."""
    import json

    width = max(len(name) for name in figures)
    for name, value in figures.items():
        print(f"{name:>{width}}: {value}")
    print(json.dumps(figures))
