"""`make relevance`: precision@10 and MRR of the search ranking on the judged query set (docs/relevance.md).

.venv/bin/python -m tests.relevance [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tests.relevance.evaluate import run
from tests.relevance.report import RESULTS, misses, write


def progress(line: str) -> None:
    sys.stderr.write(f"\rrelevance: {line:<40}")
    sys.stderr.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description="precision@10 and MRR of the search ranking")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where latest.md and latest.json go")
    args = parser.parse_args()
    t0 = time.monotonic()
    scored, articles = run(progress)
    data = write(scored, articles, args.out)
    sys.stderr.write(f"\rrelevance: {len(scored)} queries on {articles} articles in {time.monotonic() - t0:.0f} s\n")
    for s in misses(scored):
        where = f"rank {s.first_relevant}" if s.first_relevant else "not in the top 10"
        print(f"  first relevant at {where}: {s.q!r} ({s.category}, {s.language}); top 3: {', '.join(s.hits[:3])}")
    overall = data["overall"]
    print(f"MRR {overall['mrr']:.3f}  P@10 {overall['precision_at_10']:.3f} (ceiling {overall['precision_ceiling']:.3f})")
    print(f"written: {args.out / 'latest.md'}, {args.out / 'latest.json'}")


if __name__ == "__main__":
    main()
