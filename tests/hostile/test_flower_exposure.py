"""Flower is never open by accident, and never shows an article: started as `make up` and compose start it
(`python -m shared.observability.flower`), its pages and HTTP API need credentials (FLOWER_BASIC_AUTH, else a generated
password kept in a file only its owner reads); FLOWER_OPEN opens the pages only, and no anonymous caller ever reaches
the API or its control endpoints (docs/adr/0009-flower-access.md); what it lists of a task's arguments is a summary of
article ids (shared/delivery/task_privacy.py), never a body (docs/operations.md, "Flower")."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from shared.delivery.celery_app import PROCESS_TASK, make_celery
from tests.stack import Stack, free_port, wait_until


@contextmanager
def flower(stack: Stack, auth_file: Path | None = None, **settings: str) -> Iterator[str]:
    name, port = f"flower-{uuid.uuid4().hex[:6]}", free_port()
    argv = [sys.executable, "-m", "shared.observability.flower", "--address=127.0.0.1", f"--port={port}"]
    stack.start(name, argv + ([f"--auth-file={auth_file}"] if auth_file else []), {"FLOWER_BASIC_AUTH": "", **settings})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}/healthcheck", timeout=2).ok, 60, what="Flower /healthcheck")
        yield url
    finally:
        stack.stop(name)


# Flower's control endpoints (POST). The worker and task named do not exist: were one ever let through, it would answer
# 404 and act on nothing.
CONTROL = [
    *(f"/api/worker/{action}/nobody@nowhere" for action in ("shutdown", "pool/restart", "pool/grow", "pool/shrink")),
    *(f"/api/worker/{action}/nobody@nowhere" for action in ("pool/autoscale", "queue/add-consumer", "queue/cancel-consumer")),
    f"/api/task/revoke/{uuid.uuid4()}",
    f"/api/task/abort/{uuid.uuid4()}",
    *(f"/api/task/{action}/news.no_such_task" for action in ("rate-limit", "timeout", "apply", "async-apply", "send-task")),
]
READ = ["/api/workers", "/api/tasks", "/api/task/types", "/api/queues/length", f"/api/task/info/{uuid.uuid4()}"]


def refused_to_anonymous(url: str) -> dict[str, int]:
    """What the API answered an anonymous caller other than 401, path by path."""
    answers = {path: requests.get(url + path, timeout=10).status_code for path in READ}
    form = {"workername": "nobody@nowhere"}  # the rate-limit and timeout endpoints name a worker in the form
    answers |= {path: requests.post(url + path, data=form, timeout=10).status_code for path in CONTROL}
    return {path: status for path, status in answers.items() if status != 401}


def credentials(auth_file: Path) -> tuple[str, str]:
    user, _, password = auth_file.read_text().strip().partition(":")
    return user, password


def test_without_settings_flower_asks_for_a_generated_password_kept_across_restarts(stack: Stack) -> None:
    auth_file = stack.logs / f"flower-{uuid.uuid4().hex[:6]}.auth"
    with flower(stack, auth_file) as url:
        assert requests.get(url, timeout=10).status_code == 401
        assert requests.get(f"{url}/api/workers", timeout=10).status_code == 401
        assert auth_file.stat().st_mode & 0o777 == 0o600
        auth = credentials(auth_file)
        assert auth[0] == "flower" and len(auth[1]) >= 20
        assert requests.get(url, auth=auth, timeout=10).status_code == 200
        assert requests.get(url, auth=("flower", "guess"), timeout=10).status_code == 401
    with flower(stack, auth_file) as url:
        assert requests.get(url, auth=auth, timeout=10).status_code == 200  # the same password after a restart
    logs = [log.read_text(errors="replace") for log in stack.logs.glob("flower-*.log")]
    assert not any(auth[1] in text for text in logs)  # the file holds it, the log does not


def test_flower_is_open_only_when_asked(stack: Stack) -> None:
    with flower(stack) as url:  # as compose starts it: no file, the generated password is in the log only
        assert requests.get(url, timeout=10).status_code == 401
        logs = sorted(stack.logs.glob("flower-*.log"), key=lambda log: log.stat().st_mtime)
        said = [line for line in logs[-1].read_text().splitlines() if line.startswith("Flower: user:password ")]
        user, _, password = said[-1].split()[2].partition(":")
        assert requests.get(url, auth=(user, password), timeout=10).status_code == 200
    with flower(stack, FLOWER_OPEN="1") as url:
        assert requests.get(url, timeout=10).status_code == 200
    with flower(stack, FLOWER_BASIC_AUTH="ops:chosen-password") as url:
        assert requests.get(url, timeout=10).status_code == 401
        assert requests.get(url, auth=("ops", "chosen-password"), timeout=10).status_code == 200


def test_no_anonymous_caller_reaches_the_api_or_its_control_endpoints(stack: Stack) -> None:
    auth_file = stack.logs / f"flower-{uuid.uuid4().hex[:6]}.auth"
    with flower(stack, auth_file, FLOWER_UNAUTHENTICATED_API="1") as url:  # as `make up` starts it, that variable set
        assert refused_to_anonymous(url) == {}
        auth = credentials(auth_file)  # what `make up` prints
        assert requests.get(f"{url}/api/workers", auth=auth, timeout=20).status_code == 200
        assert requests.get(f"{url}/api/queues/length", auth=auth, timeout=20).status_code == 200
        revoked = requests.post(f"{url}/api/task/revoke/{uuid.uuid4()}", auth=auth, timeout=20)
        assert revoked.status_code == 200, revoked.text  # an operator's control works (an unknown task: nothing to stop)
    with flower(stack, FLOWER_OPEN="1", FLOWER_UNAUTHENTICATED_API="1") as url:  # pages open on purpose: the API is not
        assert requests.get(url, timeout=10).status_code == 200
        assert refused_to_anonymous(url) == {}


def test_a_task_message_says_which_articles_not_what_they_say() -> None:
    secret = f"confidential{uuid.uuid4().hex}"
    page = {"id": "f" * 24, "kind": "raw", "content_type": "text/plain", "content": f"{secret} in a whole page.", "url": None}
    articles = [{"id": f"{n:024x}", "kind": "article", "article": {"title": secret, "body": secret * 50}} for n in range(19)]
    payloads = [page, *articles]
    message = make_celery().amqp.create_task_message(uuid.uuid4().hex, PROCESS_TASK, [payloads], {"hangs": 1})
    assert secret not in message.headers["argsrepr"] and secret not in message.headers["kwargsrepr"]
    assert message.headers["argsrepr"].startswith(f"[[article {page['id']}, article {articles[0]['id']}")
    assert message.headers["argsrepr"].endswith(", … 17 more]]")
    assert message.headers["kwargsrepr"] == "{'hangs': 1}"


def test_flower_lists_and_shows_tasks_without_their_articles(stack: Stack) -> None:
    secret = f"confidential{uuid.uuid4().hex}"
    sent: list[str] = []
    with flower(stack, FLOWER_BASIC_AUTH="ops:pw") as url:

        def listed() -> str | None:
            """Flower turns the workers' task events on shortly after it starts: send articles until it lists one."""
            page = f"Flower {uuid.uuid4().hex}\n\n{secret} was here, in a page sent whole.\n".encode()
            answer = stack.post("/v1/articles/raw", data=page, headers={"Content-Type": "text/plain; charset=utf-8"})
            sent.append(answer.json()["id"])
            stack.wait_status(sent[-1])
            text = requests.get(f"{url}/api/tasks", auth=("ops", "pw"), timeout=20).text
            return text if any(article_id in text for article_id in sent) else None

        text = wait_until(listed, 90, 1, what="Flower to list an article's task")
        pages = [requests.get(f"{url}/task/{task}", auth=("ops", "pw"), timeout=20) for task in json.loads(text)]
    assert secret not in text, json.loads(text)
    assert all(page.status_code == 200 and secret not in page.text for page in pages)
