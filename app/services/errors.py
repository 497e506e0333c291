"""Typed errors raised by services, each with a stable code the callers show or return."""
from __future__ import annotations


class ServiceError(Exception):
    """A rule refused the change; nothing was written."""

    code = "refused"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field


class NotAllowed(ServiceError):
    code = "not_allowed"


class InvalidState(ServiceError):
    code = "invalid_state"


class PhotoRejected(ServiceError):
    code = "photo_rejected"
