"""Flower, the queue dashboard, started never open by accident: `python -m shared.observability.flower --address A --port P
[--auth-file FILE]` runs `celery flower` for `make up` and compose alike (docs/partner-access.md, "Flower").

- FLOWER_BASIC_AUTH (`user:password[,user:password]`) set: those credentials.
- else FLOWER_OPEN true: no credentials, on purpose (a private network, a proxy that authenticates).
- else: the user `flower` with a random password, generated once into --auth-file (mode 600; `make up` prints it)
  and kept across restarts; without --auth-file (compose) a new one at each start, written to the log.

`/healthcheck` and `/metrics` answer without credentials (readiness probes and Prometheus). What Flower can show of a
task's arguments is a summary, never the article (shared/delivery/task_privacy.py).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from shared.settings import Settings, get_settings

USER = "flower"


def basic_auth(settings: Settings, auth_file: Path | None) -> tuple[str | None, bool]:
    """(credentials or None for an open Flower, whether they were just generated)."""
    if settings.flower_basic_auth:
        return settings.flower_basic_auth, False
    if settings.flower_open:
        return None, False
    if auth_file is not None and auth_file.is_file() and auth_file.read_text().strip():
        return auth_file.read_text().strip(), False
    credentials = f"{USER}:{secrets.token_urlsafe(18)}"
    if auth_file is not None:
        auth_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(auth_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(credentials + "\n")
    return credentials, True


def flower_argv(address: str, port: int, credentials: str | None) -> list[str]:
    argv = [sys.executable, "-m", "celery", "-A", "services.worker.app", "flower", f"--address={address}", f"--port={port}"]
    argv.append("--purge_offline_workers=300")  # workers gone for 5 minutes leave the dashboard
    return [*argv, f"--basic_auth={credentials}"] if credentials else argv


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.observability.flower", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=get_settings().flower_port)
    parser.add_argument("--auth-file", type=Path, help="where generated credentials are kept (none: new ones each start)")
    args = parser.parse_args(argv)
    credentials, generated = basic_auth(get_settings(), args.auth_file)
    if credentials is None:
        print("Flower: open without credentials (FLOWER_OPEN)", flush=True)
    elif generated and args.auth_file:
        print(f"Flower: generated credentials for user {USER!r} written to {args.auth_file}", flush=True)
    elif generated:  # compose: the log is the only place to read them
        print(f"Flower: user:password {credentials} (new at each start; set FLOWER_BASIC_AUTH to choose them)", flush=True)
    command = flower_argv(args.address, args.port, credentials)
    # Flower reads every FLOWER_* variable as one of its options: FLOWER_OPEN is none (it would stop at start) and an
    # empty FLOWER_BASIC_AUTH would be a list of one empty credential; the command line above says it all.
    env = {name: value for name, value in os.environ.items() if name not in ("FLOWER_OPEN", "FLOWER_BASIC_AUTH")}
    os.execve(command[0], command, env)  # noqa: S606 - our own argv; the process becomes Flower, keeping the pid `make up` noted


if __name__ == "__main__":
    main()
