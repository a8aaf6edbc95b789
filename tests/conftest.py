from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stack import Stack, live_stack

FIXTURES = Path(__file__).parent / "fixtures"
UNIT = Path(__file__).parent / "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything outside tests/unit runs on the real engines: `pytest -m "not integration"` is the fast suite."""
    for item in items:
        if UNIT not in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """The real services on the real engines, shared by the integration tests of one session."""
    with live_stack() as running:
        yield running


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
