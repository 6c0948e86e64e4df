"""The one error type the HTTP layer turns into the JSON error envelope."""
from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details=None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}

    def envelope(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}
