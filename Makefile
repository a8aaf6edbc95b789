# Run `make help` for the list. Every target works on a fresh machine: missing parts are installed first.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PY := .venv/bin/python

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

up:  ## the whole system on this machine (no Docker), sample article ingested, search page address printed
	@bash infra/local/up.sh

down:  ## stop exactly what `make up` started
	@bash infra/local/down.sh

status:  ## which parts of `make up` run, and whether each is making progress (exit 1 if any is not)
	@bash infra/local/status.sh

test:  ## the whole test suite against real Redis, Elasticsearch, Celery workers and HTTP
	@bash infra/local/test.sh

lint:  ## ruff and mypy
	@bash infra/local/install.sh >/dev/null
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy shared services

backup:  ## Elasticsearch snapshot + Redis RDB + feed subscriptions into a new folder under BACKUP_DIR (docs/backups.md)
	@$(PY) -m shared.backup backup

restore:  ## a backup into the running system: `make restore [FROM=<folder>]` (default the latest), `make restore SNAPSHOT=<name>|latest`
	@$(PY) -m shared.backup restore $(if $(SNAPSHOT),--snapshot $(SNAPSHOT),$(FROM))

template:  ## write the index template kept in infra/elasticsearch/ from the field table
	$(PY) -m shared.es.index > infra/elasticsearch/articles-template.json

settings-doc:  ## regenerate the settings table of docs/settings.md from shared/settings.py
	@$(PY) -m shared.settings

bench:  ## benchmark harness (docs/benchmarks.md), full run by hand → tests/bench/results/; `make bench QUICK=1`: CI size, < 3 min
	@bash infra/local/install.sh >/dev/null
	@bash infra/local/engines.sh
	$(PY) -m tests.bench $(if $(QUICK),--quick)

bench-quick:  ## the benchmark harness at CI size (under 3 minutes): proves it works, results in test-output/bench-quick/
	@$(MAKE) --no-print-directory bench QUICK=1

bench-quality:  ## extraction quality (docs/normalization.md): title, date, place, body F1 vs plain trafilatura, pages/s per core
	@bash infra/local/install.sh >/dev/null
	$(PY) -m tests.quality.bench_quality $(ARGS)

relevance:  ## judged query set (docs/relevance.md): precision@10 and MRR of the search ranking
	@bash infra/local/install.sh >/dev/null
	@bash infra/local/engines.sh
	$(PY) -m tests.relevance

chaos:  ## fault injection (docs/chaos.md): 13 scenarios on its own Redis and Elasticsearch nodes; `make chaos N=500 ONLY="1- 5-"`
	@bash infra/local/install.sh >/dev/null
	CHAOS_N=$${N:-2000} $(PY) -m tests.chaos $(ONLY)

soak:  ## soak faults (docs/soak.md): one long-lived system, every fault for 30-120 s, ~45 min; `make soak SHORT=1`: CI, ~6 min
	@bash infra/local/install.sh >/dev/null
	$(PY) -m tests.soak $(if $(SHORT),--short) $(ARGS)

.PHONY: help up down status test lint backup restore template settings-doc bench bench-quick bench-quality relevance chaos soak
