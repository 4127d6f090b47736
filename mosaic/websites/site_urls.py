"""Published sites at ``/<slug>/``: mounted last, after every application route."""

from __future__ import annotations

from django.urls import path

from mosaic.websites import crawlers, serving

urlpatterns = [
    path("robots.txt", crawlers.robots_txt, name="robots_txt"),
    path("sitemap.xml", crawlers.sitemap_index, name="sitemap_index"),
    path("_media/<path:name>", serving.owner_media, name="owner_media"),
    path("<slug:slug>/", serving.serve, name="site"),
    path("<slug:slug>/<path:path>", serving.serve, name="site_file"),
]
