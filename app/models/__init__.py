"""The data model; importing this package registers every table."""
from .audit import AuditEvent
from .badge import Badge
from .delegate import Delegate, StaffNote, delegate_zones
from .enums import (OPEN_STATES, PENDING_STATES, BadgeState, DelegateStatus, DoorDirections, JobState,
                    PrintJobState, PrintScope, ScanDirection, ScanFlag, ScanVerdict, StaffRole, SubmittedBy)
from .event import Category, Checkpoint, Delegation, Event, Zone, category_default_zones
from .job import Job
from .liaison import DelegationInvitation
from .scan import Scan
from .signing_key import SigningKey
from .staff import LoginFailure, StaffUser
from .station import PrintJob, Station

__all__ = [
    "AuditEvent", "Badge", "BadgeState", "Category", "Checkpoint", "Delegate", "DelegateStatus", "Delegation",
    "DelegationInvitation", "DoorDirections", "Event", "Job", "JobState", "LoginFailure", "OPEN_STATES",
    "PENDING_STATES", "PrintJob", "PrintJobState", "PrintScope", "Scan", "ScanDirection", "ScanFlag",
    "ScanVerdict",
    "SigningKey", "StaffNote", "StaffRole", "StaffUser", "Station", "SubmittedBy", "Zone",
    "category_default_zones", "delegate_zones",
]
