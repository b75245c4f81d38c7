"""`flask prune-blobs`: remove stored files no document names, after a grace period."""

import click
from flask import Flask

from app.services.files.prune import prune_blobs
from app.services.files.uploads import human_size


def register(app: Flask) -> None:
    @app.cli.command("prune-blobs")
    @click.option("--apply", is_flag=True, help="Remove them; without it, only say what would go.")
    @click.option("--days", type=int, default=None,
                  help="Grace period in days (default: BLOB_GRACE_DAYS, 30).")
    def prune_command(apply: bool, days: int | None):
        """Remove blobs no document names, older than the grace period (a dry run unless --apply)."""
        grace = app.config["BLOB_GRACE_DAYS"] if days is None else days
        if grace < 1:  # a phone that uploaded its files a moment ago is about to name them
            raise click.BadParameter("at least 1 day", param_hint="--days / BLOB_GRACE_DAYS")
        result = prune_blobs(grace, apply=apply)
        click.echo(f"{len(result.found)} blobs ({human_size(result.size)}) named by no document, "
                   f"older than {grace} days")
        if not apply:
            click.echo("dry run: nothing removed (run again with --apply to remove them)")
            return
        click.echo(f"removed {result.rows} blobs and {result.files} files; "
                   f"{result.in_use} named by a dossier meanwhile, kept")
