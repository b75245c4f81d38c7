"""`flask signing-cert`: make (or show) the demo certificate that signs electronic results;
`flask results-record`: record the signatures of results signed before they were recorded."""

from pathlib import Path

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    @app.cli.command("signing-cert")
    @click.option("--force", is_flag=True,
                  help="Replace an existing demo pair (results signed before stop verifying).")
    def signing_cert(force: bool):
        """Create the self-signed demo signing key and certificate at RESULT_SIGNING_KEY / _CERT."""
        from app.services.results.certificate import SigningUnavailable, credentials, make_demo_pair

        config = current_app.config
        key, cert = Path(config["RESULT_SIGNING_KEY"]), Path(config["RESULT_SIGNING_CERT"])
        if make_demo_pair(key, cert, config["CENTRE_NAME"], overwrite=force):
            click.echo(f"Demo signing certificate written: {cert} (key {key})")
        else:
            click.echo(f"Signing files already there, left as they are: {cert} (key {key})")
        try:
            cred = credentials()
        except SigningUnavailable as exc:
            raise click.ClickException(str(exc)) from exc
        native = cred.cert["tbs_certificate"]["validity"].native
        click.echo(f"subject: {cred.cert.subject.human_friendly}")
        click.echo(f"valid: {native['not_before']:%Y-%m-%d} to {native['not_after']:%Y-%m-%d}")
        click.echo(f"SHA-256 fingerprint: {cred.fingerprint}")

    @app.cli.command("results-record")
    @click.option("--apply", is_flag=True, help="Record them (without it, only count).")
    def results_record(apply: bool):
        """Record the centre's signature on PDF results signed before migration 0019."""
        from app.services.results.backfill import record_earlier

        counts = record_earlier(apply=apply)
        verb = "recorded" if apply else "would be recorded (dry run: add --apply)"
        click.echo(f"signed by the centre: {counts.signed} {verb}; not signed by it: {counts.unsigned}")
