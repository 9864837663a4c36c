"""`flask --app webapp notices schedule`: queue the reminders due now (cron runs it daily or
hourly; a second run on the same day queues nothing new)."""

import json
from datetime import UTC, datetime

import click

from core.store.db import database
from core.store.reminders import run_reminders


def add_schedule_command(group: click.Group) -> None:
    @group.command("schedule")
    @click.option("--at", "at", default=None,
                  help="Compute as of this ISO time with a zone (default: now).")
    def schedule(at):
        """Queue savings, loan and welfare reminders; print how many of each were new."""
        now = datetime.now(UTC)
        if at:
            try:
                now = datetime.fromisoformat(at)
            except ValueError:
                raise click.BadParameter("an ISO time such as 2026-11-26T08:00+07:00",
                                         param_hint="--at") from None
            if now.tzinfo is None:
                raise click.BadParameter("give the time with its zone, e.g. +07:00",
                                         param_hint="--at")
        with database.connection_context():
            counts = run_reminders(now)
        click.echo(json.dumps(counts, sort_keys=True))
