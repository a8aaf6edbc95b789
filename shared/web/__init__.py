"""What both Flask services share: the service skeleton (errors, health, metrics), OpenAPI pieces, API keys, serving."""
