"""The README's settings table is the one shared/settings.py generates, so a new setting cannot go undocumented."""

from pathlib import Path

from shared.settings import settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_setting() -> None:
    assert settings_table() in README.read_text()


def test_readme_gives_the_two_commands() -> None:
    text = README.read_text()
    assert "make up" in text and "make test" in text
