"""`flask` commands: seed-demo, create-user, seed-holidays."""

import click
from flask import Flask

from app.extensions import db
from app.models import Role, User
from app.services.accounts import passwords
from app.services.accounts.passwords import hash_password
from app.services.catalogue import queries as catalogue
from app.services.catalogue import seed


def register(app: Flask) -> None:
    from app import cli_blobs, cli_digest, cli_integration, cli_operations, cli_signing, cli_webhooks

    register_worker(app)
    cli_operations.register(app)
    cli_blobs.register(app)
    cli_integration.register(app)
    cli_webhooks.register(app)
    cli_digest.register(app)
    cli_signing.register(app)

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when the catalogue has no procedure yet.")
    def seed_demo(if_empty: bool):
        """Load the demo catalogue (centre, 20 departments, procedures) and holidays."""
        if if_empty and not seed.catalogue_is_empty():
            click.echo("Catalogue already loaded.")
            return
        click.echo(seed.seed_demo())

    @app.cli.command("seed-holidays")
    @click.argument("first_year", type=int)
    @click.argument("last_year", type=int)
    def seed_holidays(first_year: int, last_year: int):
        """Add Vietnamese public holidays for a range of years to the holiday table."""
        click.echo(f"{seed.load_holidays(first_year, last_year)} new holiday rows")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--agency", "agency_code", help="Agency code, for department officers.")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--name", default="")
    def create_user(email: str, role: str, agency_code: str | None, password: str, name: str):
        """Create an account (staff or citizen)."""
        agency = None
        if agency_code:
            agency = catalogue.agency_by_code(agency_code)
            if agency is None:
                raise click.BadParameter(f"no agency with code {agency_code}", param_hint="--agency")
        if role == Role.DEPARTMENT and agency is None:
            raise click.BadParameter("department officers need --agency", param_hint="--agency")
        if db.session.execute(db.select(User).filter_by(email=email.lower())).first():
            raise click.ClickException(f"{email} already exists")
        if problem := passwords.problem(password, email):  # the same rule as the web forms
            raise click.BadParameter(problem, param_hint="--password")
        user = User(email=email.lower(), name=name or email, role=role, agency=agency,
                    password_hash=hash_password(password))
        db.session.add(user)
        db.session.commit()
        click.echo(f"Created {role} {email}")


def register_worker(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
    @click.option("--interval", default=1.0, help="Seconds to wait when nothing is due (webhook p95 < 2 s).")
    @click.option("--batch", default=50, help="Messages claimed at a time.")
    def worker(once: bool, interval: float, batch: int):
        """Deliver queued notifications (email, SMS), webhooks, portal records; retries; run several."""
        import time

        from app.cli_digest import worker_tick
        from app.services.messaging.delivery import deliver_batch
        from app.services.webhooks import delivery as outbound

        digest_day = None
        while True:
            digest_day = worker_tick(digest_day)  # the daily deadline digest, queued once a day
            sent, failed = deliver_batch(batch)
            # the same loop sends webhooks and national-portal records (their own table)
            hooks_sent, hooks_failed = outbound.deliver_batch(batch)
            sent, failed = sent + hooks_sent, failed + hooks_failed
            if sent or failed:
                click.echo(f"sent {sent}, failed {failed}")
            if once:
                return
            if not (sent or failed):
                time.sleep(interval)
