"""The search API's client errors: a 400 that names the parameter at fault, in our own words."""

from __future__ import annotations

from shared.web.service import ApiError


def bad(name: str | None, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, name)
