"""`flask digest`: queue each department's deadline digest by hand; the worker's daily check."""

from datetime import date

import click
from flask import Flask

from app.lib.time import local_today
from app.services.reporting import digest


def register(app: Flask) -> None:
    @app.cli.command("digest")
    @click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="The day to report on, YYYY-MM-DD (default: today in Vietnam).")
    def digest_command(day):
        """Queue the deadline digest (due soon, late) to every department's officers, once a day."""
        the_day = day.date() if day else local_today()
        queued = digest.queue_digests(the_day)
        click.echo(f"{queued} digest messages queued for {the_day.isoformat()}")


def worker_tick(last_day: date | None) -> date | None:
    """Queue today's digests once DIGEST_HOUR has come; called by `flask worker` every loop."""
    return digest.queue_if_due(last_day)
