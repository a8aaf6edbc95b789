"""The webhook deliverer: `python -m services.webhooks` (docs/webhooks.md, docs/adr/0021-webhook-delivery.md)."""
