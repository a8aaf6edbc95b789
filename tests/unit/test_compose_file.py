"""docker-compose.yml must stay right for users who have Docker, though no engine runs here."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_docker_compose_config_is_valid() -> None:
    tool = shutil.which("docker-compose")
    if tool is None:
        pytest.fail("docker-compose (Debian's package) is missing: infra/local/install.sh installs it")
    result = subprocess.run([tool, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_one_elasticsearch_version_everywhere() -> None:
    image = compose()["services"]["elasticsearch"]["image"]
    compose_version = image.rsplit(":", 1)[1]
    env_version = re.search(r'ES_VERSION="\$\{ES_VERSION:-([0-9.]+)\}"', (ROOT / "infra/local/env.sh").read_text())
    assert env_version and env_version.group(1) == compose_version
    client_pin = re.search(r'"elasticsearch>=([0-9]+\.[0-9]+),', (ROOT / "pyproject.toml").read_text())
    assert client_pin and compose_version.startswith(client_pin.group(1) + ".")


def test_engines_publish_no_port_and_services_only_loopback() -> None:
    services = compose()["services"]
    assert "ports" not in services["redis"] and "ports" not in services["elasticsearch"]
    for name in ("ingest", "search", "flower"):
        assert all(str(p).startswith("127.0.0.1:") for p in services[name]["ports"])
