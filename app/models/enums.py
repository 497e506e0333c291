"""States and verdicts shared by the API, the screens, the CLI and the tests.

Each value is a stable string code stored in the database and sent over the API;
`title` is what people read.
"""
from __future__ import annotations

import enum


class _Coded(str, enum.Enum):
    def __str__(self) -> str:
        return self.value

    @property
    def title(self) -> str:
        return _TITLES.get(self, self.value.replace("_", " ").capitalize())


class DelegateStatus(_Coded):
    SUBMITTED = "submitted"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def is_open(self) -> bool:
        """Waiting for a decision: the applicant may still correct it."""
        return self in OPEN_STATES


class SubmittedBy(_Coded):
    """Who filed an application: what a liaison officer may see of it depends on this."""

    APPLICANT = "applicant"
    LIAISON = "liaison"
    STAFF = "staff"


class StaffRole(_Coded):
    ADMIN = "admin"
    ACCREDITATION = "accreditation"
    DESK = "desk"
    DOOR = "door"


class ScanDirection(_Coded):
    IN = "in"
    OUT = "out"


class ScanVerdict(_Coded):
    ACCEPTED = "accepted"
    UNKNOWN_CODE = "unknown_code"
    INVALID_SIGNATURE = "invalid_signature"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    NOT_APPROVED = "not_approved"
    NOT_VALID_NOW = "not_valid_now"
    WRONG_CHECKPOINT = "wrong_checkpoint"
    ALREADY_INSIDE = "already_inside"


OPEN_STATES = frozenset({DelegateStatus.SUBMITTED, DelegateStatus.NEEDS_INFO})

_TITLES = {
    DelegateStatus.SUBMITTED: "Submitted",
    DelegateStatus.NEEDS_INFO: "More information needed",
    DelegateStatus.APPROVED: "Approved",
    DelegateStatus.REJECTED: "Rejected",
    SubmittedBy.APPLICANT: "The applicant",
    SubmittedBy.LIAISON: "The liaison officer",
    SubmittedBy.STAFF: "Staff (import)",
    StaffRole.ADMIN: "Administrator",
    StaffRole.ACCREDITATION: "Accreditation officer",
    StaffRole.DESK: "Front desk",
    StaffRole.DOOR: "Door staff",
    ScanDirection.IN: "Entry",
    ScanDirection.OUT: "Exit",
    ScanVerdict.ACCEPTED: "Accepted",
    ScanVerdict.UNKNOWN_CODE: "Unknown badge",
    ScanVerdict.INVALID_SIGNATURE: "Forged or damaged badge code",
    ScanVerdict.REVOKED: "Badge revoked",
    ScanVerdict.SUPERSEDED: "Replaced by a newer badge",
    ScanVerdict.NOT_APPROVED: "Person not approved",
    ScanVerdict.NOT_VALID_NOW: "Badge not valid at this time",
    ScanVerdict.WRONG_CHECKPOINT: "No access to this zone",
    ScanVerdict.ALREADY_INSIDE: "Already inside (no exit recorded)",
}
