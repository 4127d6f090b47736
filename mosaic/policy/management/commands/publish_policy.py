from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mosaic.accounts.models import User
from mosaic.policy.models import PolicyVersion
from mosaic.policy.services import NoticeTooShort, publish_version


class Command(BaseCommand):
    help = (
        "P14: publish the privacy policy or the terms as they read now, to take effect on a date"
        " at least 5 days ahead, and email every user about it. Needs an operator with the"
        " legal role; the summary is shown to users and written to the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", choices=PolicyVersion.Kind.values, required=True)
        parser.add_argument("--effective", required=True, help="YYYY-MM-DD (00:00 UTC)")
        parser.add_argument("--summary", required=True, help="what changed, in plain words")
        parser.add_argument("--operator", required=True, help="your Mosaic username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["effective"])
        except ValueError as exc:
            raise CommandError("--effective must be a date: YYYY-MM-DD") from exc
        operator = User.objects.filter(username=options["operator"]).first()
        if operator is None:
            raise CommandError(f"no operator named {options['operator']!r}")
        try:
            version = publish_version(
                operator=operator,
                kind=options["kind"],
                effective_at=dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC),
                summary=options["summary"],
            )
        except (NoticeTooShort, PermissionDenied, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Published {version.kind} version {version.number}, in effect from"
            f" {version.effective_at:%Y-%m-%d}; every user is being emailed."
        )
