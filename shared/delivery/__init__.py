"""How an accepted article travels: the Celery app and its Redis transport, submission, the hand-over to the indexer,
the in-flight ledger, statuses, dead letters and the retry policy (docs/guarantees.md)."""
