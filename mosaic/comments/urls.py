from __future__ import annotations

from django.urls import path

from mosaic.comments import views

app_name = "comments"
urlpatterns = [
    path("comments/<int:site_id>/<int:post_id>/new/", views.write, name="write"),
    path("comments/mine/", views.mine, name="mine"),
    path("comments/<int:comment_id>/delete/", views.delete_own, name="delete"),
]
