from __future__ import annotations

from django.conf import settings
from django.urls import path

from mosaic.web import outbox, preferences, views

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", preferences.set_preferences, name="preferences"),
    path("example/photos/<str:version>/<str:name>", views.example_photo, name="example_photo"),
    path("example/<slug:theme>/", views.example, name="example"),
    path("example/<slug:theme>/<path:path>", views.example, name="example_page"),
]

if settings.EMAIL_MODE == "outbox" and not settings.PRODUCTION:  # development only
    urlpatterns += [
        path("dev/outbox/", outbox.outbox_list, name="dev_outbox"),
        path("dev/outbox/<str:message_id>/", outbox.outbox_detail, name="dev_outbox_message"),
    ]
