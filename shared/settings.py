"""Every setting of the system, read once from the environment.

Each field has a default and a description; the README's settings table is
generated from this class (`python -m shared.settings`), so the two never drift.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis: Celery broker, status store, rate limits.")
    elasticsearch_url: str = Field("http://127.0.0.1:9200", description="Elasticsearch node or cluster address.")
    elasticsearch_timeout_s: float = Field(10.0, description="Client timeout for one Elasticsearch request.")
    namespace: str = Field(
        "news",
        description="Prefix of every index, alias, queue and Redis key; tests use their own so they never touch a user's data.",
    )
    ingest_port: int = Field(8081, description="Port of the ingest service.")
    search_port: int = Field(8082, description="Port of the search service and newsroom page.")
    flower_port: int = Field(5555, description="Port of the Flower queue dashboard.")
    worker_concurrency: int = Field(2, description="Celery worker processes.")
    visibility_timeout_s: int = Field(
        300,
        description="Seconds before Redis redelivers a task whose worker died without acknowledging it; "
        "keep it above TASK_TIME_LIMIT_S + RETRY_BACKOFF_MAX_S.",
    )
    # Reliability (issue 6): time limits, retries with backoff, poison bounds.
    task_soft_time_limit_s: float = Field(30.0, description="Normalization past this raises in the task (then retried, bounded).")
    task_time_limit_s: float = Field(60.0, description="Hard limit: the worker child is killed and the article dead-lettered.")
    task_max_retries: int = Field(
        8, description="Retries on Elasticsearch 429/5xx/connection or Redis errors before dead-lettering."
    )
    retry_backoff_base_s: float = Field(1.0, description="First retry delay; doubled each retry, with jitter.")
    retry_backoff_max_s: float = Field(60.0, description="Longest retry delay.")
    max_worker_losses: int = Field(
        3, description="Deliveries of one article that killed or hung its worker before it is dead-lettered as poison."
    )
    publish_timeout_s: float = Field(3.0, description="How long the ingest service tries to queue before answering 503.")
    status_ttl_s: int = Field(7 * 24 * 3600, description="How long an article's processing status stays readable.")
    max_body_bytes: int = Field(5 * 1024 * 1024, description="Largest request body the ingest service accepts (413 beyond).")
    max_batch_items: int = Field(1000, description="Most articles in one batch request.")
    search_recency_decay: bool = Field(True, description="Rank recent articles a little higher in relevance order.")
    log_level: str = Field("INFO", description="Log level of every service.")

    @property
    def index_alias(self) -> str:
        """The alias every reader and writer uses; it points at a versioned index."""
        return f"{self.namespace}-articles"

    @property
    def queue_name(self) -> str:
        return f"{self.namespace}.articles"

    def redis_key(self, *parts: str) -> str:
        return ":".join((self.namespace, *parts))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def settings_table() -> str:
    """Markdown table of every setting, for the README."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| `{name.upper()}` | `{field.default}` | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
