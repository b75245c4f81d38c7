"""`flask webhook add|list|rotate|disable`: agencies' webhook subscriptions from the command line."""

import click
from flask import Flask

from app.cli_agency import agency_named, refusals
from app.lib.time import to_local
from app.services.webhooks import subscriptions


def register(app: Flask) -> None:
    @app.cli.group("webhook")
    def webhook():
        """Webhook subscriptions of agencies (signed, Standard Webhooks)."""

    @webhook.command("add")
    @click.option("--agency", "agency_code", required=True, help="Agency code, e.g. 000.01.00.H40.")
    @click.option("--url", required=True, help="The receiver's http(s) address.")
    @click.option("--events", default="", help="Comma-separated; default every event: "
                  + ", ".join(subscriptions.EVENTS))
    def add(agency_code: str, url: str, events: str):
        """Subscribe an endpoint and print its signing secret, once."""
        agency = agency_named(agency_code)
        with refusals():
            added = subscriptions.add(agency.id, url, events, "flask webhook")
        click.echo(f"subscription {added.subscription.id} for {agency.code} "
                   f"({added.subscription.events}); secret shown once, keep it now:", err=True)
        click.echo(added.secret)

    @webhook.command("list")
    def list_subscriptions():
        """List every subscription: id, agency, url, events, state."""
        for agency, rows in subscriptions.by_agency():
            for s in rows:
                state = "active" if s.active else f"disabled: {s.disabled_reason}"
                created = to_local(s.created_at).strftime("%Y-%m-%d %H:%M")
                click.echo(f"{s.id}\t{agency.code}\t{s.url}\t{s.events}\tcreated {created}\t{state}")

    @webhook.command("rotate")
    @click.argument("subscription_id", type=click.IntRange(1, 2**31 - 1))
    def rotate(subscription_id: int):
        """Give a subscription a new secret (printed); the old one also signs for 24 h."""
        with refusals():
            added = subscriptions.rotate(subscription_id)
        click.echo(f"subscription {subscription_id}: new secret (the previous one also signs for 24 h):",
                   err=True)
        click.echo(added.secret)

    @webhook.command("disable")
    @click.argument("subscription_id", type=click.IntRange(1, 2**31 - 1))
    def disable(subscription_id: int):
        """Stop sending to a subscription."""
        with refusals():
            sub = subscriptions.disable(subscription_id)
        click.echo(f"disabled subscription {sub.id} ({sub.url})")
