from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mosaic.integrations.instagram.standin.server import StandInServer


class Command(BaseCommand):
    help = (
        "Run the local stand-in for Instagram's OAuth and Graph API (loopback only). The "
        "development settings point Mosaic at it when no Instagram app credentials are set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default_port = urlsplit(settings.INSTAGRAM_STAND_IN_URL).port or 8001
        parser.add_argument(
            "--port", type=int, default=default_port, help="default: INSTAGRAM_STAND_IN_URL's port"
        )
        parser.add_argument(
            "--username", default="mosaic.demo", help="suggested on the consent page"
        )
        parser.add_argument("--media-ttl", type=int, default=3600, help="seconds a media URL works")
        parser.add_argument(
            "--posts", type=int, default=30, help="posts per account (newest first)"
        )
        parser.add_argument(
            "--media-delay-ms",
            type=int,
            default=0,
            help="milliseconds each media file waits before it is sent (a CDN's round trip)",
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("the Instagram stand-in is for development and tests only")
        server = StandInServer(
            app_id=settings.INSTAGRAM_APP_ID,
            app_secret=settings.INSTAGRAM_APP_SECRET,
            port=options["port"],
            default_username=options["username"],
            verbose=not options["quiet"],
        )
        server.state.media_ttl = options["media_ttl"]
        server.state.posts_per_account = max(0, options["posts"])
        server.state.media_delay = max(0, options["media_delay_ms"]) / 1000
        self.stdout.write(f"Instagram stand-in at {server.base_url}/ (Ctrl-C stops it)")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
