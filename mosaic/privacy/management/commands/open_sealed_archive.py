from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mosaic.accounts.models import User
from mosaic.legal.models import Disclosure
from mosaic.legal.services import NoLegalBasis, disclosure_basis, record_disclosure
from mosaic.lib.sealing import SealError
from mosaic.privacy.archives import find_archives, open_archive
from mosaic.staff.roles import SECURITY


class Command(BaseCommand):
    help = (
        "P09, P15: open the sealed archive(s) of an erased account against a recorded legal "
        "request that names the account and was complied with. Needs an operator with the "
        "security role and a reason (audited, P25), and the security team's private key, which "
        "never lives on a server. Each opening is a disclosure the transparency report counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("identifier", help="email address or username of the erased account")
        parser.add_argument("--operator", required=True, help="your Mosaic username")
        parser.add_argument(
            "--request", required=True, help="number of the recorded legal request (P15)"
        )
        parser.add_argument("--reason", required=True)
        parser.add_argument("--private-key-file", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        operator = User.objects.filter(username=options["operator"]).first()
        if operator is None:
            raise CommandError(f"no operator named {options['operator']!r}")
        try:
            legal_request = disclosure_basis(
                request_id=options["request"], names=[options["identifier"]]
            )
        except NoLegalBasis as exc:
            raise CommandError(f"P15: {exc}") from exc
        archives = find_archives(options["identifier"])
        if not archives:
            raise CommandError("no sealed archive for that email address or username")
        try:
            key_text = options["private_key_file"].read_text()
        except OSError as exc:
            raise CommandError(f"cannot read the private key: {exc}") from exc
        for archive in archives:
            try:
                with transaction.atomic():
                    record_disclosure(
                        operator=operator,
                        role=SECURITY,
                        legal_request=legal_request,
                        kind=Disclosure.Kind.SEALED_ARCHIVE,
                        target=f"sealed-archive:{archive.pk}",
                        reason=options["reason"],
                    )
                    content = open_archive(archive, key_text)  # a failure undoes the record
            except (PermissionDenied, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            except SealError as exc:
                raise CommandError(f"archive {archive.pk}: {exc}") from exc
            self.stdout.write(json.dumps(content, indent=2, ensure_ascii=False))
