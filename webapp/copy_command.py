"""`flask --app webapp copy-database TARGET_URL`: the books moved to another database, such as
from the office's SQLite file to PostgreSQL when a network outgrows one machine."""

import sys

import click
from flask import Flask, current_app

from core.store import schema
from core.store.copy import TargetNotEmpty, move
from core.store.db import open_database


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
        open_database(source_url)
        if pending := schema.pending():
            click.echo(f"this database has migrations to apply first (flask init-db): "
                       f"{', '.join(pending)}", err=True)
            sys.exit(2)
        try:
            moved = move(source_url, target_url, progress=_progress)
        except TargetNotEmpty as error:
            click.echo(str(error), err=True)
            sys.exit(2)
        copied = moved.copied
        click.echo(f"copied {sum(copied.rows.values()):,} rows of {len(copied.rows)} tables "
                   f"in {copied.seconds} s")
        if moved.mismatches or moved.unbalanced:
            click.echo(f"the copy does not audit: {len(moved.mismatches)} balances differ, "
                       f"{len(moved.unbalanced)} transactions do not balance", err=True)
            sys.exit(1)
        click.echo("books of the copy agree: every cached balance equals its journal")
