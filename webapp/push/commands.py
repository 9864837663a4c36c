"""`flask --app webapp notices send` and `notices worker`: the notice outbox as Web Push.

`send` pushes every notice due now once and exits (for cron); `worker` keeps doing so, every
`--interval` seconds, until SIGTERM or Ctrl-C, finishing the round it is in first.
"""

import signal
import threading

import click
from flask import current_app

from core.store.db import database
from core.store.notice_sender import NoticeSender, SendReport


def make_sender() -> NoticeSender:
    from webapp.push.keys import vapid_of

    config = current_app.config
    return NoticeSender(vapid_of(current_app), config["VAPID_SUBJECT"],
                        timeout=config["PUSH_TIMEOUT"])


def _line(report: SendReport) -> str:
    return ("notices sent: {notices_done}, pushes delivered: {delivered}, devices removed: "
            "{removed}, to retry: {retrying}, given up: {gave_up}").format(**report.as_dict())


def send_round(sender: NoticeSender) -> SendReport:
    with database.connection_context():
        return sender.send_due()


def add_send_commands(group: click.Group) -> None:
    @group.command("send")
    def send():
        """Push every notice that is due now, once, then exit."""
        report = send_round(make_sender())
        for error in report.errors:
            click.echo(error, err=True)
        click.echo(_line(report))

    @group.command("worker")
    @click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(min=0.05),
                  help="seconds between looks at the outbox")
    def worker(interval):
        """Keep pushing due notices until stopped (SIGTERM or Ctrl-C)."""
        sender = make_sender()
        stop = threading.Event()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for name in (signal.SIGTERM, signal.SIGINT):
                previous[name] = signal.signal(name, lambda *_: stop.set())
        click.echo(f"sending notices every {interval:g} s; stop with Ctrl-C")
        try:
            while not stop.is_set():
                try:
                    report = send_round(sender)
                except Exception as error:  # noqa: BLE001 - the database may be back next round
                    click.echo(f"sending failed, trying again: {error}", err=True)
                else:
                    if report.delivered or report.removed or report.retrying or report.gave_up:
                        click.echo(_line(report))
                stop.wait(interval)
        finally:
            for name, handler in previous.items():
                signal.signal(name, handler)
        click.echo("worker stopped")
