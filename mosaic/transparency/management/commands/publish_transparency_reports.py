from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mosaic.transparency.services import publish_due


class Command(BaseCommand):
    help = (
        "P26: publish the transparency report of every ended half-year that has none yet (the "
        "daily job transparency.publish does the same); a published report never changes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for report in publish_due():
            self.stdout.write(f"published {report.slug}")
