from __future__ import annotations

from django.urls import path

from mosaic.organizations import panel_views

app_name = "organizations"
urlpatterns = [
    path("", panel_views.home, name="home"),
    path("me/", panel_views.mine, name="mine"),
    path("hand-over/", panel_views.hand_over, name="hand_over"),
    path("delete/", panel_views.delete, name="delete"),
    path("domains/", panel_views.add_domain, name="add_domain"),
    path("domains/<int:domain_id>/check/", panel_views.check_domain, name="check_domain"),
    path("domains/<int:domain_id>/remove/", panel_views.remove_domain, name="remove_domain"),
    path("members/<int:user_id>/", panel_views.member, name="member"),
    path("members/<int:user_id>/act/", panel_views.act, name="act"),
]
