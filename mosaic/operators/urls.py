from __future__ import annotations

from django.urls import path

from mosaic.operators import legal_views, moderation_views, security_views, views

app_name = "operators"
urlpatterns = [
    path("", views.index, name="index"),
    path("audit/", views.self_audit, name="self_audit"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/", views.correction, name="correction"),
    path("archives/", security_views.archives, name="archives"),
    path("audit-log/", security_views.audit_log, name="audit_log"),
    path("legal/", legal_views.legal, name="legal"),
    path("legal/requests/", legal_views.add_legal_request, name="add_legal_request"),
    path("legal/requests/<int:pk>/", legal_views.legal_request, name="legal_request"),
    path("legal/holds/", legal_views.add_hold, name="add_hold"),
    path("legal/holds/<int:pk>/lift/", legal_views.lift, name="lift_hold"),
    path("moderation/", moderation_views.moderation, name="moderation"),
    path("moderation/<int:pk>/unblock/", moderation_views.unblock, name="unblock"),
    path("moderation/reports/<int:pk>/", moderation_views.report, name="report"),
    path("moderation/appeals/<int:pk>/", moderation_views.answer, name="answer_appeal"),
]
