"""Creating and upgrading the schema: every change goes through a numbered migration."""

import os

from playhouse.migrations import Runner

from core.store.db import database

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def migrate() -> list[str]:
    """Apply every pending migration; returns the names applied (none when up to date)."""
    runner = Runner(database.obj, directory=MIGRATIONS)
    with database.connection_context():
        return runner.up()


def pending() -> list[str]:
    runner = Runner(database.obj, directory=MIGRATIONS)
    return [m.name for m in runner.status() if not m.applied]
