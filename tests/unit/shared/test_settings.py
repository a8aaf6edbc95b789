"""docs/settings.md holds the table shared/settings.py generates, so a new setting cannot go undocumented."""

import pytest

from shared.settings import SETTINGS_DOC, TABLE_BEGIN, TABLE_END, Settings, settings_table, with_settings_table


def test_the_settings_page_lists_every_setting() -> None:
    page = SETTINGS_DOC.read_text()
    assert f"{TABLE_BEGIN}\n{settings_table()}\n{TABLE_END}" in page, "run `make settings-doc` to regenerate docs/settings.md"


def test_every_setting_has_a_row_with_its_description() -> None:
    table = settings_table()
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        assert f"| `{name.upper()}` | `{field.default}` | {field.description} |" in table


def test_regenerating_replaces_only_the_table() -> None:
    page = f"# Settings\n\nintro\n\n{TABLE_BEGIN}\n| old | table |\n{TABLE_END}\n\nafter\n"
    assert with_settings_table(page) == f"# Settings\n\nintro\n\n{TABLE_BEGIN}\n{settings_table()}\n{TABLE_END}\n\nafter\n"


def test_a_page_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_settings_table("# Settings\n")
