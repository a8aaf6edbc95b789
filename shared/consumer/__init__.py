"""What every Celery consumer process (worker, indexer) runs beside its tasks: broker reconnection, the progress it
makes, its health endpoint and metrics, and the watchdog that ends it when it is wedged."""
