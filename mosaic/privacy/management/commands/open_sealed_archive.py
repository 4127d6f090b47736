from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mosaic.accounts.models import User
from mosaic.lib.sealing import SealError
from mosaic.privacy.archives import find_archives, open_archive
from mosaic.staff.roles import SECURITY
from mosaic.staff.services import record_action


class Command(BaseCommand):
    help = (
        "P09: open the sealed archive(s) of an erased account, for one recorded case. Needs an "
        "operator with the security role, a case reference and a reason (all audited, P25), and "
        "the security team's private key, which never lives on a server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("identifier", help="email address or username of the erased account")
        parser.add_argument("--operator", required=True, help="your Mosaic username")
        parser.add_argument("--case", required=True, help="case reference, e.g. LR-2026-014")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--private-key-file", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        operator = User.objects.filter(username=options["operator"]).first()
        if operator is None:
            raise CommandError(f"no operator named {options['operator']!r}")
        if not options["case"].strip():
            raise CommandError("a case reference is required")
        archives = find_archives(options["identifier"])
        if not archives:
            raise CommandError("no sealed archive for that email address or username")
        try:
            key_text = options["private_key_file"].read_text()
        except OSError as exc:
            raise CommandError(f"cannot read the private key: {exc}") from exc
        for archive in archives:
            try:
                record_action(
                    actor=operator,
                    role=SECURITY,
                    action="open sealed archive",
                    target=f"sealed-archive:{archive.pk}",
                    reason=options["reason"],
                    case_reference=options["case"].strip(),
                )
            except (PermissionDenied, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            try:
                content = open_archive(archive, key_text)
            except SealError as exc:
                raise CommandError(f"archive {archive.pk}: {exc}") from exc
            self.stdout.write(json.dumps(content, indent=2, ensure_ascii=False))
