"""`flask api-token create|list|revoke`: the department API's tokens from the command line."""

import click
from flask import Flask

from app.cli_agency import agency_named, refusals
from app.lib.time import to_local
from app.services.errors import DomainError
from app.services.integration import tokens


def _when(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def register(app: Flask) -> None:
    @app.cli.group("api-token")
    def api_token():
        """Tokens of the department API (/api/v1/agency)."""

    @api_token.command("create")
    @click.option("--agency", "agency_code", required=True, help="Agency code, e.g. 000.01.00.H40.")
    @click.option("--scope", "scope", default="read", show_default=True, help="read, write or read,write.")
    @click.option("--name", default="", help="What will use it (default: the agency's short name).")
    def create(agency_code: str, scope: str, name: str):
        """Issue a token for an agency and print it, once: only its hash is kept."""
        agency = agency_named(agency_code)
        try:
            tokens.parse_scopes(scope)
        except DomainError as exc:
            raise click.BadParameter(exc.message, param_hint="--scope") from None
        name = name or agency.short_name or agency.code
        with refusals():
            issued = tokens.issue(agency.id, name, scope, "flask api-token")
        click.echo(f"token {issued.token.id} for {agency.code} ({issued.token.scopes}); "
                   "shown once, keep it now:", err=True)
        click.echo(issued.secret)

    @api_token.command("list")
    def list_tokens():
        """List every token: id, agency, name, scopes, created, last used, revoked."""
        for agency, rows in tokens.by_agency():
            for t in rows:
                state = f"revoked {_when(t.revoked_at)}" if t.revoked_at else "active"
                click.echo(f"{t.id}\t{agency.code}\t{t.name}\t{t.scopes}\t{t.hint}…"
                           f"\tcreated {_when(t.created_at)}\tlast used {_when(t.last_used_at)}\t{state}")

    @api_token.command("revoke")
    @click.argument("token_id", type=click.IntRange(1, 2**63 - 1))
    def revoke(token_id: int):
        """Revoke a token: its next request is refused."""
        with refusals():
            token = tokens.revoke(token_id)
        click.echo(f"revoked token {token.id} ({token.name})")
