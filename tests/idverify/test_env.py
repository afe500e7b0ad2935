from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from idverify.env import env_bool, env_int, env_list, env_secret


def test_booleans_accept_the_usual_spellings_and_refuse_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for text, value in [("1", True), ("yes", True), ("TRUE", True), ("off", False), ("0", False)]:
        monkeypatch.setenv("FLAG", text)
        assert env_bool("FLAG") is value
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG")
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True


def test_integers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="N='ten' is not an integer"):
        env_int("N", 1)
    monkeypatch.setenv("N", "-5")
    with pytest.raises(ImproperlyConfigured, match="must be at least 0"):
        env_int("N", 1, minimum=0)
    monkeypatch.setenv("N", "3600")
    with pytest.raises(ImproperlyConfigured, match="N=3600 must be at most 60"):
        env_int("N", 1, minimum=0, maximum=60)
    monkeypatch.setenv("N", " 42 ")
    assert env_int("N", 1) == 42
    assert env_int("N", 1, minimum=0, maximum=60) == 42


def test_lists_drop_blank_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", "a.example, b.example,, ")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def test_secrets_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text("s3cret-value\n")
    monkeypatch.delenv("TOKEN", raising=False)
    monkeypatch.setenv("TOKEN_FILE", str(path))
    assert env_secret("TOKEN") == "s3cret-value"


def test_a_secret_given_twice_or_unreadable_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TOKEN", "a")
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "x"))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_secret("TOKEN")
    monkeypatch.delenv("TOKEN")
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_secret("TOKEN")
    (tmp_path / "x").write_text("\n")
    with pytest.raises(ImproperlyConfigured, match="is empty"):
        env_secret("TOKEN")
