"""The `flask --app webapp notices …` commands: sending the notice outbox and the reminders
that a scheduler (cron) computes."""

from flask import Flask


def register_notice_commands(app: Flask) -> None:
    @app.cli.group("notices")
    def notices_group():
        """Send push notices and compute reminders."""

    from webapp.push.commands import add_send_commands  # `send` and `worker`

    add_send_commands(notices_group)

    from webapp.reminder_commands import add_schedule_command  # `schedule`

    add_schedule_command(notices_group)
