"""RSS/Atom subscriptions: a store in Redis, a fetcher, an entry parser and a poller (driven by Celery beat)."""

FEEDS_TICK_TASK = "news.feeds.tick"
FEEDS_POLL_TASK = "news.feeds.poll"
