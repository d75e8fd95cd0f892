"""quizapp.config: settings from environment variables."""

from __future__ import annotations

from quizapp.config import from_environment


def test_old_secret_keys_are_read_as_a_comma_separated_list(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "new")
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", "old one, older one,")
    settings = from_environment(str(tmp_path))
    assert settings["SECRET_KEY"] == "new"
    assert settings["SECRET_KEY_FALLBACKS"] == ["old one", "older one"]


def test_no_fallback_keys_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY_FALLBACKS", raising=False)
    assert from_environment(str(tmp_path))["SECRET_KEY_FALLBACKS"] == []
