"""P20: "Your data" shows the person's own data, not only what the policy says (issue #13)."""

from __future__ import annotations

import pytest

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
