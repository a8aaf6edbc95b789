"""The contract's client error, raised anywhere a request is refused."""

from __future__ import annotations


class ApiError(Exception):
    """A client error answered with the contract's shape: {"error": {"code", "message", "field"}}."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}
