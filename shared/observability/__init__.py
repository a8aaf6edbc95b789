"""Metrics, queue metrics read at scrape time, JSON logs, and Flower started safely."""
