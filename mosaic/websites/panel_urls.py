"""The site editor, mounted at ``/panel/sites/``."""

from __future__ import annotations

from django.urls import path

from mosaic.websites import collection_views as kept
from mosaic.websites import panel_views as views

app_name = "websites"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("<int:site_id>/", views.edit, name="edit"),
    path("<int:site_id>/design/", views.save_design, name="design"),
    path("<int:site_id>/settings/", views.save_settings, name="settings"),
    path("<int:site_id>/socials/", views.save_socials, name="socials"),
    path("<int:site_id>/contact/", views.save_contact, name="contact"),
    path("<int:site_id>/search/", views.save_search, name="search"),
    path("<int:site_id>/links/", views.add_link, name="add_link"),
    path("<int:site_id>/links/order/", views.order_links, name="order_links"),
    path("<int:site_id>/links/<int:link_id>/<slug:action>/", views.link_action, name="link_action"),
    path("<int:site_id>/avatar/", views.avatar, name="avatar"),
    path("<int:site_id>/publish/", views.publish, name="publish"),
    path("<int:site_id>/posts/", views.posts, name="posts"),
    path("<int:site_id>/posts/order/", views.order_posts, name="order_posts"),
    path("<int:site_id>/posts/<int:post_id>/<slug:action>/", views.post_action, name="post_action"),
    path("<int:site_id>/items/<int:item_id>/remove/", views.remove_item, name="remove_item"),
    path("<int:site_id>/photo-links/<int:post_id>/", views.post_link, name="post_link"),
    path("<int:site_id>/alt/", views.alt_texts, name="alt_texts"),
    path("<int:site_id>/alt/<int:item_id>/", views.save_alt_text, name="save_alt"),
    path("<int:site_id>/collections/", kept.collections, name="collections"),
    path("<int:site_id>/collections/<int:collection_id>/", kept.collection, name="collection"),
    path(
        "<int:site_id>/collections/<int:collection_id>/add/", kept.add_posts, name="collection_add"
    ),
    path(
        "<int:site_id>/collections/<int:collection_id>/<slug:action>/",
        kept.collection_action,
        name="collection_action",
    ),
    path(
        "<int:site_id>/collections/<int:collection_id>/posts/<int:post_id>/<slug:action>/",
        kept.post_action,
        name="collection_post",
    ),
    path("<int:site_id>/preview/", views.preview, name="preview"),
    path("<int:site_id>/preview/<path:path>", views.preview, name="preview_file"),
    path("<int:site_id>/share/", views.share, name="share"),
    path("<int:site_id>/share/qr.<slug:kind>", views.share_qr, name="share_qr"),
    path("<int:site_id>/export/", views.export, name="export"),
    path("<int:site_id>/delete/", views.delete, name="delete"),
    path("<int:site_id>/restore/", views.restore, name="restore"),
]
