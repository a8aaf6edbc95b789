"""Clients generated with openapi-python-client from each service's own /openapi.json, as a partner would make them."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from openapi_spec_validator import validate

SKIPPED = {"static", "page.index"}  # the newsroom page and its files: not the API


@dataclass(frozen=True)
class Generated:
    spec: dict[str, Any]
    package: str  # importable once its folder's parent is on sys.path
    folder: Path
    output: str  # what the generator printed

    def modules(self) -> set[str]:
        """`tag/operation` of every generated endpoint function module."""
        return {f"{p.parent.name}/{p.stem}" for p in (self.folder / "api").glob("*/*.py") if p.stem != "__init__"}

    def import_all(self) -> None:
        """Import every endpoint module (the folder's parent must be on sys.path): the generated code runs."""
        for module in self.modules():
            importlib.import_module(f"{self.package}.api.{module.replace('/', '.')}")


def served_spec(app: Flask) -> dict[str, Any]:
    answer = app.test_client().get("/openapi.json")
    assert answer.status_code == 200, answer.text
    spec: dict[str, Any] = answer.get_json()
    return spec


def generate(spec: dict[str, Any], root: Path, package: str) -> Generated:
    """Run the generator's command line on the document; its post-hooks (ruff) come from this virtualenv."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{package}.json"
    path.write_text(json.dumps(spec))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--path", str(path)]
    command += ["--output-path", str(root / package), "--meta", "none", "--overwrite"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return Generated(spec, package, root / package, output)


def api_routes(app: Flask) -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every route the app serves, but the page."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        routes |= {(path, m.lower()) for m in rule.methods or () if m not in ("HEAD", "OPTIONS")}
    return routes


def operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(path, method): op for path, ops in spec["paths"].items() for method, op in ops.items()}


def check_document(spec: dict[str, Any]) -> None:
    """A valid OpenAPI 3.1 document."""
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def check_operations(app: Flask, spec: dict[str, Any], expected: set[str]) -> None:
    """Every route the app serves is an operation, named `tag/operationId` as `expected` lists them."""
    described = operations(spec)
    assert api_routes(app) == set(described)
    assert {f"{op['tags'][0]}/{op['operationId']}" for op in described.values()} == expected


def check_generated(client: Generated, expected: set[str]) -> None:
    """The generator warned of nothing, wrote a module per expected operation, and each imports (the client's
    folder's parent must be on sys.path)."""
    assert "Warning" not in client.output and "WARNING" not in client.output, client.output
    assert client.modules() == {name.replace("-", "_") for name in expected}
    client.import_all()
