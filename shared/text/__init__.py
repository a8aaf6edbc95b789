"""Text as the system reads it from bytes: the one charset rule (docs/normalization.md)."""
