"""docs/settings.md holds the table shared/settings.py generates, so a new setting cannot go undocumented."""

import pytest
from pydantic import ValidationError

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


def test_matching_after_the_refresh_is_refused_without_the_threads_its_waiting_batches_need() -> None:
    with pytest.raises(ValidationError, match="TOPIC_MATCH_AFTER_REFRESH needs INDEXER_CONCURRENCY of at least 8"):
        Settings(topic_match_after_refresh=True)  # 2 threads, a batch flushed every 0.2 s
    assert Settings(topic_match_after_refresh=True, indexer_concurrency=8).topic_match_after_refresh
    assert Settings(topic_match_after_refresh=True, indexer_concurrency=3, index_batch_wait_s=0.5).indexer_concurrency == 3
