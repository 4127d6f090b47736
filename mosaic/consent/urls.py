from __future__ import annotations

from django.urls import path

from mosaic.consent import views

app_name = "consent"
urlpatterns = [
    path("panel/email/", views.email_preferences, name="email_preferences"),
    path("newsletter/", views.newsletter, name="newsletter"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter_confirm"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
