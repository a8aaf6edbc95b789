"""Flower, the queue dashboard, started never open by accident: `python -m shared.observability.flower --address A --port P
[--auth-file FILE]` runs `celery flower` for `make up` and compose alike (docs/operations.md, "Flower";
docs/adr/0009-flower-access.md).

- FLOWER_BASIC_AUTH (`user:password[,user:password]`) set: those credentials, for the pages and the HTTP API.
- else FLOWER_OPEN true: the pages without credentials, on purpose (a proxy that authenticates in front).
- else: the user `flower` with a random password, generated once into --auth-file (mode 600; `make up` prints it)
  and kept across restarts; without --auth-file (compose) a new one at each start, written to the log.

The HTTP API (`/api/...`: the task and worker lists, and the control endpoints that revoke tasks, shut workers down,
restart or resize pools, set rate limits or send tasks) answers only with credentials: Flower 2 refuses it to anonymous
callers unless FLOWER_UNAUTHENTICATED_API is set, and that variable never reaches Flower from here, so with FLOWER_OPEN
the API is closed to everyone. `/healthcheck` and `/metrics` answer without credentials (readiness probes and
Prometheus). What Flower can show of a task's arguments is a summary, never the article (shared/delivery/task_privacy.py).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from shared.settings import Settings, get_settings

USER = "flower"
# Flower reads every FLOWER_* variable as one of its options. FLOWER_OPEN is none (it would stop at start), an empty
# FLOWER_BASIC_AUTH would be a list of one empty credential (the command line says it all), and
# FLOWER_UNAUTHENTICATED_API would open the API, control endpoints included, to anyone who can reach the port.
WITHHELD = ("FLOWER_OPEN", "FLOWER_BASIC_AUTH", "FLOWER_UNAUTHENTICATED_API")


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


def flower_env(environ: Mapping[str, str]) -> dict[str, str]:
    """Flower's environment: this one without the variables in WITHHELD."""
    return {name: value for name, value in environ.items() if name not in WITHHELD}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.observability.flower", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=get_settings().flower_port)
    parser.add_argument("--auth-file", type=Path, help="where generated credentials are kept (none: new ones each start)")
    args = parser.parse_args(argv)
    credentials, generated = basic_auth(get_settings(), args.auth_file)
    if os.environ.get("FLOWER_UNAUTHENTICATED_API"):
        print("Flower: FLOWER_UNAUTHENTICATED_API ignored; the HTTP API answers only with credentials", flush=True)
    if credentials is None:
        print("Flower: pages open without credentials (FLOWER_OPEN); the HTTP API is closed", flush=True)
    elif generated and args.auth_file:
        print(f"Flower: generated credentials for user {USER!r} written to {args.auth_file}", flush=True)
    elif generated:  # compose: the log is the only place to read them
        print(f"Flower: user:password {credentials} (new at each start; set FLOWER_BASIC_AUTH to choose them)", flush=True)
    command = flower_argv(args.address, args.port, credentials)
    os.execve(command[0], command, flower_env(os.environ))  # noqa: S606 - our own argv; the process becomes Flower, keeping the pid `make up` noted


if __name__ == "__main__":
    main()
