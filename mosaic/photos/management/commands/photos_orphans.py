from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mosaic.photos.orphans import GRACE, clean_orphans, find_orphans


class Command(BaseCommand):
    help = (
        "Report photo files and rows that nothing refers to; with --delete, remove them. "
        "It deletes: originals (row, private file and variant files) that no photo uses any "
        "more; files under originals/ in the private storage with no original row; files under "
        "photos/ in the guarded storage with no variant row; files under photos/ in the public "
        f"storage that are no recorded public copy (P31). Only what is older than {GRACE} "
        "is touched, so work in progress is never removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="Remove what is reported.")

    def handle(self, *args: Any, **options: Any) -> None:
        orphans = find_orphans()
        self.stdout.write(
            f"{len(orphans.originals)} unused originals, "
            f"{len(orphans.private_files)} stray private files, "
            f"{len(orphans.guarded_files)} stray guarded files, "
            f"{len(orphans.public_files)} stray public files"
        )
        for name in orphans.private_files + orphans.guarded_files + orphans.public_files:
            self.stdout.write(f"  {name}")
        if options["delete"] and len(orphans):
            clean_orphans(orphans)
            self.stdout.write(f"deleted {len(orphans)} orphans")
