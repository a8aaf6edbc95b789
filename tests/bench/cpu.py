"""CPU seconds used by each side, read from /proc (no extra dependency): a process and all its descendants."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and of its reaped children)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    # after the command: state ppid ... utime(12) stime(13) cutime(14) cstime(15), 0-based from `state`
    return int(fields[1]), sum(int(f) for f in fields[11:15]) / TICKS


def tree_cpu_s(root: int) -> float:
    """CPU seconds of `root` and every live descendant (reaped ones are in their parent's cutime)."""
    stats = {int(p): s for p in os.listdir("/proc") if p.isdigit() and (s := _stat(int(p))) is not None}
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            todo.extend(children.get(pid, []))
    return total


def self_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


@dataclass
class Meter:
    """CPU used by each named process tree (and by this load-generating process) over one phase."""

    pids: dict[str, int]
    start: dict[str, float] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)
    wall_s: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)

    def __enter__(self) -> Meter:
        self.start = {name: tree_cpu_s(pid) for name, pid in self.pids.items()} | {"load client": self_cpu_s()}
        self._t0, self._load0 = time.monotonic(), os.getloadavg()[0]
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall_s = time.monotonic() - self._t0
        now = {name: tree_cpu_s(pid) for name, pid in self.pids.items()} | {"load client": self_cpu_s()}
        self.used = {name: round(now[name] - self.start[name], 2) for name in now}
        self.load = (self._load0, os.getloadavg()[0])

    def summary(self) -> dict[str, object]:
        return {"wall_s": round(self.wall_s, 2), "cpu_s": self.used, "loadavg_1m": [round(x, 2) for x in self.load]}


def pid_file(path: Path) -> int | None:
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if Path(f"/proc/{pid}").exists() else None


def find_process(*needles: str) -> int | None:
    """The first process whose command line holds every needle: an engine another checkout started
    (its pid file is not in ours), whose CPU the figures must still count."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if all(needle in cmdline for needle in needles):
            return int(entry.name)
    return None
