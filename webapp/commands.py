"""The `flask --app webapp` commands: init-db, demo, users create, audit, backup; notices;
copy-database."""

import json
import os
import sqlite3
import subprocess
import sys

import click
from flask import Flask, current_app

from core import access
from core.errors import OpRefused
from core.store import schema, users
from core.store.db import database, is_postgres
from core.store.demo import load_demo
from core.store.ledger import audit
from core.store.models import Group
from webapp.copy_command import register_copy_command
from webapp.notice_commands import register_notice_commands


def register_commands(app: Flask) -> None:
    register_notice_commands(app)
    register_copy_command(app)

    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the database schema."""
        applied = schema.migrate()
        click.echo(f"applied: {', '.join(applied)}" if applied else "database is up to date")

    @app.cli.command("demo")
    def demo():
        """Load the demo network and print its groups and accounts as one JSON object."""
        schema.migrate()
        with database.connection_context():
            if Group.select().exists():
                click.echo("the database already has groups; the demo loads only into an "
                           "empty one", err=True)
                sys.exit(1)
            with database.atomic():
                made = load_demo()
        click.echo(json.dumps(made, ensure_ascii=False))

    @app.cli.group("users")
    def users_group():
        """Manage user accounts."""

    @users_group.command("create")
    @click.option("--username", required=True)
    @click.option("--password", required=True)
    @click.option("--role", required=True, type=click.Choice(access.ROLES))
    @click.option("--group", "groups", multiple=True, help="group id (repeat for field staff)")
    @click.option("--member", default=None, help="member id, for a member's own sign-in")
    def users_create(username, password, role, groups, member):
        """Create a user account."""
        with database.connection_context():
            try:
                user = users.create_user(username, password, role, group_ids=list(groups),
                                         member_id=member)
            except OpRefused as refusal:
                click.echo(refusal.problem.message_en, err=True)
                sys.exit(2)
        click.echo(f"created {user.username} ({user.role})")

    @app.cli.command("audit")
    def audit_command():
        """Recompute every balance from the journal; exit 1 when any differs."""
        with database.connection_context():
            mismatches, unbalanced = audit()
        for m in mismatches:
            click.echo(f"balance differs: group {m.group_id} account {m.account_key}: "
                       f"cached {m.cached}, journal {m.journal}")
        for u in unbalanced:
            click.echo(f"transaction {u.txn_id} of group {u.group_id} sums to {u.total}")
        if mismatches or unbalanced:
            sys.exit(1)
        click.echo("books agree: every cached balance equals its journal")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup(path):
        """Write a consistent copy of the database to PATH while the app runs."""
        if is_postgres():
            url = current_app.config["DATABASE_URL"]
            result = subprocess.run(["pg_dump", "--format=custom", "--file", path, url],
                                    capture_output=True, text=True)
            if result.returncode:
                click.echo(result.stderr, err=True)
                sys.exit(result.returncode)
        else:
            with database.connection_context():
                target = sqlite3.connect(path)
                try:
                    database.connection().backup(target)  # SQLite's online backup
                finally:
                    target.close()
        click.echo(f"backup written to {os.path.abspath(path)}")
