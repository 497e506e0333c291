"""The data model; importing this package registers every table."""
from .audit import AuditEvent
from .badge import Badge
from .delegate import Delegate, delegate_zones
from .enums import OPEN_STATES, DelegateStatus, ScanDirection, ScanVerdict, StaffRole
from .event import Category, Checkpoint, Delegation, Event, Zone, category_default_zones
from .liaison import DelegationInvitation
from .scan import Scan
from .staff import LoginFailure, StaffUser

__all__ = [
    "AuditEvent", "Badge", "Category", "Checkpoint", "Delegate", "DelegateStatus", "Delegation",
    "DelegationInvitation", "Event", "LoginFailure", "OPEN_STATES", "Scan", "ScanDirection",
    "ScanVerdict", "StaffRole", "StaffUser", "Zone",
    "category_default_zones", "delegate_zones",
]
