"""`running` in infra/local/env.sh, which `make up` trusts to decide what to start: a process that is gone,
killed but not yet reaped, or another program under a reused pid is not running."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

ENV_SH = Path(__file__).resolve().parents[2] / "infra" / "local" / "env.sh"


def running(run_dir: Path, name: str) -> bool:
    script = f'source "{ENV_SH}"; PROGRAM[{name}]=sleep; running {name}'
    return subprocess.run(["bash", "-c", script], env={**os.environ, "RUN_DIR": str(run_dir)}, check=False).returncode == 0


def test_a_live_process_runs_and_a_gone_one_does_not(tmp_path: Path) -> None:
    proc = subprocess.Popen(["sleep", "60"])
    (tmp_path / "part.pid").write_text(str(proc.pid))
    assert running(tmp_path, "part")
    proc.kill()
    proc.wait()
    assert not running(tmp_path, "part")


def test_a_killed_process_not_yet_reaped_does_not_run(tmp_path: Path) -> None:
    proc = subprocess.Popen(["sleep", "60"])
    (tmp_path / "part.pid").write_text(str(proc.pid))
    os.kill(proc.pid, signal.SIGKILL)  # its parent (this test) does not wait for it yet: a zombie
    deadline = time.monotonic() + 10
    while " Z " not in Path(f"/proc/{proc.pid}/stat").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    subprocess.run(["kill", "-0", str(proc.pid)], check=True)  # what the old check trusted
    assert not running(tmp_path, "part")
    proc.wait()


def test_a_reused_pid_of_another_program_does_not_run(tmp_path: Path) -> None:
    proc = subprocess.Popen(["tail", "-f", "/dev/null"])  # alive, but not the program the part runs
    (tmp_path / "part.pid").write_text(str(proc.pid))
    try:
        assert not running(tmp_path, "part")
    finally:
        proc.kill()
        proc.wait()
