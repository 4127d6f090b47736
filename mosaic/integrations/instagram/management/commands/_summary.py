"""What the import commands print at the end of a run."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mosaic.accounts.models import User
from mosaic.integrations.instagram.models import ImportRun


def owner(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No account with the username {username!r}.")
    return user


def report(command: BaseCommand, run: ImportRun) -> None:
    """Print the summary; a run that did not complete raises CommandError (exit status 1)."""
    for warning in run.warning_texts():
        command.stdout.write(f"warning: {warning}")
    command.stdout.write(
        f"posts: {run.done} read, {run.created} created, {run.updated} updated, "
        f"{run.removed} removed; media files stored: {run.media}; warnings: {len(run.warnings)}"
    )
    if run.state == ImportRun.State.COMPLETED:
        command.stdout.write(command.style.SUCCESS("Import complete."))
        return
    if run.state == ImportRun.State.PAUSED:
        raise CommandError(
            f"The import is paused: {run.error_text} The scheduler resumes it (run {run.pk})."
        )
    raise CommandError(run.error_text or f"The import ended in state {run.state}.")
