"""The benchmark harness at CI size (`make bench QUICK=1`): it runs from end to end and reports every measurement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.stack import ROOT


def test_quick_benchmark_reports_every_measurement(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # about 2 minutes on a quiet 2-core machine; generous for a busy one
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["engine"]["docs_per_s"] > 0
    for kind in ("ingest_json", "ingest_html"):
        assert all(r["searchable"] == r["articles"] for r in results[kind]["runs"]), f"{kind}: not every article was found"
    assert results["freshness"]["searchable"] == results["freshness"]["articles"]
    assert [s["clients"] for s in results["search"]] == [1, 4, 16]
    assert results["normalization"]["html_pages_per_core_s"] > 0
    assert results["scale"][-1]["articles"] >= results["meta"]["sizes"]["search_docs"]
    table = (tmp_path / "RESULTS.md").read_text()
    for row in (
        "1. Engine bulk limit",
        "2a. End-to-end JSON",
        "2b. End-to-end HTML",
        "3. Freshness",
        "4. Search",
        "5a.",
        "6. Scale",
    ):
        assert row in table
    assert (tmp_path / "scale.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
