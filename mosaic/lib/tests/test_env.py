from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from mosaic.lib.env import env_bool, env_choice, env_int, env_list, env_str


def test_values_are_read_and_typed(monkeypatch):
    monkeypatch.setenv("MOSAIC_T_BOOL", "Yes")
    monkeypatch.setenv("MOSAIC_T_INT", "42")
    monkeypatch.setenv("MOSAIC_T_LIST", " a, b ,,c ")

    assert env_bool("MOSAIC_T_BOOL") is True
    assert env_int("MOSAIC_T_INT", 1) == 42
    assert env_list("MOSAIC_T_LIST") == ["a", "b", "c"]
    assert env_str("MOSAIC_T_MISSING", "fallback") == "fallback"


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-value\n")
    monkeypatch.setenv("MOSAIC_T_SECRET_FILE", str(secret))

    assert env_str("MOSAIC_T_SECRET") == "s3cret-value"


@pytest.mark.parametrize(
    ("name", "value", "read"),
    [
        ("MOSAIC_T_BOOL", "maybe", lambda: env_bool("MOSAIC_T_BOOL")),
        ("MOSAIC_T_INT", "forty", lambda: env_int("MOSAIC_T_INT", 1)),
        ("MOSAIC_T_INT", "-5", lambda: env_int("MOSAIC_T_INT", 1, minimum=0)),
        ("MOSAIC_T_CHOICE", "staging", lambda: env_choice("MOSAIC_T_CHOICE", ("a", "b"), "a")),
        ("MOSAIC_T_SECRET_FILE", "/nonexistent/file", lambda: env_str("MOSAIC_T_SECRET")),
    ],
)
def test_a_bad_value_stops_start_up_with_its_name(monkeypatch, name, value, read):
    monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured, match=name):
        read()
