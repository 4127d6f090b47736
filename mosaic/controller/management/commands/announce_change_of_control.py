from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mosaic.accounts.models import User
from mosaic.controller.services import announce_change_of_control, send_remaining
from mosaic.policy.notices import progress


class Command(BaseCommand):
    help = (
        "P27: Mosaic changes hands. Publishes the change at /change-of-control/ (and a banner on"
        " every page) and emails every user the new controller's name and what changes, in"
        " batches through the task queue (--now: here, batch by batch). Running it again with"
        " the same arguments continues where it stopped; nobody is mailed twice. Needs an"
        " operator with the legal role (audited)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--operator", required=True, help="your Mosaic username")
        parser.add_argument("--controller", required=True, help="the new controller's name")
        parser.add_argument("--effective", required=True, help="the day it takes over, YYYY-MM-DD")
        parser.add_argument(
            "--changes-file", required=True, type=Path, help="what changes for users (UTF-8)"
        )
        parser.add_argument("--contact", default="", help="where users ask about their data")
        parser.add_argument("--now", action="store_true", help="send every batch before exiting")

    def handle(self, *args: Any, **options: Any) -> None:
        operator = User.objects.filter(username=options["operator"]).first()
        if operator is None:
            raise CommandError(f"no operator named {options['operator']!r}")
        try:
            effective_on = dt.date.fromisoformat(options["effective"])
            what_changes = options["changes_file"].read_text(encoding="utf-8")
        except ValueError as exc:
            raise CommandError(f"--effective: {exc}") from exc
        except OSError as exc:
            raise CommandError(f"cannot read the changes file: {exc}") from exc
        try:
            change, created = announce_change_of_control(
                operator=operator,
                new_controller=options["controller"],
                effective_on=effective_on,
                what_changes=what_changes,
                contact=options["contact"],
            )
        except (PermissionDenied, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["now"]:
            send_remaining(change)
        told, waiting = progress(change.notice)
        verb = "Announced" if created else "Resumed"
        self.stdout.write(
            f"{verb} the change to {change.new_controller}: notice {change.notice_id},"
            f" {told} told, {waiting} to go."
        )
