from __future__ import annotations

from django.urls import path, re_path

from mosaic.billing import views

app_name = "billing"
NUMBER = r"(?P<number>[A-Z0-9]{0,8}-?[0-9]{4}-[0-9]{6})"
urlpatterns = [
    path("pricing/", views.pricing, name="pricing"),
    path("billing/", views.account, name="account"),
    path("billing/upgrade/", views.upgrade, name="upgrade"),
    path("billing/done/", views.done, name="done"),
    path("billing/manage/", views.manage, name="manage"),
    path("billing/sites/", views.choose_sites, name="sites"),
    re_path(rf"^billing/invoices/{NUMBER}/$", views.invoice, name="invoice"),
    re_path(rf"^billing/invoices/{NUMBER}/pdf/$", views.invoice_pdf, name="invoice_pdf"),
    path("billing/webhook/<slug:provider_key>/", views.webhook, name="webhook"),
    path("billing/offline/checkout/<str:token>/", views.offline_checkout, name="offline_checkout"),
    path("billing/offline/portal/<str:token>/", views.offline_portal, name="offline_portal"),
]
