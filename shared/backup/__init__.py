"""Backups: an Elasticsearch snapshot, Redis' RDB and the feed subscriptions, named by one manifest.

`python -m shared.backup backup|restore|list` (`make backup`, `make restore`); docs/backups.md.
"""
