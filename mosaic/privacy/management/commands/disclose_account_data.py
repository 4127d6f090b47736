from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from mosaic.legal.models import Disclosure
from mosaic.legal.services import NoLegalBasis, disclosure_basis, record_disclosure
from mosaic.privacy.holds import find_account
from mosaic.privacy.registry import categories
from mosaic.staff.roles import LEGAL


class Command(BaseCommand):
    help = (
        "P15: export the data of one account for an authority, against a recorded legal request "
        "that names the account and was complied with. Needs an operator with the legal role "
        "and a reason (audited, P25); writes one JSON file (mode 600) of the categories asked "
        "for. Each export is a disclosure the transparency report counts (P26)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("identifier", help="username or email address of the account")
        parser.add_argument("--operator", required=True, help="your Mosaic username")
        parser.add_argument("--request", required=True, help="number of the legal request")
        parser.add_argument("--reason", required=True)
        parser.add_argument(
            "--category",
            action="append",
            default=[],
            help="a category key to include (repeat); all of them when none is given",
        )
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        operator = find_account(options["operator"])
        account = find_account(options["identifier"])
        if operator is None or account is None:
            raise CommandError("no such operator or account")
        known = {category.key: category for category in categories()}
        unknown = sorted(set(options["category"]) - set(known))
        if unknown:
            raise CommandError(f"unknown categories: {', '.join(unknown)}")
        chosen = [known[key] for key in options["category"]] or list(known.values())
        addresses = EmailAddress.objects.filter(user=account).values_list("email", flat=True)
        names = [account.username, account.email, *addresses]
        output: Path = options["output"]
        if output.exists():
            raise CommandError(f"{output} exists; choose a new file")
        try:
            legal_request = disclosure_basis(request_id=options["request"], names=names)
            with transaction.atomic():
                record_disclosure(
                    operator=operator,
                    role=LEGAL,
                    legal_request=legal_request,
                    kind=Disclosure.Kind.ACCOUNT_DATA,
                    target=f"account:{account.pk}",
                    reason=options["reason"],
                    subject=account,
                )
                data = {category.key: category.export(account) for category in chosen}
                write_private(output, data)
        except NoLegalBasis as exc:
            raise CommandError(f"P15: {exc}") from exc
        except (PermissionDenied, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"wrote {output} for legal request {legal_request.pk}")


def write_private(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to a new file only its owner can read; nothing half-written stays."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
