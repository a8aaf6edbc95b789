from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.openapi_clients import Generated, generate, served_spec
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


@pytest.fixture(scope="session")
def generated_clients(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    """openapi-python-client's clients of both services (`search_client`, `ingest_client`), made once a session."""
    from services.ingest.app import create_app as ingest_app
    from services.search.app import create_app as search_app

    root = tmp_path_factory.mktemp("clients")
    return {
        "search": generate(served_spec(search_app()), root, "search_client"),
        "ingest": generate(served_spec(ingest_app()), root, "ingest_client"),
    }
