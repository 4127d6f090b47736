"""The WSGI application every server runs (Granian under ``make run`` and in production).

The statistics endpoints (``/_m/``, one request per page view on every published site) are
answered ahead of Django's request handling by ``CountingFirst``; everything else goes to
Django.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosaic.settings")
django_application = get_wsgi_application()  # sets Django up, so models can be imported below

from mosaic.stats.endpoints import CountingFirst  # noqa: E402

application = CountingFirst(django_application)
