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
        # Per class: equal codes of two enums ("in", "reported_lost") have their own titles.
        return _TITLES.get(type(self), {}).get(self.value) or self.value.replace("_", " ").capitalize()


class DelegateStatus(_Coded):
    """Where an application stands in both stages: the accreditation office's approval and,
    for categories that need it, the security office's clearance (in either order)."""

    SUBMITTED = "submitted"
    NEEDS_INFO = "needs_info"
    APPROVED_AWAITING_CLEARANCE = "approved_awaiting_clearance"
    CLEARED_AWAITING_APPROVAL = "cleared_awaiting_approval"
    READY = "ready"
    REJECTED = "rejected"
    CLEARANCE_REFUSED = "clearance_refused"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        """No office has said yes yet: the applicant may still correct it."""
        return self in OPEN_STATES

    @property
    def is_pending(self) -> bool:
        """Waiting for an office (or for the applicant's answer)."""
        return self in PENDING_STATES

    @property
    def applicant_title(self) -> str:
        """What the applicant and their liaison officer read: never which office held it up."""
        return _APPLICANT_TITLES[self]


class BadgeState(_Coded):
    """Where a person's working badge is: the desk, the liaison officer and the applicant
    follow it in the same words."""

    NOT_APPROVED = "not_approved"
    NOT_PRINTED = "not_printed"
    PRINTED = "printed"
    HANDED_OVER = "handed_over"


class SubmittedBy(_Coded):
    """Who filed an application: what a liaison officer may see of it depends on this."""

    APPLICANT = "applicant"
    LIAISON = "liaison"
    STAFF = "staff"
    #: A walk-in registered on site by a front-desk clerk (named in the audit trail).
    DESK = "desk"


class StaffRole(_Coded):
    ADMIN = "admin"
    ACCREDITATION = "accreditation"
    DESK = "desk"
    DOOR = "door"
    #: The host's security office: door overrides, the scan log, who is inside.
    SECURITY = "security"

    def may_act_as(self, *roles: StaffRole) -> bool:
        """Administrators may do everything; others only what one of `roles` may."""
        return self is StaffRole.ADMIN or self in roles

    @classmethod
    def acting_as(cls, *roles: StaffRole) -> tuple[StaffRole, ...]:
        """Every role that may do what one of `roles` may."""
        return tuple(role for role in cls if role.may_act_as(*roles))


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
    NOT_CLEARED = "not_cleared"
    NOT_VALID_NOW = "not_valid_now"
    WRONG_CHECKPOINT = "wrong_checkpoint"
    ALREADY_INSIDE = "already_inside"
    NOT_HANDED_OVER = "not_handed_over"
    REPORTED_LOST = "reported_lost"
    WRONG_DIRECTION = "wrong_direction"


class DoorDirections(_Coded):
    """Which way a checkpoint lets people through."""

    BOTH = "both"
    IN = "in"
    OUT = "out"

    def allows(self, direction: ScanDirection) -> bool:
        return self is DoorDirections.BOTH or self.value == direction.value


class ScanFlag(_Coded):
    """Why the security office should look at a scan."""

    REPORTED_LOST = "reported_lost"
    OFFLINE_CONFLICT = "offline_conflict"
    EXIT_WITHOUT_ENTRY = "exit_without_entry"
    OVERRIDE = "override"


class PrintJobState(_Coded):
    """How a badge sent to a printer queue stands, as the print server (CUPS) reports it."""

    WAITING = "waiting"
    PRINTING = "printing"
    DONE = "done"
    #: The print server no longer lists the job, or cannot be asked now.
    UNKNOWN = "unknown"


OPEN_STATES = frozenset({DelegateStatus.SUBMITTED, DelegateStatus.NEEDS_INFO})
PENDING_STATES = OPEN_STATES | {DelegateStatus.APPROVED_AWAITING_CLEARANCE,
                                DelegateStatus.CLEARED_AWAITING_APPROVAL}
class JobState(_Coded):
    """Where a background job (a print run) stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED)


class PrintScope(_Coded):
    """Which badges of the chosen people a print run prints; one handed over never prints
    again with the same code."""

    UNPRINTED = "unprinted"
    PRINTED = "printed"
    ANY = "any"


_APPLICANT_TITLES = {
    DelegateStatus.SUBMITTED: "Under review",
    DelegateStatus.APPROVED_AWAITING_CLEARANCE: "Under review",
    DelegateStatus.CLEARED_AWAITING_APPROVAL: "Under review",
    DelegateStatus.NEEDS_INFO: "More information needed",
    DelegateStatus.READY: "Approved",
    DelegateStatus.REJECTED: "Not approved",
    DelegateStatus.CLEARANCE_REFUSED: "Not approved",
    DelegateStatus.WITHDRAWN: "Not approved",
}

_TITLES = {
    DelegateStatus: {
        DelegateStatus.SUBMITTED.value: "Submitted",
        DelegateStatus.NEEDS_INFO.value: "More information needed",
        DelegateStatus.APPROVED_AWAITING_CLEARANCE.value: "Approved, awaiting clearance",
        DelegateStatus.CLEARED_AWAITING_APPROVAL.value: "Cleared, awaiting approval",
        DelegateStatus.READY.value: "Ready to print",
        DelegateStatus.REJECTED.value: "Rejected",
        DelegateStatus.CLEARANCE_REFUSED.value: "Clearance refused",
        DelegateStatus.WITHDRAWN.value: "Withdrawn",
    },
    BadgeState: {
        BadgeState.NOT_APPROVED.value: "No badge until approved",
        BadgeState.NOT_PRINTED.value: "Not yet printed",
        BadgeState.PRINTED.value: "Printed, ready for collection",
        BadgeState.HANDED_OVER.value: "Collected",
    },
    SubmittedBy: {
        SubmittedBy.APPLICANT.value: "The applicant",
        SubmittedBy.LIAISON.value: "The liaison officer",
        SubmittedBy.STAFF.value: "Staff (import)",
        SubmittedBy.DESK.value: "The front desk (walk-in)",
    },
    StaffRole: {
        StaffRole.ADMIN.value: "Administrator",
        StaffRole.ACCREDITATION.value: "Accreditation officer",
        StaffRole.DESK.value: "Front desk",
        StaffRole.DOOR.value: "Door staff",
        StaffRole.SECURITY.value: "Security office",
    },
    ScanDirection: {
        ScanDirection.IN.value: "Entry",
        ScanDirection.OUT.value: "Exit",
    },
    ScanVerdict: {
        ScanVerdict.ACCEPTED.value: "Accepted",
        ScanVerdict.UNKNOWN_CODE.value: "Unknown badge",
        ScanVerdict.INVALID_SIGNATURE.value: "Forged or damaged badge code",
        ScanVerdict.REVOKED.value: "Badge revoked",
        ScanVerdict.SUPERSEDED.value: "Replaced by a newer badge",
        ScanVerdict.NOT_APPROVED.value: "Person not approved",
        ScanVerdict.NOT_CLEARED.value: "Not cleared by security yet",
        ScanVerdict.NOT_VALID_NOW.value: "Badge not valid at this time",
        ScanVerdict.WRONG_CHECKPOINT.value: "No access to this zone",
        ScanVerdict.ALREADY_INSIDE.value: "Already inside (no exit recorded)",
        ScanVerdict.NOT_HANDED_OVER.value: "Badge not handed over yet: send the holder to the desk",
        ScanVerdict.REPORTED_LOST.value: "Reported lost: keep the badge, call security",
        ScanVerdict.WRONG_DIRECTION.value: "Not allowed in this direction here",
    },
    DoorDirections: {
        DoorDirections.BOTH.value: "Entry and exit",
        DoorDirections.IN.value: "Entry only",
        DoorDirections.OUT.value: "Exit only",
    },
    PrintJobState: {
        PrintJobState.WAITING.value: "Waiting in the queue",
        PrintJobState.PRINTING.value: "Printing",
        PrintJobState.DONE.value: "Finished",
        PrintJobState.UNKNOWN.value: "No longer listed by the print server",
    },
    JobState: {
        JobState.QUEUED.value: "Waiting to start",
        JobState.RUNNING.value: "Running",
        JobState.DONE.value: "Finished",
        JobState.FAILED.value: "Failed",
    },
    PrintScope: {
        PrintScope.UNPRINTED.value: "Badges not printed yet (first badges are issued)",
        PrintScope.PRINTED.value: "Badges printed but not handed over (the same badges again)",
        PrintScope.ANY.value: "Both",
    },
    ScanFlag: {
        ScanFlag.REPORTED_LOST.value: "Badge reported lost or stolen",
        ScanFlag.OFFLINE_CONFLICT.value: "Offline decision differs from the server's",
        ScanFlag.EXIT_WITHOUT_ENTRY.value: "Exit without an entry",
        ScanFlag.OVERRIDE.value: "Let through by a supervisor",
    },
}
