"""`flask backup`, `flask restore`, `flask verify-documents`, `flask move-to`."""

import click
from flask import Flask

from app.services.operations import backup as backups
from app.services.operations.move import move_to


def register(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("folder", type=click.Path(file_okay=False))
    def backup_command(folder: str):
        """Snapshot the database and copy new documents into FOLDER (safe while serving)."""
        try:
            snap = backups.backup(folder)
        except backups.BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{snap.folder}: {snap.documents_copied} new documents copied "
                   f"({snap.documents_total} in the snapshot)")

    @app.cli.command("restore")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    @click.option("--verify", is_flag=True, help="Re-hash every document after restoring.")
    def restore_command(folder: str, verify: bool):
        """Restore FOLDER (a backup folder: its newest snapshot, or one snapshot) into an empty instance."""
        try:
            result = backups.restore(folder, verify=verify)
        except backups.BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"restored {result['snapshot']}: {result['documents_restored']} documents")
        if verify:
            bad = result["bad_documents"]
            click.echo(f"verified: {len(bad)} documents missing or changed")
            if bad:
                raise click.ClickException("; ".join(bad[:20]))

    @app.cli.command("verify-documents")
    def verify_command():
        """Re-hash every stored document; list those missing or changed."""
        bad = backups.verify_documents()
        click.echo(f"{len(bad)} documents missing or changed")
        if bad:
            raise click.ClickException("; ".join(bad[:20]))

    @app.cli.command("move-to")
    @click.argument("database_url")
    def move_command(database_url: str):
        """Copy everything into the empty database at DATABASE_URL (then point DATABASE_URL there)."""
        try:
            copied = move_to(database_url)
        except backups.BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"copied {sum(copied.values())} rows in {len(copied)} tables; set DATABASE_URL to use it")
