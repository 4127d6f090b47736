from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from mosaic.lib import crypto


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted secret (Instagram access tokens, P02) with the first key of "
        "TOKEN_ENCRYPTION_KEYS. To rotate: put a new key first (keep the old ones after it), run "
        "this, then remove the old keys. --generate prints a new key and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--generate", action="store_true", help="print a new key and exit")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate"]:
            self.stdout.write(crypto.generate_key())
            return
        for model in apps.get_models():
            fields = [
                field.name
                for field in model._meta.get_fields()
                if isinstance(field, crypto.EncryptedTextField)
            ]
            if not fields:
                continue
            count = 0
            last_pk: Any = None
            while True:
                batch = model._default_manager.order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                rows = list(batch[: options["batch_size"]])
                if not rows:
                    break
                with transaction.atomic():
                    for row in rows:
                        # Loading decrypts with any key; saving encrypts with the first one.
                        row.save(update_fields=fields)
                count += len(rows)
                last_pk = rows[-1].pk
            self.stdout.write(f"{model._meta.label}: re-encrypted {count} row(s)")
