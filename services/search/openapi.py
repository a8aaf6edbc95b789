"""The search API's description: its views declare their parameters and answers here (shared/web/openapi.py);
`GET /openapi.json` serves the document they make."""

from __future__ import annotations

from shared.web.openapi import Api

api = Api(
    "News search API",
    {
        401: "X-API-Key missing or unknown (only when keys are configured)",
        429: "rate limit of this API key (without keys: this client address) exceeded",
    },
)
