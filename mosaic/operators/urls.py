from __future__ import annotations

from django.urls import path

from mosaic.operators import views

app_name = "operators"
urlpatterns = [
    path("", views.index, name="index"),
    path("audit/", views.self_audit, name="self_audit"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/", views.correction, name="correction"),
    path("archives/", views.archives, name="archives"),
    path("legal/", views.legal, name="legal"),
    path("legal/requests/", views.add_legal_request, name="add_legal_request"),
    path("legal/holds/", views.add_hold, name="add_hold"),
    path("legal/holds/<int:pk>/lift/", views.lift, name="lift_hold"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/unblock/", views.unblock, name="unblock"),
]
