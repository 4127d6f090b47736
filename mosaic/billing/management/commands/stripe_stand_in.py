from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mosaic.billing.standin.server import StandInServer


class Command(BaseCommand):
    help = (
        "Run the local stand-in for the part of Stripe's API Mosaic uses (loopback only): set "
        "STRIPE_API_BASE to its address, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and "
        "STRIPE_PRICE_ID to any values, and the same ones here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=urlsplit(settings.STRIPE_API_BASE).port or 8002
        )
        parser.add_argument("--webhook-url", default=f"{settings.SITE_URL}/billing/webhook/stripe/")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("the Stripe stand-in is for development and tests only")
        server = StandInServer(
            secret_key=settings.STRIPE_SECRET_KEY or "sk_test_stand_in",
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET or "whsec_stand_in",
            price_id=settings.STRIPE_PRICE_ID or "price_stand_in",
            port=options["port"],
            webhook_url=options["webhook_url"],
            verbose=not options["quiet"],
        )
        self.stdout.write(f"Stripe stand-in at {server.base_url}/ (Ctrl-C stops it)")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
