"""The data model; importing this package registers every table."""
from .audit import AuditEvent
from .badge import Badge
from .delegate import Delegate, StaffNote, delegate_zones
from .enums import (OPEN_STATES, PENDING_STATES, DelegateStatus, DoorDirections, JobState,
                    PrintScope, ScanDirection, ScanFlag, ScanVerdict, StaffRole, SubmittedBy)
from .event import Category, Checkpoint, Delegation, Event, Zone, category_default_zones
from .job import Job
from .liaison import DelegationInvitation
from .scan import Scan
from .signing_key import SigningKey
from .staff import LoginFailure, StaffUser

__all__ = [
    "AuditEvent", "Badge", "Category", "Checkpoint", "Delegate", "DelegateStatus", "Delegation",
    "DelegationInvitation", "DoorDirections", "Event", "Job", "JobState", "LoginFailure", "OPEN_STATES", "PENDING_STATES", "PrintScope", "Scan", "ScanDirection", "ScanFlag",
    "ScanVerdict", "SigningKey", "StaffNote", "StaffRole", "StaffUser", "SubmittedBy", "Zone",
    "category_default_zones", "delegate_zones",
]
