from __future__ import annotations

from django.urls import path

from mosaic.discovery import views

app_name = "discovery"
urlpatterns = [
    path("explore/", views.explore, name="explore"),
    path("explore/search/", views.search_view, name="search"),
    path("explore/tag/<str:key>/", views.tag, name="tag"),
    path("explore/similar/<int:site_id>/", views.similar, name="similar"),
    path(
        "explore/similar/<int:site_id>/preference/",
        views.similar_preference,
        name="similar_preference",
    ),
]
