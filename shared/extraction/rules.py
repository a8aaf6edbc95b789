"""Normalization as an ordered list of small rules; a rule that fails is noted and the rest go on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded

from shared.extraction.draft import Draft

log = logging.getLogger(__name__)

# Celery raises its soft time limit inside whatever code is running: it must reach the task, which
# retries a hung article a bounded number of times, instead of being noted like a rule's own failure.
UNCAUGHT: tuple[type[BaseException], ...] = (SoftTimeLimitExceeded,)


@dataclass(frozen=True)
class Rule:
    name: str
    action: Callable[[Draft], None]
    predicate: Callable[[Draft], bool] = lambda draft: True


def run_rules(draft: Draft, rules: Sequence[Rule]) -> Draft:
    for rule in rules:
        try:
            if rule.predicate(draft):
                rule.action(draft)
        except UNCAUGHT:
            raise
        except Exception as exc:  # noqa: BLE001 - one rule's failure must not stop the others
            log.warning("rule %s failed on %s: %r", rule.name, draft.id, exc)
            draft.notes.append(f"{rule.name}: {type(exc).__name__}: {exc}"[:300])
    return draft
