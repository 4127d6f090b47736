from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mosaic.accounts.models import User
from mosaic.policy.notices import create_notice, progress
from mosaic.staff.roles import LEGAL
from mosaic.staff.services import record_action


class Command(BaseCommand):
    help = (
        "P27: email a service notice (e.g. a change of control) to every user, in batches, through"
        " the task queue. Running it again with the same subject and body resumes that notice:"
        " nobody gets it twice. Needs an operator with the legal role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--subject", required=True)
        parser.add_argument("--body-file", required=True, type=Path, help="plain text, UTF-8")
        parser.add_argument("--operator", required=True, help="your Mosaic username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            body = options["body_file"].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read the body file: {exc}") from exc
        operator = User.objects.filter(username=options["operator"]).first()
        if operator is None:
            raise CommandError(f"no operator named {options['operator']!r}")
        try:
            with transaction.atomic():
                notice, created = create_notice(subject=options["subject"], body=body)
                record_action(
                    actor=operator,
                    role=LEGAL,
                    action="send notice" if created else "resume notice",
                    target=f"notice:{notice.pk}",
                    reason=notice.subject,
                )
        except (PermissionDenied, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        sent, waiting = progress(notice)
        verb = "Queued" if created else "Resumed"
        self.stdout.write(f"{verb} notice {notice.pk}: {sent} sent, {waiting} to go.")
