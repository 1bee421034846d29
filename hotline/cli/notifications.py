"""`flask notify`: the notification outbox's worker (docs/operating.md,
"Notifications")."""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("notify")
@click.option("--loop", is_flag=True, help="Keep sending (every --interval seconds).")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(0.5, 3600))
@click.option(
    "--digest", is_flag=True, help="First queue the daily digests (once a day, e.g. from cron)."
)
@click.option(
    "--day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The local day the digests cover (default: yesterday).",
)
@with_appcontext
def notify_command(loop, interval, digest, day) -> None:
    """Send the notifications that are due: callers' and followers' e-mails
    and text messages, retried with back-off, held in quiet hours and over
    the hourly limit. With --digest, one e-mail per digest follower covering
    the day first (running it twice the same day sends nothing more)."""
    from ..clock import today
    from ..integration import notifications

    app = current_app._get_current_object()
    if digest:
        covered: date = day.date() if day else today() - timedelta(days=1)
        queued = notifications.queue_digests(covered)
        click.echo(f"Digests for {covered.isoformat()}: {queued} queued.")
    sent = notifications.run_all()
    click.echo(f"Notifications sent: {sent}.")
    if loop:
        notifications.run(app, interval)
