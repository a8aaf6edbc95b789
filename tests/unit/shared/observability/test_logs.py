"""A logged exception reaches the JSON line with its traceback, so an operator can see where it came from."""

import io
import json
import logging

from shared.observability.logs import configure_logging
from shared.settings import Settings


def test_exception_lines_carry_their_traceback() -> None:
    configure_logging(Settings())
    stream = io.StringIO()
    logging.getLogger().handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        raise AttributeError("'NoneType' object has no attribute 'hostname'")
    except AttributeError:
        logging.getLogger("celery.worker").exception("Unrecoverable error")
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["event"] == "Unrecoverable error"
    assert "Traceback (most recent call last)" in line["exception"]
    assert "test_logs.py" in line["exception"]
