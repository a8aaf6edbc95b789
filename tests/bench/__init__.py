"""The benchmark harness (docs/benchmarks.md): `make bench` (full run, by hand) and `make bench QUICK=1` (CI size).

Not collected by pytest (no `test_*.py` here); `tests/integration/test_bench_quick.py` runs the quick mode.
Run it as `python -m tests.bench [--quick]`; results land in `tests/bench/results/`.
"""
