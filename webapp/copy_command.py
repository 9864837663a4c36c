"""`flask --app webapp copy-database TARGET_URL`: the books moved to another database, such as
from the office's SQLite file to PostgreSQL when a network outgrows one machine."""

import sys

import click
from flask import Flask, current_app

from core.store import schema
from core.store.copy import TargetNotEmpty, copy_database
from core.store.db import database, open_database
from core.store.ledger import audit


def _progress(table: str, done: int, total: int) -> None:
    click.echo(f"\r{table}: {done:,} of {total:,} rows   ", nl=done >= total, err=True)


def register_copy_command(app: Flask) -> None:
    @app.cli.command("copy-database")
    @click.argument("target_url")
    def copy_database_command(target_url):
        """Copy every row of this database (DATABASE_URL) into TARGET_URL, a database with no
        rows yet; its schema is made first. Then the books of the copy are audited."""
        source_url = current_app.config["DATABASE_URL"]
        if target_url == source_url:
            click.echo("the target is this database itself", err=True)
            sys.exit(2)
        try:
            open_database(source_url)
            if pending := schema.pending():
                click.echo(f"this database has migrations to apply first (flask init-db): "
                           f"{', '.join(pending)}", err=True)
                sys.exit(2)
            open_database(target_url)
            schema.migrate()
            open_database(source_url)
            copied = copy_database(source_url, target_url, progress=_progress)
        except TargetNotEmpty as error:
            click.echo(str(error), err=True)
            sys.exit(2)
        click.echo(f"copied {sum(copied.rows.values()):,} rows of {len(copied.rows)} tables "
                   f"in {copied.seconds} s")
        open_database(target_url)
        with database.connection_context():
            mismatches, unbalanced = audit()
        open_database(source_url)
        if mismatches or unbalanced:
            click.echo(f"the copy does not audit: {len(mismatches)} balances differ, "
                       f"{len(unbalanced)} transactions do not balance", err=True)
            sys.exit(1)
        click.echo("books of the copy agree: every cached balance equals its journal")
