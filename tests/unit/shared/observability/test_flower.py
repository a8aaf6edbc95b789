"""Flower's launcher: credentials unless FLOWER_OPEN says otherwise, and never the variable that would open Flower's HTTP
API (control endpoints included) to anonymous callers (docs/adr/0009-flower-access.md)."""

from __future__ import annotations

from pathlib import Path

from shared.observability.flower import USER, basic_auth, flower_argv, flower_env
from shared.settings import Settings


def test_flower_never_receives_the_variable_that_opens_its_api() -> None:
    environ = {"FLOWER_UNAUTHENTICATED_API": "1", "FLOWER_OPEN": "1", "FLOWER_BASIC_AUTH": "", "PATH": "/usr/bin"}
    assert flower_env(environ) == {"PATH": "/usr/bin"}


UNSET = Settings(flower_basic_auth="", flower_open=False)  # whatever this machine's environment says


def test_without_settings_a_password_is_generated_once_into_a_private_file(tmp_path: Path) -> None:
    auth_file = tmp_path / "run" / "flower.auth"
    credentials, generated = basic_auth(UNSET, auth_file)
    assert generated and credentials is not None and credentials.startswith(f"{USER}:")
    assert auth_file.stat().st_mode & 0o777 == 0o600
    assert basic_auth(UNSET, auth_file) == (credentials, False)  # kept across restarts
    assert f"--basic_auth={credentials}" in flower_argv("127.0.0.1", 5555, credentials)


def test_chosen_credentials_win_and_only_flower_open_leaves_them_out(tmp_path: Path) -> None:
    assert basic_auth(Settings(flower_basic_auth="ops:pw", flower_open=True), tmp_path / "a") == ("ops:pw", False)
    assert basic_auth(Settings(flower_basic_auth="", flower_open=True), tmp_path / "b") == (None, False)
    assert not any(arg.startswith("--basic_auth") for arg in flower_argv("127.0.0.1", 5555, None))
    assert not (tmp_path / "b").exists()
