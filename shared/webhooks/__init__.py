"""Webhook deliveries of topic matches, signed as Standard Webhooks describes (docs/webhooks.md)."""
