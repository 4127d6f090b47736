from __future__ import annotations

import pytest

from mosaic.integrations.instagram.text import hashtags, repair_mojibake

pytestmark = pytest.mark.django_db  # the shared autouse fixture clears the database cache


def test_it_repairs_a_word_stored_as_latin1_characters():
    assert repair_mojibake("cafÃ©") == "café"


@pytest.mark.parametrize("meant", ["café", "Новая коллекция", "Sunset 🌅", "नमस्ते", "日本"])
def test_it_repairs_utf8_bytes_shown_as_latin1(meant):
    stored = meant.encode("utf-8").decode("latin-1")  # what the data download writes
    assert stored != meant
    assert repair_mojibake(stored) == meant


@pytest.mark.parametrize("text", ["café", "Straße", "Новая", "plain ascii", "🌅", "naïve 1°C ±2"])
def test_it_leaves_correct_text_alone(text):
    assert repair_mojibake(text) == text


def test_it_finds_hashtags_in_any_script():
    caption = "Новинки #мода и #café, नमस्ते #हिन्दी, #日本 #the_best!"
    assert hashtags(caption) == ["мода", "café", "हिन्दी", "日本", "the_best"]


def test_hashtags_are_deduplicated_ignoring_case_keeping_the_first_spelling():
    assert hashtags("#Handmade #handmade #HANDMADE #Art") == ["Handmade", "Art"]


@pytest.mark.parametrize("caption", ["email a#b", "&#39;quote", "#123", "# alone", "##", ""])
def test_things_that_look_like_hashtags_but_are_not(caption):
    assert hashtags(caption) == []


def test_adjacent_hashtags_are_each_found():
    assert hashtags("#one#two #three") == ["one", "two", "three"]
