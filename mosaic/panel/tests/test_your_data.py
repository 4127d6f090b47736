"""P20: "Your data" shows the person's own data, not only what the policy says (issue #13)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from mosaic.panel.data_summary import summarise
from mosaic.photos.models import Photo
from mosaic.privacy.models import CorrectionRequest
from mosaic.privacy.registry import Category, categories, category
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db


def test_p20_your_data_shows_the_records_themselves_with_counts_and_where_to_fix_them(owner):
    owner.user.display_name = "Olivia Marsh"
    owner.user.save(update_fields=["display_name"])
    for day in range(5):
        make_post(owner.user, f"Harbour at dawn, day {day} #sea", days=day)

    page = owner.client.get("/panel/data/").content.decode()

    assert "olivia@example.com" in page
    assert "Olivia Marsh" in page
    assert "Harbour at dawn, day 0 #sea" in page  # a post's own caption
    assert "5 records" in page  # the posts and their photos, counted
    assert "All 5 are in your download." in page
    assert 'href="/panel/data/profile/"' in page
    assert 'href="/panel/sites/"' in page


def test_p20_your_data_never_shows_someone_elses_records(owner, other_owner):
    make_post(other_owner.user, "Oscar's secret caption")
    page = owner.client.get("/panel/data/").content.decode()
    assert "Oscar's secret caption" not in page
    assert "oscar@example.com" not in page


def held_and_not_held(page: str) -> tuple[str, str]:
    """The cards of the kinds held, and the one card of the kinds held nothing of."""
    first, start = page.index('class="data-category"'), page.index('id="category-none"')
    return page[first:start], page[start : page.index("</section>", start)]


def test_p20_yes_and_no_read_as_words_and_fields_have_names_not_export_keys(owner):
    site = services.create_site(owner=owner.user, slug="olivia", title="Olivia Makes")
    Site.objects.filter(pk=site.pk).update(listed=True, hide_from_search=False)

    page = owner.client.get("/panel/data/").content.decode()

    assert "<dt>Listed in the directory</dt><dd>Yes</dd>" in page
    assert "<dt>Hidden from search engines</dt><dd>No</dd>" in page
    assert ">True<" not in page
    assert ">False<" not in page
    assert "<dt>Joined</dt>" in page
    assert "date joined" not in page


def test_p20_the_page_leaves_out_hashes_and_internal_ids_the_download_keeps(owner):
    post = make_post(owner.user, "Harbour at dawn")
    photo = Photo.objects.get(post_items__post=post)
    exported = category("photos").export(owner.user)

    page = owner.client.get("/panel/data/").content.decode()

    assert exported[0]["sha256"] == photo.original.sha256  # the export is as it was
    assert exported[0]["id"] == photo.pk
    assert photo.original.sha256 not in page
    assert "sha256" not in page
    assert "instagram id" not in page
    assert "<dt>File name</dt>" in page


def test_p20_a_russian_reader_sees_the_fields_named_in_russian(owner):
    make_post(owner.user, "Harbour at dawn")
    client = owner.sign_in(HTTP_ACCEPT_LANGUAGE="ru")

    page = client.get("/panel/data/").content.decode()

    assert "<dt>Имя пользователя</dt>" in page
    assert "<dt>Подпись</dt>" in page  # a post's caption
    assert "<dt>Caption</dt>" not in page
    assert "<dt>Username</dt>" not in page
    assert "Таких данных о вас у нас нет" in page  # noqa: RUF001


def test_p20_a_count_never_stands_over_an_empty_record(owner):
    make_post(owner.user, "Harbour at dawn")

    held, not_held = held_and_not_held(owner.client.get("/panel/data/").content.decode())

    assert held.count('<li><dl class="meta"><dt>') == held.count("<li>")
    # Exported as one object of empty fields: nothing held, not "1 record" over a rule.
    for title in ("Comments", "Plan and billing details", "Organization membership"):
        assert f"<summary>{title}</summary>" in not_held
        assert f">{title} <span" not in held


def test_p20_a_record_of_only_internal_fields_says_its_details_are_in_the_download(owner):
    class Hashes(Category):
        key = "hashes"
        title = description = purpose = legal_basis = "Hashes"

        def retention(self):
            return "A day"

        def export(self, user):
            return [{"sha256": "ab" * 32, "id": 7}]

    summary = summarise(owner.user, Hashes())
    card = render_to_string("panel/_data_summary.html", {"summary": summary})

    assert summary.count == 1
    assert summary.records == [[]]
    assert "Its details are in your download." in card


def test_p01_every_category_is_named_and_the_empty_ones_come_after_together(owner):
    make_post(owner.user, "Harbour at dawn")

    page = owner.client.get("/panel/data/").content.decode()
    held, not_held = held_and_not_held(page)

    for each in categories():
        assert escape(str(each.title)) in page
    assert "Nothing of this kind." not in page  # no longer a card per empty kind
    assert ">Posts <span" in held
    assert "<summary>Posts</summary>" not in not_held
    assert "<summary>Invoices and payments</summary>" in not_held
    # each still says why it would be kept, and for how long
    assert not_held.count("<dt>Kept</dt>") == not_held.count("<summary>")


def coded_records(owner) -> None:
    """A site, a post and a correction request: records whose fields are stored as codes."""
    site = services.create_site(owner=owner.user, slug="olivia", title="Olivia Makes")
    Site.objects.filter(pk=site.pk).update(
        visibility=Site.Visibility.PUBLIC, theme=Site.Theme.MAGAZINE
    )
    make_post(owner.user, "Harbour at dawn")  # an upload
    CorrectionRequest.objects.create(
        user=owner.user,
        what="My old surname is still on the invoice",
        correction="Marsh",
        deadline=timezone.now() + dt.timedelta(days=30),
    )


def test_p20_stored_codes_read_as_words(owner):
    coded_records(owner)

    page = owner.client.get("/panel/data/").content.decode()

    assert "<dt>Visibility</dt><dd>Public</dd>" in page
    assert "<dt>Theme</dt><dd>Magazine</dd>" in page
    assert "<dt>Source</dt><dd>Upload</dd>" in page
    assert "<dt>Language</dt><dd>English</dd>" in page
    assert "<dt>Status</dt><dd>Open</dd>" in page  # the correction request's card
    assert "<dt>Email addresses</dt><dd>olivia@example.com</dd>" in page
    for code in ("public", "magazine", "upload", "en", "open"):
        assert f"<dd>{code}</dd>" not in page


def test_p20_a_russian_reader_sees_the_codes_in_russian(owner):
    coded_records(owner)
    client = owner.sign_in(HTTP_ACCEPT_LANGUAGE="ru")

    page = client.get("/panel/data/").content.decode()

    assert "<dt>Видимость</dt><dd>Открытый</dd>" in page
    assert "<dt>Тема</dt><dd>Журнал</dd>" in page
    assert "<dt>Источник</dt><dd>Загрузка</dd>" in page
    assert "<dt>Язык</dt><dd>Русский</dd>" in page
    assert "<dt>Статус</dt><dd>Открыт</dd>" in page
    assert ">Magazine<" not in page
    assert ">Public<" not in page


def test_p20_a_code_that_is_no_choice_any_more_is_shown_as_it_is(owner):
    site = services.create_site(owner=owner.user, slug="olivia", title="Olivia Makes")
    Site.objects.filter(pk=site.pk).update(theme="mosaic-classic")

    page = owner.client.get("/panel/data/").content.decode()

    assert "<dt>Theme</dt><dd>mosaic-classic</dd>" in page


def test_p20_the_download_keeps_the_codes_the_page_puts_in_words(owner):
    coded_records(owner)
    owner.client.get("/panel/data/")  # remembers the reader's language, "en"
    owner.user.refresh_from_db()

    exported = json.loads(json.dumps(category("websites").export(owner.user)))
    assert exported[0]["visibility"] == "public"
    assert exported[0]["theme"] == "magazine"
    assert category("posts").export(owner.user)[0]["source"] == "upload"
    assert category("account").export(owner.user)["language"] == "en"
    assert category("corrections").export(owner.user)[0]["status"] == "open"
    assert category("account").export(owner.user)["email_addresses"] == [
        {"email": "olivia@example.com", "verified": True, "primary": True}
    ]


def test_p20_correction_requests_read_as_cards_on_a_phone(owner):
    coded_records(owner)

    page = owner.client.get("/panel/data/").content.decode()
    table = page[page.index('<table class="card-table" role="table">') : page.index("</table>")]

    assert '<tbody role="rowgroup">' in table
    assert '<tr role="row">' in table
    assert table.count('role="columnheader"') == table.count('<td role="cell" data-label=') == 4
    assert 'data-label="What is wrong">My old surname is still on the invoice</td>' in table
    assert 'data-label="Status">Open · answer by ' in table
